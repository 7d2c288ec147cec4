import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Call } from '../../src/lib/route';
import type { TestUser } from '../helpers/factories';
import type { TestApp } from '../helpers/test-app';

/** A service-level call, as defineRoute would build it. */
export function callOf(
  user: TestUser,
  body: unknown = {},
  idempotencyKey?: string,
  params: unknown = {},
): Call {
  return {
    actor: user.actor,
    requestId: crypto.randomUUID(),
    ip: '127.0.0.1',
    idempotencyKey: idempotencyKey ?? crypto.randomUUID(),
    body,
    query: {},
    params,
  };
}

export async function count(t: TestApp, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.ctx.db);
  return Number(rows[0]!.n);
}

async function deniedEvents(t: TestApp): Promise<number> {
  const { rows } = await sql<{
    n: string;
  }>`select count(*)::text as n from audit_events where outcome = 'denied'`.execute(t.ctx.db);
  return Number(rows[0]!.n);
}

/** Row counts of every table a money operation writes: "nothing written" compares these. */
export async function footprint(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'ledger_entries',
    'ledger_postings',
    'ledger_reservations',
    'fund_receipts',
    'fund_pot_transfers',
    'idempotency_keys',
    'audit_events',
    'funds',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = await count(t, table);
  // A refused request may leave exactly one trace: its 'denied' audit event. Everything else counts.
  out.audit_events! -= await deniedEvents(t);
  const { rows } = await sql<{
    s: string;
  }>`select coalesce(sum(posted), 0)::text || '/' || coalesce(sum(pending), 0)::text || '/' || coalesce(sum(version), 0)::text as s from ledger_accounts`.execute(
    t.ctx.db,
  );
  out[`balances ${rows[0]!.s}`] = 1;
  return out;
}

/**
 * The books' invariants, checked by SQL over the whole database. Returns the violations found
 * (empty when the books are sound), so a failing test shows what broke.
 */
export async function bookViolations(t: TestApp): Promise<string[]> {
  const db = t.ctx.db;
  const problems: string[] = [];
  const check = async (name: string, query: ReturnType<typeof sql<any>>) => {
    const { rows } = await query.execute(db);
    if (rows.length > 0) problems.push(`${name}: ${JSON.stringify(rows.slice(0, 3))}`);
  };
  await check(
    'debits ≠ credits per currency',
    sql`select currency, sum(case side when 'debit' then amount else -amount end) as diff
          from ledger_postings group by currency having sum(case side when 'debit' then amount else -amount end) <> 0`,
  );
  await check(
    'entry unbalanced or with < 2 postings',
    sql`select e.id from ledger_entries e left join ledger_postings p on p.entry_id = e.id group by e.id
         having count(p.id) < 2 or exists (select 1 from ledger_postings q where q.entry_id = e.id group by q.currency
           having sum(case q.side when 'debit' then q.amount else -q.amount end) <> 0)`,
  );
  await check(
    'balance ≠ sum of postings',
    sql`select a.id, a.posted, coalesce(sum(case when p.side = a.normal_side then p.amount else -p.amount end), 0) as sum
          from ledger_accounts a left join ledger_postings p on p.account_id = a.id group by a.id
         having a.posted <> coalesce(sum(case when p.side = a.normal_side then p.amount else -p.amount end), 0)`,
  );
  await check(
    'balance ≠ balance_after of the last posting',
    sql`select a.id from ledger_accounts a join lateral (select balance_after from ledger_postings p
          where p.account_id = a.id order by id desc limit 1) l on true where l.balance_after <> a.posted`,
  );
  await check(
    'protected account negative',
    sql`select id, posted, pending from ledger_accounts where non_negative and (posted < 0 or posted - pending < 0)`,
  );
  await check(
    'pending ≠ holds of pending reservations',
    sql`select a.id, a.pending from ledger_accounts a left join (select l.account_id, sum(l.amount) as held
          from ledger_reservation_lines l join ledger_reservations r on r.id = l.reservation_id
         where r.status = 'pending' and l.holds group by l.account_id) h on h.account_id = a.id
         where a.pending <> coalesce(h.held, 0)`,
  );
  await check(
    'pots ≠ bank/cash',
    sql`select fund_id, currency from ledger_accounts where fund_id is not null group by fund_id, currency
         having sum(case role when 'bank' then posted when 'pot' then -posted else 0 end) <> 0`,
  );
  await check(
    'entry reversed more than once',
    sql`select reverses_entry_id from ledger_entries where reverses_entry_id is not null group by 1 having count(*) > 1`,
  );
  return problems;
}
