import type { OwnerKind } from './documents.table';

export type { OwnerKind } from './documents.table';

/** What a document is evidence of; the everyday papers of a case. */
export const DOCUMENT_KINDS = [
  'judgment',
  'court_order',
  'decision_letter',
  'medical_certificate',
  'payslip',
  'employment_contract',
  'id_copy',
  'receipt',
  'bank_statement',
  'correspondence',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The record a document belongs to. A decision is a claim transition with an outcome. */
export type Owner =
  | { kind: 'victim'; victimId: string }
  | { kind: 'claim'; claimId: string }
  | { kind: 'decision'; claimId: string; decisionId: string }
  | { kind: 'disbursement'; disbursementId: string };

export interface DocumentView {
  id: string;
  ownerKind: OwnerKind;
  /** The victim, claim or disbursement id; for a decision, the decision (transition) id. */
  ownerId: string;
  /** The claim of a claim or decision document. */
  claimId: string | null;
  kind: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: string;
  /** The move out of `info_requested` this document was sent with (a State-fund answer). */
  answersTransitionId: string | null;
  voided: { at: string; by: string; reason: string } | null;
}

export function ownerIdOf(owner: Owner): string {
  switch (owner.kind) {
    case 'victim':
      return owner.victimId;
    case 'claim':
      return owner.claimId;
    case 'decision':
      return owner.decisionId;
    case 'disbursement':
      return owner.disbursementId;
  }
}

/**
 * A file name as given, reduced to its last path segment (a browser may send a full path) and
 * trimmed; the content decides the type, so the name is only a label.
 */
export function cleanFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  return last.trim();
}
