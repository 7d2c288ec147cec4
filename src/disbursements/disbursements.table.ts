import type { Generated } from 'kysely';

// int8 columns arrive as strings (see lib/db.ts); amounts are minor units of `currency`.

export interface DisbursementsTable {
  id: Generated<string>;
  fund_id: string;
  victim_id: string;
  claim_id: string | null;
  purpose: string;
  amount: string;
  currency: string;
  requested_pot: string | null;
  pot_code: string | null;
  rationale: string;
  channel: string;
  /** FieldCipher ciphertext of the payee details (JSON); never plaintext in PostgreSQL. */
  payee_enc: string | null;
  payment_reference: string;
  status: Generated<'requested' | 'approved' | 'rejected' | 'paid' | 'failed'>;
  approvals_required: number;
  reservation_id: string | null;
  entry_id: string | null;
  requested_by: string;
  requested_at: Generated<Date>;
  approved_at: Date | null;
  paid_on: string | null;
  external_reference: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_reason: string | null;
}

export interface DisbursementApprovalsTable {
  disbursement_id: string;
  approver_id: string;
  approved_at: Generated<Date>;
}

export interface DisbursementPoliciesTable {
  fund_id: string;
  pot_order: string[];
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface DisbursementThresholdsTable {
  fund_id: string;
  currency: string;
  above: string;
}

export interface DisbursementTables {
  disbursements: DisbursementsTable;
  disbursement_approvals: DisbursementApprovalsTable;
  disbursement_policies: DisbursementPoliciesTable;
  disbursement_thresholds: DisbursementThresholdsTable;
}
