import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../lib/db';
import type { Reach } from './ledger.repository';

/**
 * What a journal export covers: entries with a posting on an account of a fund in reach (of
 * one fund when `fundId` is given), effective within [from, to] (days, both included).
 */
export interface ExportScope {
  reach: Reach;
  fundId?: string;
  from?: string;
  to?: string;
}

function inScope(scope: ExportScope): RawBuilder<boolean> {
  const org = scope.reach.organizationId;
  return sql<boolean>`exists (select 1 from ledger_postings p
      join ledger_accounts a on a.id = p.account_id
      left join funds f on f.id = a.fund_id
     where p.entry_id = e.id
       ${scope.fundId ? sql`and a.fund_id = ${scope.fundId}::uuid` : sql``}
       ${org !== null ? sql`and f.organization_id = ${org}::uuid` : sql``})`;
}

const upTo = (scope: ExportScope) => (scope.to ? sql`and e.effective_on <= ${scope.to}::date` : sql``);

/** Entry ids in the period, newest first, `limit` at a time below `before`. */
export async function exportEntryIdsPage(
  db: Db,
  scope: ExportScope,
  page: { before?: string; limit: number },
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select e.id from ledger_entries e
     where ${inScope(scope)} ${upTo(scope)}
       ${scope.from ? sql`and e.effective_on >= ${scope.from}::date` : sql``}
       ${page.before ? sql`and e.id < ${page.before}::bigint` : sql``}
     order by e.id desc limit ${page.limit}`.execute(db);
  return rows.map((r) => r.id);
}

/** Every account a posting of the export touches, the opening balances' included. */
export async function exportAccountIds(db: Db, scope: ExportScope): Promise<string[]> {
  const { rows } = await sql<{ account_id: string }>`select distinct p.account_id
      from ledger_entries e join ledger_postings p on p.entry_id = e.id
     where ${inScope(scope)} ${upTo(scope)}
     order by p.account_id`.execute(db);
  return rows.map((r) => r.account_id);
}

/** Per account, what the entries in scope effective before `from` left on it (debits positive). */
export async function openingBalances(db: Db, scope: ExportScope & { from: string }) {
  const { rows } = await sql<{ account_id: string; currency: string; net: string }>`
    select p.account_id, p.currency,
           sum(case when p.side = 'debit' then p.amount else -p.amount end) as net
      from ledger_entries e join ledger_postings p on p.entry_id = e.id
     where ${inScope(scope)} and e.effective_on < ${scope.from}::date
     group by p.account_id, p.currency
    having sum(case when p.side = 'debit' then p.amount else -p.amount end) <> 0
     order by p.account_id`.execute(db);
  return rows.map((r) => ({ accountId: r.account_id, currency: r.currency, net: BigInt(r.net) }));
}

export async function fundNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('funds').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function fundInReach(db: Db, reach: Reach, fundId: string): Promise<boolean> {
  let q = db.selectFrom('funds').select('id').where('id', '=', fundId);
  if (reach.organizationId !== null) q = q.where('organization_id', '=', reach.organizationId);
  return (await q.executeTakeFirst()) !== undefined;
}
