import crypto from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { accountKeyOf } from '../../src/auth/auth';
import { lockLoginKeys } from '../../src/auth/login.repository';
import { createApp } from '../../src/app';
import { buildRuntime, type Runtime } from '../../src/bootstrap';
import { parseKeyRing } from '../../src/lib/crypto';
import { transact } from '../../src/lib/db';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/lib/logger';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Small limits so the tests reach them quickly. TRUST_PROXY lets each request name its client
// address in X-Forwarded-For, as it would arrive through the production load balancer.
const PER_ACCOUNT = 3;
const PER_ADDRESS = 5;
const WINDOW_SECONDS = 15 * 60;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
    LOGIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
    LOGIN_WINDOW_MINUTES: '15',
    TRUST_PROXY: 'true',
  });
});
afterAll(async () => {
  await t.close();
});

let addressCounter = 0;
/** A fresh client address per test, so tests do not share an address's failures. */
const newAddress = () => `198.51.100.${++addressCounter}`;

const login = (app: Express, address: string, email: string, password: string) =>
  request(app).post('/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });

async function failuresOf(user: Pick<TestUser, 'email'>): Promise<number> {
  const rows = await t.ctx.db
    .selectFrom('login_attempts')
    .select('id')
    .where('account_key', '=', accountKeyOf(user.email))
    .where('succeeded', '=', false)
    .execute();
  return rows.length;
}

describe('failed-login limits', () => {
  it('refuses an account from an address with 429 after its allowed failures there, even with the right password', async () => {
    const user = await aUser(t, { role: 'legal_aid' });
    const address = newAddress();
    for (let i = 0; i < PER_ACCOUNT; i++)
      await login(t.app, address, user.email, 'wrong password').expect(401);

    const res = await login(t.app, address, user.email, user.password).expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(res.body.token).toBeUndefined();
    // the third failure happened moments ago: it leaves the 15-minute window in just under 900 s
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(WINDOW_SECONDS - 30);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);

    // refused attempts are not guesses: only the three real failures are recorded
    expect(await failuresOf(user)).toBe(PER_ACCOUNT);
    // the owner elsewhere is not locked out by whoever failed from this address
    await login(t.app, newAddress(), user.email, user.password).expect(200);
  });

  it('limits an unknown e-mail address exactly like a known one, so 429 reveals nothing', async () => {
    const email = `nobody-${crypto.randomUUID()}@test.example.org`;
    const address = newAddress();
    for (let i = 0; i < PER_ACCOUNT; i++) await login(t.app, address, email, 'guess').expect(401);
    await login(t.app, address, email, 'guess').expect(429);
  });

  it('lets the owner start afresh after a successful login', async () => {
    const user = await aUser(t, { role: 'auditor' });
    const address = newAddress();
    // 2 failures, a success, 2 failures, a success: 4 failures in the window, never 3 in a row
    for (const password of ['bad', 'bad', user.password, 'bad', 'bad', user.password]) {
      await login(t.app, address, user.email, password).expect(password === user.password ? 200 : 401);
    }
  });

  it('leaves other accounts on the same address alone until the address limit, then refuses them all', async () => {
    const locked = await aUser(t, { role: 'legal_aid' });
    const colleague = await aUser(t, { role: 'legal_aid', office: locked.organizationId });
    const other = await aUser(t, { role: 'fund_admin' });
    const office = newAddress();

    for (let i = 0; i < PER_ACCOUNT; i++) await login(t.app, office, locked.email, 'wrong').expect(401);
    await login(t.app, office, locked.email, locked.password).expect(429);

    // 3 failures from the office so far; the colleague is unaffected
    await login(t.app, office, colleague.email, colleague.password).expect(200);
    await login(t.app, office, colleague.email, 'typo').expect(401); // 4
    await login(t.app, office, colleague.email, colleague.password).expect(200);
    await login(t.app, office, other.email, 'typo').expect(401); // 5: the address limit

    const refused = await login(t.app, office, colleague.email, colleague.password).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(WINDOW_SECONDS - 30);
    await login(t.app, office, other.email, other.password).expect(429);
    // the same accounts from elsewhere are fine: the limit belongs to the address
    await login(t.app, newAddress(), colleague.email, colleague.password).expect(200);
    await login(t.app, newAddress(), other.email, other.password).expect(200);
  });

  it('never limits successful logins: 50 by colleagues behind one office address all succeed', async () => {
    const first = await aUser(t, { role: 'legal_aid' });
    const colleagues = [first];
    for (let i = 0; i < 4; i++) {
      colleagues.push(await aUser(t, { role: 'legal_aid', office: first.organizationId }));
    }
    const office = newAddress();
    // one failure short of the address limit first, to show successes add nothing to it
    for (let i = 0; i < PER_ADDRESS - 1; i++) {
      await login(t.app, office, colleagues[i]!.email, 'typo').expect(401);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const c = colleagues[i % colleagues.length]!;
      statuses.push((await login(t.app, office, c.email, c.password)).status);
    }
    expect(statuses).toEqual(Array<number>(50).fill(200));
  }, 90_000); // 50 scrypt verifications on a shared machine

  it('holds exactly under concurrent guesses in two processes that share only the database', async () => {
    const second: Runtime = await buildRuntime(t.config, {
      logger: createLogger('silent'),
      keys: parseKeyRing(t.config.piiKeys!, t.config.blindIndexKey!),
      migrate: false,
    });
    try {
      const otherApp = createApp(second.ctx);
      const user = await aUser(t, { role: 'admin' });
      const apps = [t.app, otherApp];
      // ten guesses at once from one address, half through each "process"
      const address = newAddress();
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => login(apps[i % 2]!, address, user.email, `guess ${i}`)),
      );
      // status and detail, so a failure shows why (e.g. a lock timeout rather than the limit)
      const outcomes = responses
        .map((r) => `${r.status} ${String(r.body.detail).replace(/\d+/g, 'N')}`)
        .sort();
      expect(outcomes).toEqual([
        ...Array<string>(PER_ACCOUNT).fill('401 The e-mail address or password is wrong.'),
        ...Array<string>(10 - PER_ACCOUNT).fill('429 Too many failed logins; try again in N seconds.'),
      ]);
      expect(await failuresOf(user)).toBe(PER_ACCOUNT);
    } finally {
      await second.handle.close();
    }
  }, 60_000);

  it('answers 429, never 500, when an attempt cannot get its turn within the lock timeout', async () => {
    const user = await aUser(t, { role: 'auditor' });
    const address = newAddress();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // another attempt on the same account and address holds the locks meanwhile
    const holder = transact(t.ctx.db, async (trx) => {
      await lockLoginKeys(trx, accountKeyOf(user.email), address);
      holding();
      await released;
    });
    await held;
    // A second process whose connections give up on a lock after 200 ms.
    const impatient: Runtime = await buildRuntime(
      loadConfig({ ...process.env, ...envOf(t.config), DB_LOCK_TIMEOUT_MS: '200' }),
      {
        logger: createLogger('silent'),
        keys: parseKeyRing(t.config.piiKeys!, t.config.blindIndexKey!),
        migrate: false,
      },
    );
    try {
      const res = await login(createApp(impatient.ctx), address, user.email, user.password).expect(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.detail).toBe('Too many login attempts at once; try again in a second.');
    } finally {
      await impatient.handle.close();
      release();
      await holder;
    }
    // once the locks are free the same login goes through
    await login(t.app, address, user.email, user.password).expect(200);
  });
});

/** The environment that reproduces a test app's configuration (database and keys). */
function envOf(config: Config): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: config.databaseUrl!,
    DATA_DIR: config.dataDir,
    PII_KEYS: config.piiKeys!,
    BLIND_INDEX_KEY: config.blindIndexKey!,
    LOG_LEVEL: 'silent',
  };
}
