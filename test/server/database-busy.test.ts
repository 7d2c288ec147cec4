import { inDbLane } from '../../src/lib/db-lanes';
import { PROBLEM_BASE } from '../../src/lib/problems';
import { capturedLogs, type CapturedLogs } from '../helpers/captured-logs';
import { aFund } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { eventually } from '../jobs/fixtures';
import {
  appWithSettings,
  backendsWaitingOnLocks,
  balances,
  expectSoundLedger,
  fundAdmin,
  lockFundAccounts,
  receipt,
} from './support';

/**
 * A request the database cannot serve in time — its rows locked past lock_timeout, its statement
 * past statement_timeout, no connection free within the acquire timeout — is a 503 with
 * Retry-After and its own problem type, logged as a warning, never a 500 with a stack.
 */

const DONOR = 'Nadia Rahmanova';

function expectBusy(res: { status: number; headers: Record<string, string>; body: any }, kind: string) {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `${PROBLEM_BASE}${kind}`, status: 503 });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

/** Logged as load (a warning naming the kind), never as an unhandled error, and no one's identity. */
function expectLoggedAsBusy(logs: CapturedLogs, kind: string, identifying: string[]) {
  const parsed = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(parsed.some((l) => l.level === 40 && l.problem === kind)).toBe(true);
  expect(parsed.filter((l) => (l.level as number) >= 50)).toEqual([]);
  expect(logs.leaking(identifying)).toEqual([]);
}

describe('lock timeout (55P03)', () => {
  let t: TestApp;
  const logs = capturedLogs();
  beforeAll(async () => {
    t = await createTestApp({ DB_LOCK_TIMEOUT_MS: '300' }, { logger: logs.logger });
  });
  afterAll(async () => t.close());

  it('answers 503 lock-timeout while another connection holds the fund rows; the retry then succeeds', async () => {
    const admin = await fundAdmin(t);
    const fundId = await aFund(t, admin, { name: 'Lock test fund' });
    const lock = await lockFundAccounts(t.databaseUrl, fundId);
    let res;
    try {
      res = await receipt(t, admin, fundId, 'lock-1', DONOR);
    } finally {
      await lock.release();
    }
    expectBusy(res, 'lock-timeout');
    // Nothing was written: the same key now posts the receipt for the first time.
    await receipt(t, admin, fundId, 'lock-1', DONOR).expect(201);
    expectLoggedAsBusy(logs, 'lock-timeout', [DONOR, admin.email, admin.name]);
    await expectSoundLedger(t);
  }, 120_000);
});

describe('statement timeout (57014)', () => {
  let t: TestApp;
  const logs = capturedLogs();
  beforeAll(async () => {
    t = await createTestApp({}, { logger: logs.logger });
  });
  afterAll(async () => t.close());

  it('answers 503 statement-timeout when a statement runs past DB_STATEMENT_TIMEOUT_MS', async () => {
    const admin = await fundAdmin(t);
    const fundId = await aFund(t, admin, { name: 'Statement test fund' });
    // The lock would be waited on for a minute; the statement is cancelled after one second.
    const short = await appWithSettings(
      t,
      { lockTimeoutMs: 60_000, dbStatementTimeoutMs: 1000 },
      logs.logger,
    );
    const lock = await lockFundAccounts(t.databaseUrl, fundId);
    let res;
    try {
      res = await receipt(short, admin, fundId, 'stmt-1', DONOR);
    } finally {
      await lock.release();
      await short.close();
    }
    expectBusy(res, 'statement-timeout');
    await receipt(t, admin, fundId, 'stmt-1', DONOR).expect(201);
    expectLoggedAsBusy(logs, 'statement-timeout', [DONOR, admin.email, admin.name]);
    await expectSoundLedger(t);
  }, 120_000);
});

describe('pool exhaustion (acquire timeout)', () => {
  let t: TestApp;
  const logs = capturedLogs();
  beforeAll(async () => {
    // Three connections, one kept for reads: two writers at most, each waiting up to 0.5 s.
    t = await createTestApp(
      {
        DB_POOL_MAX: '3',
        DB_POOL_READ_RESERVE: '1',
        DB_POOL_ACQUIRE_TIMEOUT_MS: '500',
        DB_LOCK_TIMEOUT_MS: '60000',
      },
      { logger: logs.logger },
    );
  });
  afterAll(async () => t.close());

  it('answers 503 database-busy to writes when every writer connection (or the fund’s share) waits on a lock, and to a read when no connection is free', async () => {
    const admin = await fundAdmin(t);
    const [a, b, c] = [
      await aFund(t, admin, { name: 'Pool test fund A' }),
      await aFund(t, admin, { name: 'Pool test fund B' }),
      await aFund(t, admin, { name: 'Pool test fund C' }),
    ];
    const lock = await lockFundAccounts(t.databaseUrl, [a, b]);
    let releaseHeld = () => undefined as void;
    try {
      // One write to each locked fund: together they take both writer connections.
      const blocked = [a, b].map((f, i) => receipt(t, admin, f, `pool-${i}`, DONOR).then((r) => r));
      await eventually(
        async () => (await backendsWaitingOnLocks(t.databaseUrl)) >= 2,
        30_000,
        'two writers on the locks',
      );
      // A write to a third fund finds no writer connection; a second write to A, none of A's share.
      expectBusy(await receipt(t, admin, c, 'pool-c', DONOR), 'database-busy');
      expectBusy(await receipt(t, admin, a, 'pool-a2', DONOR), 'database-busy');
      // The reserved connection still serves reads.
      await balances(t, admin, c).expect(200);

      // Now take the reserved connection too: a read finds no connection at all.
      const held = new Promise<void>((resolve) => (releaseHeld = resolve));
      let heldNow!: () => void;
      const holding = new Promise<void>((resolve) => (heldNow = resolve));
      const holder = inDbLane('read', () =>
        t.ctx.db.connection().execute(async () => {
          heldNow();
          await held;
        }),
      );
      await holding;
      expectBusy(await balances(t, admin, c), 'database-busy');
      releaseHeld();
      await holder;
      await lock.release();
      for (const r of await Promise.all(blocked)) expect(r.status).toBe(201);
    } finally {
      releaseHeld();
      await lock.release().catch(() => undefined);
    }
    // Nothing was written by the refused writes: their keys now post for the first time. On a busy
    // machine the 0.5-s acquire timeout can still refuse a retry while the sealers hold the writer
    // connections, so retry as a client would after Retry-After: only 503 is retried.
    for (const [fund, key] of [
      [c, 'pool-c'],
      [a, 'pool-a2'],
    ] as const) {
      const posted = await eventually(
        async () => {
          const res = await receipt(t, admin, fund, key, DONOR);
          return res.status === 503 ? undefined : res;
        },
        60_000,
        `${key} to be answered`,
      );
      expect(posted.status).toBe(201);
    }
    expectLoggedAsBusy(logs, 'database-busy', [DONOR, admin.email, admin.name]);
    await expectSoundLedger(t);
  }, 120_000);
});
