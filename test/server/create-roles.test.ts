import pg from 'pg';
import crypto from 'node:crypto';
import { ensureServiceRole } from '../../db/roles';
import { loadConfig } from '../../src/config';
import { appRoleOf } from '../../src/lib/db-migrate';
import { runCli } from '../../scripts/cli';
import { adminUrl } from '../helpers/pg-admin';
import { createTestDatabase, dropTestDatabase, TEST_APP_ROLE, TEST_OWNER_ROLE } from '../helpers/test-app';

/**
 * `npm run cli -- db:create-roles` moves a database that a superuser migrated and owns (as
 * every deployment before the two roles did) onto the owner and app roles.
 */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { SUPERUSER_DATABASE_URL: adminUrl() },
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  return { code, out, err };
}

describe('db:create-roles', () => {
  let database: string;
  beforeAll(async () => {
    database = (await createTestDatabase()).name;
  });
  afterAll(async () => {
    await dropTestDatabase(database);
  });

  it('hands the tables to the owner, grants the app role, and can run again', async () => {
    const args = [
      'db:create-roles',
      '--database',
      database,
      '--owner',
      TEST_OWNER_ROLE,
      '--app',
      TEST_APP_ROLE,
    ];
    const first = await cli(args);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(
      new RegExp(`^MIGRATION_DATABASE_URL=postgres://${TEST_OWNER_ROLE}[:@].*/${database}$`, 'm'),
    );
    expect(first.out).toMatch(
      new RegExp(`^DATABASE_URL=postgres://${TEST_APP_ROLE}[:@].*/${database}$`, 'm'),
    );

    const owners = await (async () => {
      const c = new pg.Client({ connectionString: adminUrl(database) });
      await c.connect();
      try {
        const { rows } = await c.query<{ owner: string }>(`
          select distinct relowner::regrole::text as owner from pg_class
           where relnamespace = current_schema()::regnamespace and relkind in ('r', 'S')
          union select distinct proowner::regrole::text from pg_proc where pronamespace = current_schema()::regnamespace
          union select datdba::regrole::text from pg_database where datname = current_database()`);
        return rows.map((r) => r.owner);
      } finally {
        await c.end();
      }
    })();
    expect(owners).toEqual([TEST_OWNER_ROLE]);

    const app = new pg.Client({ connectionString: withUser(adminUrl(database), TEST_APP_ROLE) });
    await app.connect();
    try {
      await expect(app.query('select count(*) from users')).resolves.toBeDefined();
      await expect(app.query('delete from audit_events')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }

    const again = await cli(args);
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(again.out).toContain('PASSWORD-UNCHANGED');
  });

  it('refuses to take a superuser as one of the roles, and bad names', async () => {
    const superuser = await cli(['db:create-roles', '--database', database, '--owner', 'postgres']);
    expect(superuser).toMatchObject({
      code: 1,
      out: '',
      err: expect.stringMatching(/"postgres" exists and is a superuser/),
    });
    expect((await cli(['db:create-roles', '--database', 'Bad-Name'])).code).toBe(2);
    expect((await cli(['db:create-roles', '--database', database, '--owner', 'x', '--app', 'x'])).code).toBe(
      2,
    );
  });
});

describe('ensureServiceRole', () => {
  const name = `redress_test_race_${crypto.randomBytes(4).toString('hex')}`;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      clients.push(c);
    }
  });
  afterAll(async () => {
    await clients[0]?.query(`drop role if exists ${name}`);
    for (const c of clients) await c.end();
  });

  it('creates a role once when run at the same time from several connections, and again later', async () => {
    const results = await Promise.all(clients.map((c) => ensureServiceRole(c, name)));
    expect(results.filter((r) => r.password !== undefined)).toHaveLength(1);
    const twice = await Promise.all(clients.map((c) => ensureServiceRole(c, name)));
    expect(twice.map((r) => r.password)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('takes back what a service role must not have', async () => {
    await clients[0]!.query(`alter role ${name} createdb createrole`);
    await ensureServiceRole(clients[0]!, name);
    const { rows } = await clients[0]!.query(
      `select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolreplication
         from pg_roles where rolname = $1`,
      [name],
    );
    expect(rows[0]).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolbypassrls: false,
      rolreplication: false,
    });
  });
});

describe('MIGRATION_DATABASE_URL', () => {
  const app = 'postgres://redress_app:a@db.example:5432/redress';
  const owner = 'postgres://redress_owner:o@db.example:5432/redress';

  it('defaults to DATABASE_URL: one role migrates and serves, nothing is granted', () => {
    const config = loadConfig({ DATABASE_URL: app });
    expect(config.migrationDatabaseUrl).toBe(app);
    expect(appRoleOf(config)).toBeUndefined();
  });

  it('names the app role when it is another user than the owner', () => {
    const config = loadConfig({ DATABASE_URL: app, MIGRATION_DATABASE_URL: owner });
    expect(config.migrationDatabaseUrl).toBe(owner);
    expect(appRoleOf(config)).toBe('redress_app');
    expect(
      appRoleOf(loadConfig({ DATABASE_URL: app, MIGRATION_DATABASE_URL: app.replace(':a@', ':b@') })),
    ).toBe(undefined);
  });

  it('needs DATABASE_URL (the embedded database has one role)', () => {
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: owner })).toThrow(
      /MIGRATION_DATABASE_URL: needs DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: app, MIGRATION_DATABASE_URL: 'mysql://x' })).toThrow(
      /MIGRATION_DATABASE_URL/,
    );
  });
});

function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}
