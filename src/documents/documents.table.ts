import type { Generated } from 'kysely';

export type OwnerKind = 'victim' | 'claim' | 'decision' | 'disbursement';

/** A document's metadata; its content (encrypted) is in the store named by `store`. */
export interface DocumentsTable {
  id: Generated<string>;
  owner_kind: OwnerKind;
  victim_id: string | null;
  claim_id: string | null;
  /** claim_transitions.id (int8) of the decision the document belongs to */
  decision_id: string | null;
  disbursement_id: string | null;
  kind: string;
  /** FieldCipher ciphertext: a file name can name a person. */
  filename_enc: string;
  /** Found from the content, never from the name. */
  media_type: string;
  size_bytes: string;
  store: string;
  /** The PII key that wraps the data key (also inside wrapped_key); rotation looks rows up by it. */
  key_id: string;
  wrapped_key: string;
  content_iv: Buffer;
  content_tag: Buffer;
  uploaded_by: string;
  uploaded_at: Generated<Date>;
  /** The move out of info_requested this document answered (claim documents only). */
  answers_transition_id: string | null;
  voided_at: Date | null;
  voided_by: string | null;
  void_reason_enc: string | null;
}

/** The PostgreSQL document store: one opaque ciphertext per document id. */
export interface DocumentContentsTable {
  id: string;
  ciphertext: Buffer;
  stored_at: Generated<Date>;
}

export interface DocumentTables {
  documents: DocumentsTable;
  document_contents: DocumentContentsTable;
}
