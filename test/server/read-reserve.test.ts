import { capturedLogs } from '../helpers/captured-logs';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { eventually } from '../jobs/fixtures';
import {
  backendsWaitingOnLocks,
  balances,
  createFund,
  expectSoundLedger,
  fundAdmin,
  lockFundAccounts,
  receipt,
} from './support';

/**
 * One fund's rows locked, many writes to it queued: reads of another fund are not stuck behind
 * them. Writers may hold at most DB_POOL_MAX − DB_POOL_READ_RESERVE connections; the rest serve
 * reads, which no row lock blocks.
 */

const POOL = 6;
const RESERVE = 2;
const WRITERS = POOL - RESERVE;
const DONOR = 'Tomasz Wiśniewski';

let t: TestApp;
const logs = capturedLogs();
beforeAll(async () => {
  // Timeouts long enough that nothing here times out: the writes simply wait.
  t = await createTestApp(
    {
      DB_POOL_MAX: String(POOL),
      DB_POOL_READ_RESERVE: String(RESERVE),
      DB_POOL_ACQUIRE_TIMEOUT_MS: '120000',
      DB_LOCK_TIMEOUT_MS: '120000',
      DB_STATEMENT_TIMEOUT_MS: '120000',
    },
    { logger: logs.logger },
  );
});
afterAll(async () => t.close());

it('serves every read of an unaffected fund while writes queue on a locked fund, then completes the writes', async () => {
  const admin = await fundAdmin(t);
  const lockedFund = await createFund(t, admin, 'Locked fund');
  const otherFund = await createFund(t, admin, 'Unaffected fund');
  const lock = await lockFundAccounts(t.databaseUrl, lockedFund);
  let writesSettled = 0;
  let writes: Promise<{ status: number }>[] = [];
  try {
    writes = Array.from({ length: 3 * POOL }, (_, i) =>
      receipt(t, admin, lockedFund, `queued-${i}`, DONOR).then((r) => {
        writesSettled += 1;
        return r;
      }),
    );
    // Every writer connection is now waiting on the lock; the other writes wait for one.
    await eventually(
      async () => (await backendsWaitingOnLocks(t.databaseUrl)) >= WRITERS,
      60_000,
      'the writers to queue on the lock',
    );

    let stuck: NodeJS.Timeout | undefined;
    const reads = await Promise.race([
      Promise.all(Array.from({ length: 4 * POOL }, () => balances(t, admin, otherFund).then((r) => r))),
      new Promise<never>((_, reject) => {
        stuck = setTimeout(
          () => reject(new Error('reads of the unaffected fund are stuck behind the writes')),
          60_000,
        );
      }),
    ]).finally(() => clearTimeout(stuck));
    for (const r of reads) expect(r.status).toBe(200);
    // All of this happened while the lock was still held: not one write has finished, and no
    // more than the writers' share of connections waits on it.
    expect(writesSettled).toBe(0);
    expect(await backendsWaitingOnLocks(t.databaseUrl)).toBe(WRITERS);
  } finally {
    await lock.release();
  }
  for (const r of await Promise.all(writes)) expect(r.status).toBe(201);
  const after = await balances(t, admin, lockedFund).expect(200);
  expect(JSON.stringify(after.body)).toContain('180.00'); // 18 receipts of 10.00
  expect(logs.leaking([DONOR, admin.email, admin.name])).toEqual([]);
  await expectSoundLedger(t);
}, 240_000);
