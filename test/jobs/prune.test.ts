import { SCHEDULED_JOBS } from '../../jobs/queues';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { newVictim, world } from '../status/support';

let t: TestApp;
beforeAll(async () => {
  // a one-hour login window, but the growing delays look back a day: attempts older than two
  // days are of no use any more
  t = await createTestApp({ LOGIN_WINDOW_MINUTES: '60' });
});
afterAll(async () => {
  await t.close();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ago = (ms: number) => new Date(Date.now() - ms);

const prune = () => SCHEDULED_JOBS.prune.run({ db: t.ctx.db, logger: t.ctx.logger, config: t.config });

async function loginAttemptKeys(): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom('login_attempts')
    .select('account_key')
    .orderBy('account_key')
    .execute();
  return rows.map((r) => r.account_key);
}

async function guardKeys(): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('status_guard').select('key').orderBy('key').execute();
  return rows.map((r) => r.key);
}

describe('the daily pruning job', () => {
  it('deletes old login attempts and quiet, unlocked guard rows, keeps the rest, and is harmless twice', async () => {
    const w = await world(t);
    const victim = await newVictim(t, w.worker);
    await t.ctx.db.deleteFrom('login_attempts').execute();
    await t.ctx.db.deleteFrom('status_guard').execute();

    await t.ctx.db
      .insertInto('login_attempts')
      .values([
        {
          account_key: 'old-failure',
          address: '198.51.100.7',
          succeeded: false,
          at: ago(48 * HOUR + MINUTE),
        },
        { account_key: 'old-success', address: '198.51.100.7', succeeded: true, at: ago(50 * HOUR) },
        {
          account_key: 'recent-failure',
          address: '198.51.100.7',
          succeeded: false,
          at: ago(48 * HOUR - MINUTE),
        },
        { account_key: 'now-success', address: '198.51.100.7', succeeded: true, at: new Date() },
      ])
      .execute();

    const guard = (key: string, lastFailure: number, lockedUntil: Date | null) => ({
      key,
      failures: 3,
      total_failures: 7,
      lockouts: lockedUntil ? 1 : 0,
      window_started_at: ago(lastFailure),
      last_failure_at: ago(lastFailure),
      locked_until: lockedUntil,
    });
    await t.ctx.db
      .insertInto('status_guard')
      .values([
        // quiet for more than a day: gone
        guard('a:198.51.100.7', 25 * HOUR, null),
        guard('r:V-ZZZZZZZZ', 30 * HOUR, ago(26 * HOUR)),
        // the lock ended less than a day ago: its lockout history still counts
        guard('a:203.0.113.9', 30 * HOUR, ago(23 * HOUR)),
        // failed less than a day ago
        guard('a:192.0.2.1', 23 * HOUR, null),
        // still locked
        guard('r:V-YYYYYYYY', 40 * HOUR, new Date(Date.now() + HOUR)),
        // a real victim's row: the legal aid worker reads its count, however old
        guard(`r:${victim.reference}`, 5 * 24 * HOUR, null),
      ])
      .execute();

    expect(await prune()).toBe('deleted 2 login attempt(s), 2 status guard row(s)');
    expect(await loginAttemptKeys()).toEqual(['now-success', 'recent-failure']);
    const kept = ['a:192.0.2.1', 'a:203.0.113.9', `r:${victim.reference}`, 'r:V-YYYYYYYY'].sort();
    expect(await guardKeys()).toEqual(kept);

    expect(await prune()).toBe('deleted 0 login attempt(s), 0 status guard row(s)');
    expect(await loginAttemptKeys()).toEqual(['now-success', 'recent-failure']);
    expect(await guardKeys()).toEqual(kept);
  });
});
