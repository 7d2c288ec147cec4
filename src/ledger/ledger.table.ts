import type { Generated, JSONColumnType } from 'kysely';

// int8 columns arrive as strings (see lib/db.ts): amounts are converted with BigInt().

export interface LedgerAccountsTable {
  id: Generated<string>;
  fund_id: string | null;
  code: string;
  name: string;
  type: 'asset' | 'liability' | 'net_assets' | 'revenue' | 'expense';
  normal_side: 'debit' | 'credit';
  currency: string;
  role: 'bank' | 'pot' | 'allocated' | 'revenue' | 'expense' | 'other';
  pot_code: string | null;
  non_negative: boolean;
  posted: Generated<string>;
  pending: Generated<string>;
  version: Generated<string>;
  created_at: Generated<Date>;
}

export interface LedgerEntriesTable {
  id: Generated<string>;
  kind: string;
  description: string;
  effective_on: Generated<string>;
  reverses_entry_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  created_txid: Generated<string>;
  metadata: JSONColumnType<Record<string, unknown>>;
  // Set once, by the sealer, after commit (see ledger-chain.ts).
  chain_seq: string | null;
  prev_hash: string | null;
  hash: string | null;
  /** Id of the CHAIN_KEYS key that signed the link; null on links sealed before keys existed. */
  chain_key_id: string | null;
}

export interface LedgerPostingsTable {
  id: Generated<string>;
  entry_id: string;
  account_id: string;
  side: 'debit' | 'credit';
  amount: string;
  currency: string;
  balance_after: string;
  posted_at: Date;
}

export interface LedgerReservationsTable {
  id: Generated<string>;
  status: Generated<'pending' | 'posted' | 'voided'>;
  description: string;
  metadata: JSONColumnType<Record<string, unknown>>;
  created_by: string | null;
  created_at: Generated<Date>;
  created_txid: Generated<string>;
  resolved_at: Date | null;
  entry_id: string | null;
}

export interface LedgerReservationLinesTable {
  id: Generated<string>;
  reservation_id: string;
  account_id: string;
  side: 'debit' | 'credit';
  amount: string;
  currency: string;
  holds: boolean;
}

/** A manual entry moving fund money, waiting for a second person (see entry-proposals.service.ts). */
export interface LedgerEntryProposalsTable {
  id: Generated<string>;
  organization_id: string | null;
  description: string;
  effective_on: string | null;
  /** [{accountId, side, amount}] with amounts in minor units (strings), as validated at proposal. */
  postings: JSONColumnType<ProposedPosting[]>;
  status: Generated<'proposed' | 'posted' | 'rejected'>;
  proposed_by: string;
  proposed_at: Generated<Date>;
  entry_id: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_reason: string | null;
  /** Set when the proposal is to reverse this entry (its description is then the reason). */
  reverses_entry_id: string | null;
}

export interface ProposedPosting {
  accountId: string;
  side: 'debit' | 'credit';
  amount: string;
  currency: string;
}

export interface LedgerEntryProposalApprovalsTable {
  proposal_id: string;
  approver_id: string;
  approved_at: Generated<Date>;
}

export interface LedgerTables {
  ledger_accounts: LedgerAccountsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_postings: LedgerPostingsTable;
  ledger_reservations: LedgerReservationsTable;
  ledger_reservation_lines: LedgerReservationLinesTable;
  ledger_entry_proposals: LedgerEntryProposalsTable;
  ledger_entry_proposal_approvals: LedgerEntryProposalApprovalsTable;
}
