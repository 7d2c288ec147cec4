import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { Account, AccountType, EntryInput, ReservationInput, Side } from './ledger';

type Q = Db | Trx;

/** Which accounts a caller may see: one organization's funds, or (null) all of them. */
export interface Reach {
  organizationId: string | null;
}

export interface AccountSpec {
  fundId: string | null;
  code: string;
  name: string;
  type: AccountType;
  normalSide: Side;
  currency: string;
  role: 'bank' | 'pot' | 'allocated' | 'revenue' | 'expense' | 'other';
  pot: string | null;
  nonNegative: boolean;
}

const ACCOUNT_COLUMNS = [
  'a.id',
  'a.fund_id',
  'a.code',
  'a.name',
  'a.type',
  'a.normal_side',
  'a.currency',
  'a.role',
  'a.pot_code',
  'a.non_negative',
  'a.posted',
  'a.pending',
  'a.version',
] as const;

function toAccount(r: any): Account {
  return {
    id: r.id,
    fundId: r.fund_id,
    code: r.code,
    name: r.name,
    type: r.type,
    normalSide: r.normal_side,
    currency: r.currency,
    role: r.role,
    pot: r.pot_code,
    nonNegative: r.non_negative,
    posted: BigInt(r.posted),
    pending: BigInt(r.pending),
    version: r.version,
  };
}

export async function insertAccounts(trx: Trx, specs: AccountSpec[]): Promise<Account[]> {
  const rows = await trx
    .insertInto('ledger_accounts')
    .values(
      specs.map((s) => ({
        fund_id: s.fundId,
        code: s.code,
        name: s.name,
        type: s.type,
        normal_side: s.normalSide,
        currency: s.currency,
        role: s.role,
        pot_code: s.pot,
        non_negative: s.nonNegative,
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toAccount);
}

function scoped(db: Q, reach: Reach) {
  let q = db.selectFrom('ledger_accounts as a').leftJoin('funds as f', 'f.id', 'a.fund_id');
  if (reach.organizationId !== null) q = q.where('f.organization_id', '=', reach.organizationId);
  return q;
}

export async function findAccounts(db: Q, reach: Reach, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await scoped(db, reach).select(ACCOUNT_COLUMNS).where('a.id', 'in', ids).execute();
  return rows.map(toAccount);
}

export async function listAccounts(
  db: Q,
  reach: Reach,
  filter: { fundId?: string; after?: string; limit: number },
): Promise<Account[]> {
  let q = scoped(db, reach).select(ACCOUNT_COLUMNS);
  if (filter.fundId) q = q.where('a.fund_id', '=', filter.fundId);
  if (filter.after) q = q.where('a.id', '>', filter.after);
  const rows = await q.orderBy('a.id').limit(filter.limit).execute();
  return rows.map(toAccount);
}

export async function accountsOfFunds(db: Q, fundIds: string[]): Promise<Account[]> {
  if (fundIds.length === 0) return [];
  const rows = await db
    .selectFrom('ledger_accounts as a')
    .select(ACCOUNT_COLUMNS)
    .where('a.fund_id', 'in', fundIds)
    .orderBy('a.id')
    .execute();
  return rows.map(toAccount);
}

const amounts = (ps: EntryInput['postings']) => ps.map((p) => p.amount.toString());

/** The posting call as an expression, so a domain can post and write its own row in ONE statement. */
export function postEntrySql(e: EntryInput) {
  return sql<string>`ledger_post_entry(${e.kind}, ${e.description},
      ${e.effectiveOn ?? null}::date, ${e.reversesEntryId ?? null}::bigint, ${e.createdBy ?? null}::uuid,
      ${JSON.stringify(e.metadata ?? {})}::jsonb, ${e.postings.map((p) => p.accountId)}::bigint[],
      ${e.postings.map((p) => p.side)}::text[], ${amounts(e.postings)}::bigint[])`;
}

export async function callPostEntry(trx: Trx, e: EntryInput): Promise<string> {
  const { rows } = await sql<{ id: string }>`select ${postEntrySql(e)} as id`.execute(trx);
  return rows[0]!.id;
}

export async function callReserve(trx: Trx, r: ReservationInput): Promise<string> {
  const { rows } = await sql<{
    id: string;
  }>`select ledger_reserve(${r.description}, ${r.createdBy ?? null}::uuid,
      ${JSON.stringify(r.metadata ?? {})}::jsonb, ${r.lines.map((p) => p.accountId)}::bigint[],
      ${r.lines.map((p) => p.side)}::text[], ${amounts(r.lines)}::bigint[]) as id`.execute(trx);
  return rows[0]!.id;
}

export async function callResolveReservation(
  trx: Trx,
  id: string,
  post: boolean,
  opts: {
    description?: string | null;
    effectiveOn?: string | null;
    createdBy?: string | null;
    metadata?: object;
  },
): Promise<string | null> {
  const { rows } = await sql<{ id: string | null }>`select ledger_resolve_reservation(${id}::bigint, ${post},
      ${opts.description ?? null}::text, ${opts.effectiveOn ?? null}::date, ${opts.createdBy ?? null}::uuid,
      ${JSON.stringify(opts.metadata ?? {})}::jsonb) as id`.execute(trx);
  return rows[0]!.id;
}

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

function toPosting(r: any): PostingRow {
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
