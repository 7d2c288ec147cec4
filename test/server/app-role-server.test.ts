import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { createAppRoleDatabase, dropTestDatabase, TEST_OWNER_ROLE } from '../helpers/test-app';
import { adminUrl } from '../helpers/pg-admin';
import pg from 'pg';

/**
 * `npm start` as a production deployment with two roles runs it: it migrates an empty database
 * as the owner (MIGRATION_DATABASE_URL), then serves as the app role (DATABASE_URL); and with
 * MIGRATE_ON_START=false it starts on the app role's URL alone.
 */
const admin = { email: 'roles.admin@example.org', password: 'a-long-admin-password' };

async function listening(server: ServerProcess): Promise<string> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const m = /"port":(\d+)[^\n]*listening/.exec(server.output());
    if (m) return `http://127.0.0.1:${m[1]}`;
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(server: ServerProcess): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('npm start with an owner role and an app role', () => {
  let db: Awaited<ReturnType<typeof createAppRoleDatabase>>;
  const running: ServerProcess[] = [];
  beforeAll(async () => {
    db = await createAppRoleDatabase();
  });
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) await stop(s);
    await dropTestDatabase(db.name);
  });

  it('migrates as the owner, then serves as the app role', async () => {
    const server = spawnServer(db.appUrl, {
      MIGRATION_DATABASE_URL: db.ownerUrl,
      REDRESS_ADMIN_EMAIL: admin.email,
      REDRESS_ADMIN_PASSWORD: admin.password,
    });
    running.push(server);
    const base = await listening(server);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const login = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${base}/v1/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Two roles legal aid', kind: 'legal_aid' }),
    });
    expect(created.status).toBe(201);
    expect(await stop(server)).toBe(0);

    const c = new pg.Client({ connectionString: adminUrl(db.name) });
    await c.connect();
    try {
      const { rows } = await c.query<{ owner: string; n: number }>(`
        select relowner::regrole::text as owner, count(*)::int as n from pg_class
         where relnamespace = current_schema()::regnamespace and relkind = 'r' group by 1`);
      expect(rows).toEqual([{ owner: TEST_OWNER_ROLE, n: expect.any(Number) }]);
    } finally {
      await c.end();
    }
  }, 180_000);

  it('with MIGRATE_ON_START=false, starts on the app role alone', async () => {
    const server = spawnServer(db.appUrl, { MIGRATE_ON_START: 'false' });
    running.push(server);
    const base = await listening(server);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await stop(server)).toBe(0);
  }, 180_000);
});
