import { capturedLogs } from '../helpers/captured-logs';
import { aFund, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { eventually } from '../jobs/fixtures';
import {
  backendsWaitingOnLocks,
  balances,
  expectSoundLedger,
  fundAdmin,
  lockFundAccounts,
  receipt,
} from './support';

/**
 * Funds' rows locked, many writes to them queued: requests for other funds are not stuck behind
 * them. Writers may hold at most DB_POOL_MAX − DB_POOL_READ_RESERVE connections (the rest serve
 * reads, which no row lock blocks), and one fund's writes at most half of those.
 */

const POOL = 6;
const RESERVE = 2;
const WRITERS = POOL - RESERVE;
const PER_FUND = WRITERS / 2;
const DONOR = 'Tomasz Wiśniewski';

let t: TestApp;
let admin: TestUser & { name: string };
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
  admin = await fundAdmin(t);
});
afterAll(async () => t.close());

/** `work`, or a failure if it has not finished in a minute (it is waiting behind the lock). */
async function beforeTheLockGoes<T>(work: Promise<T>, what: string): Promise<T> {
  let stuck: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      stuck = setTimeout(() => reject(new Error(`${what} are stuck behind the locked fund`)), 60_000);
    }),
  ]).finally(() => clearTimeout(stuck));
}

/** Locks each fund's rows and queues `perFund` receipts to it; resolves once they hold every connection they may. */
async function queueOnLocks(funds: string[], perFund: number, tag: string) {
  const locks = await Promise.all(funds.map((f) => lockFundAccounts(t.databaseUrl, f)));
  let settled = 0;
  const writes = funds.flatMap((f, n) =>
    Array.from({ length: perFund }, (_, i) =>
      receipt(t, admin, f, `${tag}-${n}-${i}`, DONOR).then((r) => {
        settled += 1;
        return r;
      }),
    ),
  );
  const holding = funds.length * PER_FUND;
  await eventually(
    async () => (await backendsWaitingOnLocks(t.databaseUrl)) >= holding,
    60_000,
    'the writers to queue on the locks',
  );
  return {
    holding,
    settled: () => settled,
    async release() {
      for (const lock of locks) await lock.release();
      return Promise.all(writes);
    },
  };
}

it('serves every read of an unaffected fund while writes queued on locked funds hold every writer connection', async () => {
  const lockedFunds = [
    await aFund(t, admin, { name: 'Locked fund 1' }),
    await aFund(t, admin, { name: 'Locked fund 2' }),
  ];
  const otherFund = await aFund(t, admin, { name: 'Unaffected fund' });
  const queued = await queueOnLocks(lockedFunds, 3 * POOL, 'reads');
  let released = false;
  try {
    expect(queued.holding).toBe(WRITERS);
    const reads = await beforeTheLockGoes(
      Promise.all(Array.from({ length: 4 * POOL }, () => balances(t, admin, otherFund).then((r) => r))),
      'reads',
    );
    for (const r of reads) expect(r.status).toBe(200);
    // All of this happened while the locks were still held: not one write has finished, and no
    // more than the writers' share of connections waits on them.
    expect(queued.settled()).toBe(0);
    expect(await backendsWaitingOnLocks(t.databaseUrl)).toBe(WRITERS);
    released = true;
    for (const r of await queued.release()) expect(r.status).toBe(201);
  } finally {
    if (!released) await queued.release().catch(() => undefined);
  }
  const after = await balances(t, admin, lockedFunds[0]!).expect(200);
  expect(JSON.stringify(after.body)).toContain('180.00'); // 18 receipts of 10.00
  expect(logs.leaking([DONOR, admin.email, admin.name])).toEqual([]);
  await expectSoundLedger(t);
}, 240_000);

it('completes writes to an unaffected fund while writes to a locked fund queue', async () => {
  const lockedFund = await aFund(t, admin, { name: 'Locked fund 3' });
  const otherFund = await aFund(t, admin, { name: 'Unaffected fund 2' });
  const queued = await queueOnLocks([lockedFund], 3 * POOL, 'writes');
  let released = false;
  try {
    const others = await beforeTheLockGoes(
      Promise.all(Array.from({ length: POOL }, (_, i) => receipt(t, admin, otherFund, `other-${i}`, DONOR))),
      'writes to the unaffected fund',
    );
    for (const r of others) expect(r.status).toBe(201);
    expect(queued.settled()).toBe(0);
    expect(await backendsWaitingOnLocks(t.databaseUrl)).toBe(PER_FUND);
    released = true;
    for (const r of await queued.release()) expect(r.status).toBe(201);
  } finally {
    if (!released) await queued.release().catch(() => undefined);
  }
  expect(logs.leaking([DONOR, admin.email, admin.name])).toEqual([]);
  await expectSoundLedger(t);
}, 240_000);
