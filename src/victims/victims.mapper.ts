import type { Insertable, Updateable } from 'kysely';
import type { FieldCipher } from '../lib/crypto';
import type { VictimRow } from './victims.repository';
import type { VictimsTable } from './victims.table';
import {
  reflectionPeriod,
  type Contact,
  type Guardian,
  type IdentityDocument,
  type Victim,
  type VictimInput,
  type VictimPatch,
} from './victims';

// Field names are bound into each ciphertext (AAD): a value moved to another column won't decrypt.
export const FIELD = {
  fullName: 'victims.full_name',
  dateOfBirth: 'victims.date_of_birth',
  contact: 'victims.contact',
  guardian: 'victims.guardian',
  documents: 'victims.documents',
  documentNumber: 'victims.document_number',
} as const;

export function rowToVictim(cipher: FieldCipher, row: VictimRow): Victim {
  const contact = row.contact_enc
    ? (JSON.parse(cipher.decrypt(FIELD.contact, row.contact_enc)) as {
        email: string | null;
        phone: string | null;
      })
    : null;
  return {
    id: row.id,
    reference: row.reference,
    organizationId: row.organization_id,
    fullName: cipher.decrypt(FIELD.fullName, row.full_name_enc),
    dateOfBirth: cipher.decryptNullable(FIELD.dateOfBirth, row.date_of_birth_enc),
    nationality: row.nationality,
    preferredLanguage: row.preferred_language,
    isChild: row.is_child,
    programmes: row.programmes,
    guardian: row.guardian_enc
      ? (JSON.parse(cipher.decrypt(FIELD.guardian, row.guardian_enc)) as Guardian)
      : null,
    contact: contact ? ({ ...contact, safeToContact: row.safe_to_contact } satisfies Contact) : null,
    consent: {
      shareWithFundAgency: row.consent_share_with_fund_agency,
      contactByEmail: row.consent_contact_by_email,
    },
    identityDocuments: row.documents_enc
      ? (JSON.parse(cipher.decrypt(FIELD.documents, row.documents_enc)) as IdentityDocument[])
      : [],
    witness: { isWitness: row.is_witness, setBy: row.witness_override === null ? 'automatic' : 'manual' },
    jurisdiction: row.jurisdiction,
    reflectionPeriod: reflectionPeriod(row.identified_on, row.reflection_days),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function documents(input: NonNullable<VictimInput['identityDocuments']>): IdentityDocument[] {
  return input.map((d) => ({ type: d.type, number: d.number, issuingCountry: d.issuingCountry ?? null }));
}

export function documentHashes(cipher: FieldCipher, docs: VictimInput['identityDocuments']): string[] {
  return (docs ?? []).map((d) => cipher.blindIndex(FIELD.documentNumber, d.number));
}

/** The columns a create or a patch sets: identifying values are encrypted here and only here. */
export function encryptedColumns(
  cipher: FieldCipher,
  input: VictimPatch,
): Updateable<VictimsTable> & Partial<Insertable<VictimsTable>> {
  const out: Updateable<VictimsTable> = {};
  if (input.fullName !== undefined) out.full_name_enc = cipher.encrypt(FIELD.fullName, input.fullName);
  if (input.dateOfBirth !== undefined)
    out.date_of_birth_enc = cipher.encrypt(FIELD.dateOfBirth, input.dateOfBirth);
  if (input.nationality !== undefined) out.nationality = input.nationality;
  if (input.preferredLanguage !== undefined) out.preferred_language = input.preferredLanguage;
  if (input.isChild !== undefined) out.is_child = input.isChild;
  if (input.programmes !== undefined) out.programmes = input.programmes;
  if (input.guardian !== undefined) {
    const g: Guardian = { name: input.guardian.name, relationship: input.guardian.relationship ?? null };
    out.guardian_enc = cipher.encrypt(FIELD.guardian, JSON.stringify(g));
  }
  if (input.contact !== undefined) {
    const c = { email: input.contact.email ?? null, phone: input.contact.phone ?? null };
    out.contact_enc = cipher.encrypt(FIELD.contact, JSON.stringify(c));
    out.safe_to_contact = input.contact.safeToContact;
  }
  if (input.consent !== undefined) {
    out.consent_share_with_fund_agency = input.consent.shareWithFundAgency;
    out.consent_contact_by_email = input.consent.contactByEmail;
  }
  if (input.identityDocuments !== undefined) {
    out.documents_enc =
      input.identityDocuments.length > 0
        ? cipher.encrypt(FIELD.documents, JSON.stringify(documents(input.identityDocuments)))
        : null;
  }
  return out;
}

/** Names of the fields a patch touches, for the audit trail (never their values). */
export function touchedFields(patch: VictimPatch): string[] {
  return Object.keys(patch).sort();
}
