import type { Generated, JSONColumnType } from 'kysely';
import type { HearingTables } from './hearings/hearings.table';

export interface ClaimsTable {
  id: Generated<string>;
  seq: Generated<string>;
  reference: string;
  victim_id: string;
  organization_id: string;
  route: string;
  mode: string | null;
  fund_id: string | null; // funds.id (foreign key since migration 2026_11_29_900100)
  jurisdiction: string;
  forum: string | null;
  case_number: string | null;
  respondent: string | null;
  currency: string;
  status: string;
  status_since: string;
  filed_on: string;
  cause_of_action_on: string | null;
  assignee_id: string | null;
  /** FieldCipher ciphertext: notes may name people. */
  notes_enc: string | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Amounts are int8 minor units, read back as strings. */
export interface ClaimHeadsTable {
  claim_id: string;
  head: string;
  description: string | null;
  claimed_minor: string;
  decided_minor: string | null; // State fund: the decision before the offset
  offset_minor: Generated<string>;
  awarded_minor: Generated<string>;
  received_minor: Generated<string>;
  /** The part of received_minor held in the victim's trust pot: it has not reached the family. */
  held_in_trust_minor: Generated<string>;
}

export interface AwardRecord {
  heads: Array<{ head: string; decided: string; offset: string; awarded: string }>;
}

export interface ClaimTransitionsTable {
  id: Generated<string>;
  claim_id: string;
  from_status: string | null;
  to_status: string;
  occurred_on: string;
  recorded_at: Generated<Date>;
  /** Null when the system made the move (`by_system`), e.g. a fully paid award moving to paid. */
  recorded_by: string | null;
  by_system: Generated<boolean>;
  note: string | null;
  award: JSONColumnType<AwardRecord> | null;
  /** The day a hearing of this stage is scheduled (may be in the future). */
  hearing_on: string | null;
}

/** A correction of a claim's particulars (PATCH /v1/claims/:id), one row per field changed. */
export interface ClaimChangesTable {
  id: Generated<string>;
  claim_id: string;
  field: 'caseNumber' | 'forum' | 'respondent' | 'assigneeId' | 'notes';
  /** For `notes`, FieldCipher ciphertext. */
  from_value: string | null;
  to_value: string | null;
  reason: string;
  changed_by: string;
  changed_at: Generated<Date>;
}

export interface ClaimDeadlinesTable {
  claim_id: string;
  kind: string;
  due_on: string;
  met_on: string | null;
  basis: string;
  /** The day this deadline (kind and due date) was first recorded; null before 2026_12_02_100100. */
  recorded_on: string | null;
}

export interface PaymentsReceivedTable {
  id: Generated<string>;
  claim_id: string;
  victim_id: string;
  head: string;
  amount_minor: string;
  currency: string;
  received_on: string;
  payer: 'perpetrator' | 'employer' | 'fund' | 'other';
  paid_to: 'victim' | 'fund';
  fund_id: string | null;
  recovery_minor: string;
  trust_minor: string;
  fund_receipt_id: string | null; // the receipt of the fund's recovery part (source recovery)
  trust_receipt_id?: string | null; // the receipt of the part held in trust for the victim
  disbursement_id?: string | null; // the fund's disbursement that paid it (award or advance)
  note: string | null;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

/** A payment record voided by mistake; the record itself stays (append-only). */
export interface PaymentVoidsTable {
  payment_id: string;
  claim_id: string;
  reason: string;
  voided_by: string;
  voided_at: Generated<Date>;
  recovery_reversal_entry_id: string | null;
  trust_reversal_entry_id: string | null;
}

export interface FundSubrogationPoliciesTable {
  fund_id: string;
  policy: 'victim_first' | 'fund_first';
  updated_by: string;
  updated_at: Generated<Date>;
}

/** Hearings are the claim's own records (claims/hearings). */
export interface ClaimsTables extends HearingTables {
  claims: ClaimsTable;
  claim_heads: ClaimHeadsTable;
  claim_transitions: ClaimTransitionsTable;
  claim_changes: ClaimChangesTable;
  claim_deadlines: ClaimDeadlinesTable;
  payments_received: PaymentsReceivedTable;
  payment_voids: PaymentVoidsTable;
  fund_subrogation_policies: FundSubrogationPoliciesTable;
}
