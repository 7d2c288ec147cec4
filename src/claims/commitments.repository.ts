import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

// What a State-fund award's commitment reads of the disbursement side (its tables, not its code:
// disbursements build on claims, so claims may not import them).

/** The fund's pot order for drawing commitments (empty: the default order). */
export async function potOrderOf(db: Db | Trx, fundId: string): Promise<string[]> {
  const row = await db
    .selectFrom('disbursement_policies')
    .select('pot_order')
    .where('fund_id', '=', fundId)
    .executeTakeFirst();
  return row?.pot_order ?? [];
}

/** Interim payments on a claim that are paid, with how much of each is already an advance received on it. */
export async function paidAdvancesOf(
  trx: Trx,
  claimId: string,
): Promise<Array<{ id: string; amount: bigint; applied: bigint; paidOn: string; reference: string }>> {
  const rows = await trx
    .selectFrom('disbursements as d')
    .leftJoin('payments_received as p', 'p.disbursement_id', 'd.id')
    .select(({ fn }) => [
      'd.id',
      'd.amount',
      'd.paid_on',
      'd.payment_reference',
      fn.coalesce(fn.sum<string>('p.amount_minor'), sql<string>`0`).as('applied'),
    ])
    .where('d.claim_id', '=', claimId)
    .where('d.purpose', '=', 'interim_assistance')
    .where('d.status', '=', 'paid')
    .groupBy(['d.id', 'd.amount', 'd.paid_on', 'd.payment_reference', 'd.resolved_at'])
    .orderBy('d.resolved_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    amount: BigInt(r.amount),
    applied: BigInt(r.applied),
    paidOn: r.paid_on!,
    reference: r.payment_reference,
  }));
}
