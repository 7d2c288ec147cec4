import { addDays, addYears } from '../lib/dates';

/** Victims: domain types and the views each role may receive. */

export const DOCUMENT_TYPES = [
  'passport',
  'national_id',
  'work_permit',
  'seafarer_book',
  'birth_certificate',
  'other',
] as const;

export interface Contact {
  email: string | null;
  phone: string | null;
  safeToContact: boolean;
}

export interface Guardian {
  name: string;
  relationship: string | null;
}

export interface IdentityDocument {
  type: (typeof DOCUMENT_TYPES)[number];
  number: string;
  issuingCountry: string | null;
}

export interface Consent {
  shareWithFundAgency: boolean;
  contactByEmail: boolean;
}

export interface Victim {
  id: string;
  reference: string;
  organizationId: string;
  fullName: string;
  dateOfBirth: string | null;
  nationality: string | null;
  preferredLanguage: string;
  isChild: boolean;
  programmes: string[];
  /** For a child, the contact is the guardian's. */
  guardian: Guardian | null;
  contact: Contact | null;
  consent: Consent;
  identityDocuments: IdentityDocument[];
  witness: { isWitness: boolean; setBy: 'automatic' | 'manual' };
  jurisdiction: string | null;
  reflectionPeriod: { startsOn: string; days: number; endsOn: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface VictimInput {
  fullName: string;
  dateOfBirth?: string;
  nationality?: string;
  preferredLanguage: string;
  isChild?: boolean;
  programmes?: string[];
  guardian?: { name: string; relationship?: string };
  contact?: { email?: string; phone?: string; safeToContact: boolean };
  consent: Consent;
  identityDocuments?: Array<{ type: IdentityDocument['type']; number: string; issuingCountry?: string }>;
  jurisdiction?: string;
  identifiedOn?: string;
}

export type VictimPatch = Partial<Omit<VictimInput, 'jurisdiction' | 'identifiedOn'>> & {
  witness?: { isWitness: boolean } | { automatic: true };
};

export interface Warning {
  code: 'possible_duplicate';
  message: string;
  references: string[];
}

/** What a fund administrator may see: enough to pay, nothing that identifies. */
export interface VictimPaymentView {
  id: string;
  reference: string;
  isChild: boolean;
  preferredLanguage: string;
  consent: Consent;
}

export function paymentView(v: Victim): VictimPaymentView {
  return {
    id: v.id,
    reference: v.reference,
    isChild: v.isChild,
    preferredLanguage: v.preferredLanguage,
    consent: v.consent,
  };
}

/** The effective witness status: a manual choice wins over the automatic rule. */
export function effectiveWitness(automatic: boolean, override: boolean | null): boolean {
  return override ?? automatic;
}

/** Whether the person is still under `majorityAge` on `on` (29 February birthdays: 28 February). */
export function isMinorOn(dateOfBirth: string, on: string, majorityAge = 18): boolean {
  return on < addYears(dateOfBirth, majorityAge);
}

/** The victim's reflection period: recorded with its length so later rule changes leave it be. */
export function reflectionPeriod(
  identifiedOn: string | null,
  days: number | null,
): { startsOn: string; days: number; endsOn: string } | null {
  if (!identifiedOn || days === null) return null;
  return { startsOn: identifiedOn, days, endsOn: addDays(identifiedOn, days) };
}
