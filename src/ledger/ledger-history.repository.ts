import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { Side } from './ledger';
import type { Reach } from './ledger.repository';
import type { LedgerPostingsTable } from './ledger.table';

/** Entries with their postings, and balances over time: the ledger's history, read-only. */

type Q = Db | Trx;

export interface EntryRow {
  id: string;
  kind: string;
  description: string;
  effectiveOn: string;
  reversesEntryId: string | null;
  reversedByEntryId: string | null;
  createdBy: string | null;
  createdAt: Date;
  metadata: Record<string, unknown>;
  postings: PostingRow[];
}

export interface PostingRow {
  id: string;
  entryId: string;
  accountId: string;
  side: Side;
  amount: bigint;
  currency: string;
  balanceAfter: bigint;
  postedAt: Date;
}

function toPosting(r: Selectable<LedgerPostingsTable>): PostingRow {
  return {
    id: r.id,
    entryId: r.entry_id,
    accountId: r.account_id,
    side: r.side,
    amount: BigInt(r.amount),
    currency: r.currency,
    balanceAfter: BigInt(r.balance_after),
    postedAt: r.posted_at,
  };
}

/** Entries by id, each with its postings (two queries, whatever the page size). */
export async function entriesByIds(db: Q, ids: string[]): Promise<EntryRow[]> {
  if (ids.length === 0) return [];
  const [entries, postings] = await Promise.all([
    db
      .selectFrom('ledger_entries as e')
      .leftJoin('ledger_entries as r', 'r.reverses_entry_id', 'e.id')
      .select([
        'e.id',
        'e.kind',
        'e.description',
        'e.effective_on',
        'e.reverses_entry_id',
        'r.id as reversed_by',
        'e.created_by',
        'e.created_at',
        'e.metadata',
      ])
      .where('e.id', 'in', ids)
      .orderBy('e.id', 'desc')
      .execute(),
    db.selectFrom('ledger_postings').selectAll().where('entry_id', 'in', ids).orderBy('id').execute(),
  ]);
  const byEntry = new Map<string, PostingRow[]>();
  for (const p of postings) {
    const list = byEntry.get(p.entry_id) ?? [];
    list.push(toPosting(p));
    byEntry.set(p.entry_id, list);
  }
  return entries.map((e) => ({
    id: e.id,
    kind: e.kind,
    description: e.description,
    effectiveOn: e.effective_on,
    reversesEntryId: e.reverses_entry_id,
    reversedByEntryId: e.reversed_by,
    createdBy: e.created_by,
    createdAt: e.created_at,
    metadata: e.metadata,
    postings: byEntry.get(e.id) ?? [],
  }));
}

/** Newest first. Entry ids in reach: those with a posting on an account of a fund in reach. */
export async function entryIdsPage(
  db: Q,
  reach: Reach,
  filter: { accountId?: string; fundId?: string; before?: string; limit: number },
): Promise<string[]> {
  let q = db
    .selectFrom('ledger_entries as e')
    .select('e.id')
    .where((eb) => {
      let sub = eb
        .selectFrom('ledger_postings as p')
        .innerJoin('ledger_accounts as a', 'a.id', 'p.account_id')
        .leftJoin('funds as f', 'f.id', 'a.fund_id')
        .select(sql`1`.as('one'))
        .whereRef('p.entry_id', '=', 'e.id');
      if (filter.accountId) sub = sub.where('p.account_id', '=', filter.accountId);
      if (filter.fundId) sub = sub.where('a.fund_id', '=', filter.fundId);
      if (reach.organizationId !== null) sub = sub.where('f.organization_id', '=', reach.organizationId);
      return eb.exists(sub);
    });
  if (filter.before) q = q.where('e.id', '<', filter.before);
  const rows = await q.orderBy('e.id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => r.id);
}

/**
 * Balances as of a moment: for each account the balance_after of its last posting at or before
 * `asOf` (strictly before when not inclusive: a period's opening), one index probe per account
 * on (account_id, posted_at, id), and what was pending then.
 */
export async function balancesAsOf(
  db: Q,
  accountIds: string[],
  asOf: Date,
  inclusive = true,
): Promise<Map<string, { posted: bigint; pending: bigint }>> {
  const out = new Map<string, { posted: bigint; pending: bigint }>();
  if (accountIds.length === 0) return out;
  const { rows } = await sql<{ id: string; posted: string | null; pending: string | null }>`
    select a.id,
      (select p.balance_after from ledger_postings p
        where p.account_id = a.id and p.posted_at ${sql.raw(inclusive ? '<=' : '<')} ${asOf}
        order by p.posted_at desc, p.id desc limit 1) as posted,
      (select sum(l.amount) from ledger_reservation_lines l
         join ledger_reservations r on r.id = l.reservation_id
        where l.account_id = a.id and l.holds and r.created_at <= ${asOf}
          and (r.resolved_at is null or r.resolved_at > ${asOf})) as pending
    from ledger_accounts a where a.id = any(${accountIds}::bigint[])`.execute(db);
  for (const r of rows) out.set(r.id, { posted: BigInt(r.posted ?? 0), pending: BigInt(r.pending ?? 0) });
  return out;
}

/** Per account: net movement in [from, to), in the account's normal-side sign. */
export async function movements(
  db: Q,
  accountIds: string[],
  from: Date,
  to: Date,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (accountIds.length === 0) return out;
  const { rows } = await sql<{ id: string; net: string }>`
    select a.id, coalesce(sum(case when p.side = a.normal_side then p.amount else -p.amount end), 0) as net
      from ledger_accounts a join ledger_postings p on p.account_id = a.id
     where a.id = any(${accountIds}::bigint[]) and p.posted_at >= ${from} and p.posted_at < ${to}
     group by a.id`.execute(db);
  for (const r of rows) out.set(r.id, BigInt(r.net));
  return out;
}

export async function entryPostingsForReversal(
  trx: Trx,
  entryId: string,
): Promise<
  Array<{
    accountId: string;
    side: Side;
    amount: bigint;
    fundId: string | null;
    organizationId: string | null;
  }>
> {
  const rows = await trx
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_accounts as a', 'a.id', 'p.account_id')
    .leftJoin('funds as f', 'f.id', 'a.fund_id')
    .select(['p.account_id', 'p.side', 'p.amount', 'a.fund_id', 'f.organization_id'])
    .where('p.entry_id', '=', entryId)
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    side: r.side,
    amount: BigInt(r.amount),
    fundId: r.fund_id,
    organizationId: r.organization_id,
  }));
}

export async function entryExists(db: Q, id: string): Promise<{ description: string } | undefined> {
  return db.selectFrom('ledger_entries').select('description').where('id', '=', id).executeTakeFirst();
}

/** Opening and closing balance of each account for [start, end), read in one statement. */
export async function periodBalances(
  db: Q,
  accountIds: string[],
  start: Date,
  end: Date,
): Promise<Map<string, { opening: bigint; closing: bigint }>> {
  const out = new Map<string, { opening: bigint; closing: bigint }>();
  if (accountIds.length === 0) return out;
  const at = (t: Date) => sql<string | null>`(select p.balance_after from ledger_postings p
      where p.account_id = a.id and p.posted_at < ${t} order by p.posted_at desc, p.id desc limit 1)`;
  const { rows } = await sql<{ id: string; opening: string | null; closing: string | null }>`
    select a.id, ${at(start)} as opening, ${at(end)} as closing
      from ledger_accounts a where a.id = any(${accountIds}::bigint[])`.execute(db);
  for (const r of rows) out.set(r.id, { opening: BigInt(r.opening ?? 0), closing: BigInt(r.closing ?? 0) });
  return out;
}
