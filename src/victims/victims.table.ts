import type { Generated } from 'kysely';

/** `*_enc` columns hold FieldCipher ciphertext; the plaintext never reaches PostgreSQL. */
export interface VictimsTable {
  id: Generated<string>;
  organization_id: string;
  reference: string;
  full_name_enc: string;
  date_of_birth_enc: string | null;
  contact_enc: string | null; // JSON {email?, phone?}
  guardian_enc: string | null; // JSON {name, relationship?}
  documents_enc: string | null; // JSON [{type, number, issuingCountry?}]
  nationality: string | null;
  preferred_language: string;
  is_child: boolean;
  programmes: Generated<string[]>; // in clear, like nationality: pot restrictions read it
  safe_to_contact: boolean;
  consent_share_with_fund_agency: boolean;
  consent_contact_by_email: boolean;
  jurisdiction: string | null;
  identified_on: string | null;
  reflection_days: number | null;
  is_witness: Generated<boolean>;
  witness_override: boolean | null;
  created_by: string;
  /** Whose caseload the victim is in; null only when set so by hand. */
  assignee_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface VictimDocumentIndexTable {
  victim_id: string;
  organization_id: string;
  number_hash: string;
}

/** Keyed HMACs of the normalised full name and of each of its words (src/victims/name-index.ts). */
export interface VictimNameIndexTable {
  victim_id: string;
  organization_id: string;
  kind: 'full' | 'token';
  token_hmac: string;
}

export interface VictimWitnessHistoryTable {
  id: Generated<string>;
  victim_id: string;
  is_witness: boolean;
  source: 'automatic' | 'manual';
  changed_at: Generated<Date>;
  changed_by: string | null;
}

export interface VictimsTables {
  victims: VictimsTable;
  victim_document_index: VictimDocumentIndexTable;
  victim_name_index: VictimNameIndexTable;
  victim_witness_history: VictimWitnessHistoryTable;
}
