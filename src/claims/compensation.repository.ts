import type { Db, Trx } from '../lib/db';
import { trustPotCode } from '../funds/funds';

/*
 * What the joined-up summary needs to know of the fund's disbursements: which award payments
 * went into the victim's trust pot, and what was later paid out of it to them. Read-only SQL on
 * the disbursements table (it belongs to that module, as `findFund` reads the ledger's funds).
 */

/** Of these disbursements, the ones that put an award in trust, with their fund. */
export async function heldInTrustDisbursements(
  db: Db | Trx,
  ids: string[],
): Promise<Map<string, { fundId: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('disbursements')
    .select(['id', 'fund_id'])
    .where('id', 'in', ids)
    .where('hold_in_trust', '=', true)
    .execute();
  return new Map(rows.map((r) => [r.id, { fundId: r.fund_id }]));
}

/** Money paid out of the victim's trust pots (every fund) to them. */
export async function trustReleasesOf(
  db: Db | Trx,
  victimId: string,
): Promise<Array<{ fundId: string; currency: string; amount: bigint }>> {
  const rows = await db
    .selectFrom('disbursements')
    .select(['fund_id', 'currency', 'amount'])
    .where('victim_id', '=', victimId)
    .where('pot_code', '=', trustPotCode(victimId))
    .where('status', '=', 'paid')
    .execute();
  return rows.map((r) => ({ fundId: r.fund_id, currency: r.currency, amount: BigInt(r.amount) }));
}
