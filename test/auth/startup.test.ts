import request from 'supertest';
import { formatDemoLogins, seedDemoData } from '../../db/seeds/demo';
import { createApp } from '../../src/app';
import { ensureBootstrapAdmin } from '../../src/auth/bootstrap';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { parseKeyRing } from '../../src/lib/crypto';
import { createLogger } from '../../src/lib/logger';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** A second "process" on the same database (its own pool and app). */
async function secondProcess(t: TestApp, env: Record<string, string> = {}): Promise<Runtime> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    DATA_DIR: t.config.dataDir,
    LOG_LEVEL: 'silent',
    PII_KEYS: t.config.piiKeys!,
    BLIND_INDEX_KEY: t.config.blindIndexKey!,
    ...env,
  });
  return buildRuntime(config, {
    logger: createLogger('silent'),
    keys: parseKeyRing(config.piiKeys!, config.blindIndexKey!),
    migrate: false,
  });
}

const count = async (t: TestApp, table: 'users' | 'organizations') =>
  (await t.ctx.db.selectFrom(table).select('id').execute()).length;

describe('demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('seeds an empty system once, even when two processes start together, with one working login per role (two fund administrators, for maker-checker)', async () => {
    const other = await secondProcess(t);
    let results;
    try {
      results = await Promise.all([seedDemoData(t.ctx), seedDemoData(other.ctx)]);
    } finally {
      await other.handle.close();
    }
    const logins = results.find((r) => r.length > 0)!;
    expect(results.map((r) => r.length).sort()).toEqual([0, 5]);
    expect(logins.map((l) => l.role).sort()).toEqual([
      'admin',
      'auditor',
      'fund_admin',
      'fund_admin',
      'legal_aid',
    ]);
    expect(await count(t, 'users')).toBe(5);
    expect(await count(t, 'organizations')).toBe(2);

    for (const l of logins) {
      expect(l.password.length).toBeGreaterThanOrEqual(16);
      const res = await request(t.app)
        .post('/v1/auth/login')
        .send({ email: l.email, password: l.password })
        .expect(200);
      expect(res.body.user.role).toBe(l.role);
      const org = res.body.user.organizationId
        ? await t.ctx.db
            .selectFrom('organizations')
            .select('kind')
            .where('id', '=', res.body.user.organizationId)
            .executeTakeFirstOrThrow()
        : null;
      const expectedKind = { admin: null, auditor: null, legal_aid: 'legal_aid', fund_admin: 'fund_agency' }[
        l.role
      ];
      expect(org?.kind ?? null).toBe(expectedKind);
    }
    // the passwords are random, different, and nowhere in the database
    expect(new Set(logins.map((l) => l.password)).size).toBe(5);
    const hashes = await t.ctx.db.selectFrom('users').select('password_hash').execute();
    for (const l of logins) expect(JSON.stringify(hashes)).not.toContain(l.password);

    const block = formatDemoLogins(logins);
    expect(block).toContain('Demo logins (shown once)');
    for (const l of logins)
      expect(block).toMatch(new RegExp(`${l.email.replace(/\./g, '\\.')}\\s+${l.password}\\s+${l.role}`));
  });

  it('does nothing and returns no logins once users exist', async () => {
    const users = await count(t, 'users');
    await expect(seedDemoData(t.ctx)).resolves.toEqual([]);
    expect(await count(t, 'users')).toBe(users);
  });
});

describe('bootstrap admin', () => {
  const env = { REDRESS_ADMIN_EMAIL: 'Boss@Example.org', REDRESS_ADMIN_PASSWORD: 'bootstrap password' };
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(env);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates exactly one admin from the environment, even when processes start together, and it can sign in', async () => {
    const other = await secondProcess(t, env);
    try {
      await Promise.all([
        ensureBootstrapAdmin(t.ctx),
        ensureBootstrapAdmin(other.ctx),
        ensureBootstrapAdmin(t.ctx),
      ]);
    } finally {
      await other.handle.close();
    }
    const admins = await t.ctx.db.selectFrom('users').select(['email', 'role']).execute();
    expect(admins).toEqual([{ email: 'boss@example.org', role: 'admin' }]);
    const app = createApp(t.ctx);
    await request(app)
      .post('/v1/auth/login')
      .send({ email: 'boss@example.org', password: 'bootstrap password' })
      .expect(200);
    // an existing admin means the demo set is not loaded on top
    await expect(seedDemoData(t.ctx)).resolves.toEqual([]);
  });
});
