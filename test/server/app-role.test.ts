import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { APP_TABLE_PRIVILEGES } from '../../db/privileges';
import { sealAndVerifyAuditChain } from '../../src/audit/audit-chain';
import { sealLedger, verifyLedger } from '../../src/ledger/ledger-chain';
import { makeWorld, receipt, type World } from '../disbursements/support';
import { buildRuntime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { generateKeyMaterial, parseKeyRing } from '../../src/lib/crypto';
import { createLogger } from '../../src/lib/logger';
import { createAppRoleDatabase, createTestApp, dropTestDatabase, type TestApp } from '../helpers/test-app';

/**
 * The API's role (DATABASE_URL) on a database migrated by the owner role: whatever the code
 * does, it cannot switch a trigger off, rewrite history, empty or drop a table, or move a
 * balance by hand. Each refusal is PostgreSQL's permission check (42501), not a trigger.
 */
let t: TestApp;
let w: World;
let app: pg.Client;

beforeAll(async () => {
  t = await createTestApp({}, { asAppRole: true });
  w = await makeWorld(t);
  await receipt(t, w, { amount: '1000.00' });
  app = new pg.Client({ connectionString: t.databaseUrl });
  await app.connect();
}, 120_000);
afterAll(async () => {
  await app?.end();
  await t?.close();
});

const refused = async (statement: string) => {
  const err = await app.query(statement).then(
    () => undefined,
    (e: unknown) => e as { code?: string; message: string },
  );
  expect({ statement, code: err?.code }).toEqual({ statement, code: '42501' });
};

const appendOnly = Object.entries(APP_TABLE_PRIVILEGES)
  .filter(([, p]) => p.update !== true && !p.delete)
  .map(([table]) => table);

describe('the app role', () => {
  it('cannot disable, drop or add triggers', async () => {
    await refused('alter table audit_events disable trigger audit_events_append_only');
    await refused('alter table ledger_postings disable trigger all');
    await refused('alter table claims disable trigger all');
    await refused(
      `create trigger sneaky before insert on claims for each row execute function redress_append_only()`,
    );
    await refused('drop trigger ledger_postings_immutable on ledger_postings');
    await refused('set session_replication_role = replica');
  });

  it.each(appendOnly)('may not delete from %s, nor change what its rows say', async (table) => {
    const { rows } = await app.query<{ column: string }>(
      `select column_name as column from information_schema.columns
        where table_name = $1 and is_identity = 'NO' order by ordinal_position`,
      [table],
    );
    const updatable = APP_TABLE_PRIVILEGES[table]!.update;
    const fixed = rows.map((r) => r.column).find((c) => !(Array.isArray(updatable) && updatable.includes(c)));
    await refused(`delete from ${table}`);
    await refused(`update ${table} set ${fixed} = ${fixed}`);
    await refused(`truncate ${table}`);
    const count = await app.query(`select count(*) from ${table}`);
    expect(count.rows).toHaveLength(1);
  });

  it('cannot empty, drop or alter any table, nor create one', async () => {
    for (const table of ['claims', 'users', 'ledger_accounts', 'status_guard'])
      await refused(`truncate ${table}`);
    await refused('drop table audit_events');
    await refused('drop table claims cascade');
    await refused('alter table claims add column note text');
    await refused('create table scratch (a int)');
    await refused(`create function scratch() returns int language sql as 'select 1'`);
  });

  it('cannot move a balance or a sequence by hand', async () => {
    const { rows } = await app.query<{ id: string }>(
      `select id from ledger_accounts where posted <> 0 limit 1`,
    );
    expect(rows).toHaveLength(1);
    await refused(`update ledger_accounts set posted = posted + 100 where id = ${rows[0]!.id}`);
    await refused(`update ledger_accounts set pending = 0`);
    await refused(`insert into ledger_accounts (code, name, type, normal_side, currency, role, non_negative, posted)
                   values ('x', 'x', 'asset', 'debit', 'THB', 'other', false, 100)`);
    await refused(`select setval(pg_get_serial_sequence('ledger_entries', 'id'), 1)`);
  });

  it('owns nothing and is no superuser', async () => {
    const { rows } = await app.query(`
      select r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
             (select count(*)::int from pg_class where relowner = r.oid) as relations,
             (select count(*)::int from pg_proc where proowner = r.oid) as functions
        from pg_roles r where r.rolname = current_user`);
    expect(rows[0]).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      relations: 0,
      functions: 0,
    });
  });

  it('still seals both hash chains (the one change allowed to sealed rows)', async () => {
    await sealLedger(t.ctx.db);
    expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
    expect((await sealAndVerifyAuditChain(t.ctx.db)).ok).toBe(true);
    const unsealed = await app.query<{ n: number }>(`
      select (select count(*) from audit_events where chain_seq is null)
           + (select count(*) from ledger_entries where chain_seq is null) as n`);
    expect(Number(unsealed.rows[0]!.n)).toBe(0);
    await refused(`update audit_events set action = 'x' where chain_seq = 1`);
  });
});

