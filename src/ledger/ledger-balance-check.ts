import type { Db } from '../lib/db';
import { accountBalanceMismatches } from './ledger-chain.repository';

export interface BalanceCheck {
  balancesChecked: number;
  /** Id of the first account (lowest id) whose stored balance is not what its history says. */
  firstWrongBalance: string | null;
}

/**
 * Recomputes every account's running balances from the ledger itself: `posted` from its
 * postings (signed by the account's normal side), `pending` from the holding lines of pending
 * reservations. The running balances are plain columns, outside the hash chain, so an UPDATE
 * of one would otherwise change what a pot can pay without breaking any link.
 */
export async function checkAccountBalances(db: Db): Promise<BalanceCheck> {
  const row = await accountBalanceMismatches(db);
  return { balancesChecked: Number(row.checked), firstWrongBalance: row.first_wrong };
}
