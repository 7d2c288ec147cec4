import { sql } from 'kysely';
import type { EntryInput } from '../ledger/ledger';
import { postEntrySql } from '../ledger/ledger.repository';
import type { Db, Trx } from '../lib/db';
import type { Fund, Pot } from './funds';

type Q = Db | Trx;

export async function insertFund(
  trx: Trx,
  f: { organizationId: string; name: string; currency: string; currencies: string[]; createdBy: string },
): Promise<{ id: string; createdAt: Date }> {
  const row = await trx
    .insertInto('funds')
    .values({
      organization_id: f.organizationId,
      name: f.name,
      currency: f.currency,
      currencies: f.currencies,
      created_by: f.createdBy,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, createdAt: row.created_at };
}

export async function insertPots(trx: Trx, fundId: string, pots: Pot[]): Promise<void> {
  await trx
    .insertInto('fund_pots')
    .values(
      pots.map((p) => ({ fund_id: fundId, code: p.code, name: p.name, kind: p.kind, purposes: p.purposes })),
    )
    .execute();
}

// A fund's shape (pots, currencies, account ids) never changes after creation, so it is cached
// per database handle: a receipt then needs no look-up before posting.
const cache = new WeakMap<object, Map<string, Fund>>();

export async function loadFund(db: Q, cacheKey: object, id: string): Promise<Fund | undefined> {
  let perDb = cache.get(cacheKey);
  if (!perDb) cache.set(cacheKey, (perDb = new Map()));
  const hit = perDb.get(id);
  if (hit) return hit;
  const row = await db.selectFrom('funds').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [pots, accounts] = await Promise.all([
    db.selectFrom('fund_pots').selectAll().where('fund_id', '=', id).execute(),
    db.selectFrom('ledger_accounts').select(['id', 'code']).where('fund_id', '=', id).execute(),
  ]);
  const order = (p: { kind: string; code: string }) =>
    ['unrestricted', 'reserved', 'restricted', 'trust'].indexOf(p.kind);
  const fund: Fund = {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    currency: row.currency,
    currencies: row.currencies,
    createdAt: row.created_at,
    pots: pots
      .map((p) => ({ code: p.code, name: p.name, kind: p.kind, purposes: p.purposes }))
      .sort((a, b) => order(a) - order(b) || a.code.localeCompare(b.code)),
    accounts: new Map(accounts.map((a) => [a.code, a.id])),
  };
  // Only cache what is committed and complete (a fund is created with its accounts at once).
  if (accounts.length > 0) perDb.set(id, fund);
  return fund;
}

export async function listFundIds(
  db: Q,
  organizationId: string | null,
  after: string | undefined,
  limit: number,
): Promise<string[]> {
  let q = db.selectFrom('funds').select('id');
  if (organizationId !== null) q = q.where('organization_id', '=', organizationId);
  if (after) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

/**
 * Posts the receipt's entry and writes the receipt row in one statement: one round trip, and the
 * accounts' row locks (taken by the posting) are held only from here to commit.
 */
export async function insertReceiptWithEntry(
  trx: Trx,
  entry: EntryInput,
  r: {
    id: string;
    fundId: string;
    source: string;
    pot: string;
    amount: bigint;
    currency: string;
    receivedOn: string;
    reference: string | null;
    donor: string | null;
    createdBy: string;
  },
): Promise<{ entryId: string; createdAt: Date }> {
  const { rows } = await sql<{ entry_id: string; created_at: Date }>`
    with e as (select ${postEntrySql(entry)} as id)
    insert into fund_receipts (id, fund_id, entry_id, source, pot_code, amount, currency, received_on, reference, donor, created_by)
    select ${r.id}::uuid, ${r.fundId}::uuid, e.id, ${r.source}, ${r.pot}, ${r.amount.toString()}::bigint, ${r.currency},
           ${r.receivedOn}::date, ${r.reference}, ${r.donor}, ${r.createdBy}::uuid
      from e
    returning entry_id, created_at`.execute(trx);
  return { entryId: rows[0]!.entry_id, createdAt: rows[0]!.created_at };
}

export async function insertPotTransfer(
  trx: Trx,
  t: {
    fundId: string;
    entryId: string;
    from: string;
    to: string;
    amount: bigint;
    currency: string;
    reason: string;
    createdBy: string;
  },
) {
  return trx
    .insertInto('fund_pot_transfers')
    .values({
      fund_id: t.fundId,
      entry_id: t.entryId,
      from_pot: t.from,
      to_pot: t.to,
      amount: t.amount.toString(),
      currency: t.currency,
      reason: t.reason,
      created_by: t.createdBy,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}