describe('MIGRATE_ON_START=false (the owner URL kept out of the API and worker)', () => {
  const keys = generateKeyMaterial();
  const start = (databaseUrl: string) =>
    buildRuntime(
      loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        MIGRATE_ON_START: 'false',
        LOG_LEVEL: 'silent',
      }),
      { logger: createLogger('silent'), keys: parseKeyRing(keys.piiKeys, keys.blindIndexKey) },
    );

  it('starts as the app role alone on a migrated database', async () => {
    const runtime = await start(t.databaseUrl);
    try {
      const { rows } = await app.query<{ n: number }>(`select count(*)::int as n from users`);
      expect(await runtime.ctx.db.selectFrom('users').select('id').execute()).toHaveLength(rows[0]!.n);
    } finally {
      await runtime.handle.close();
    }
  });

  it('refuses to start on a database with migrations pending, naming `npm run migrate`', async () => {
    const empty = await createAppRoleDatabase();
    try {
      await expect(start(empty.appUrl)).rejects.toThrow(/npm run migrate/);
    } finally {
      await dropTestDatabase(empty.name);
    }
  });
});

describe('db/privileges.ts', () => {
  it('lists every table of the schema, and no table that does not exist', async () => {
    const { rows } = await app.query<{ name: string }>(`
      select relname as name from pg_class
       where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p', 'v', 'm')
         and relname not like 'kysely_migration%' order by 1`);
    expect(Object.keys(APP_TABLE_PRIVILEGES).sort()).toEqual(rows.map((r) => r.name));
  });

  it('lets the role update or delete in every table where the code does', () => {
    const used = tablesChangedByTheCode();
    const missing = [
      ...[...used.update].filter((table) => !APP_TABLE_PRIVILEGES[table]?.update).map((x) => `update ${x}`),
      ...[...used.delete].filter((table) => !APP_TABLE_PRIVILEGES[table]?.delete).map((x) => `delete ${x}`),
    ];
    expect(missing).toEqual([]);
    // the scan itself finds what it should
    expect(used.update).toContain('audit_events');
    expect(used.delete).toContain('claim_deadlines');
  });

  it('pins search_path in every SECURITY DEFINER function', async () => {
    const { rows } = await app.query<{ name: string; config: string[] | null }>(`
      select proname as name, proconfig as config from pg_proc
       where pronamespace = current_schema()::regnamespace and prosecdef order by 1`);
    expect(rows.map((r) => r.name)).toEqual([
      'ledger_posting_apply',
      'ledger_reservation_guard',
      'ledger_reservation_line_apply',
    ]);
    for (const r of rows) expect(r.config).toEqual([expect.stringMatching(/^search_path=.*pg_temp$/)]);
  });
});

/** Every table an UPDATE or a DELETE of the application code names (query builder or raw SQL). */
function tablesChangedByTheCode(): { update: Set<string>; delete: Set<string> } {
  const root = path.resolve(__dirname, '../..');
  const found = { update: new Set<string>(), delete: new Set<string>() };
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? walk(full) : e.name.endsWith('.ts') ? [full] : [];
    });
  for (const file of ['src', 'jobs', 'db/seeds'].flatMap((d) => walk(path.join(root, d)))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.updateTable\(\s*'([a-z_]+)/g)) found.update.add(m[1]!);
    for (const m of text.matchAll(/\.deleteFrom\(\s*'([a-z_]+)/g)) found.delete.add(m[1]!);
    for (const block of text.matchAll(/sql(?:<[^`]*?>)?`([^`]*)`/g)) {
      for (const m of block[1]!.matchAll(/\bupdate\s+([a-z_]+)\b(?:\s+(?:as\s+)?[a-z_]+)?\s+set\b/gi))
        found.update.add(m[1]!.toLowerCase());
      for (const m of block[1]!.matchAll(/\bdelete\s+from\s+([a-z_]+)/gi))
        found.delete.add(m[1]!.toLowerCase());
    }
  }
  return found;
}
