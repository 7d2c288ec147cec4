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
  /** A State-fund award moved into the victim's trust pot (a child's award) instead of paid out. */
  hold_in_trust: Generated<boolean>;
  // A payout in another currency (all set or all null): int8 minor units of payout_currency.
  payout_currency: string | null;
  payout_amount: string | null;
  payout_fees: string | null;
  fx_rate: string | null; // numeric, as written
  fx_rate_source: string | null;
  fx_rate_date: string | null;
  /** 'fund': the fund held the payout currency and paid from it; 'bank': the bank converted at payout */
  fx_converted_by: 'fund' | 'bank' | null;
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
