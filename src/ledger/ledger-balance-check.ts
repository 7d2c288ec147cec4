import { sql } from 'kysely';
import type { Db } from '../lib/db';

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
  const { rows } = await sql<{ checked: string; first_wrong: string | null }>`
    select count(*)::text as checked,
      min(a.id) filter (where a.posted <> coalesce(p.net, 0) or a.pending <> coalesce(h.held, 0))::text
        as first_wrong
    from ledger_accounts a
    left join (
      select p.account_id, sum(case when p.side = a2.normal_side then p.amount else -p.amount end) as net
      from ledger_postings p join ledger_accounts a2 on a2.id = p.account_id
      group by p.account_id
    ) p on p.account_id = a.id
    left join (
      select l.account_id, sum(l.amount) as held
      from ledger_reservation_lines l join ledger_reservations r on r.id = l.reservation_id
      where l.holds and r.status = 'pending'
      group by l.account_id
    ) h on h.account_id = a.id`.execute(db);
  const row = rows[0]!;
  return { balancesChecked: Number(row.checked), firstWrongBalance: row.first_wrong };
}
