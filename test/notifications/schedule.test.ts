import { startJobs, type Jobs } from '../../jobs/start';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { deleteQueueKeys, eventually, REDIS_URL, uniqueQueuePrefix } from '../jobs/fixtures';

jest.setTimeout(60_000);

let t: TestApp;
let jobs: Jobs;
const prefix = uniqueQueuePrefix();

beforeAll(async () => {
  t = await createTestApp({ REDIS_URL, QUEUE_PREFIX: prefix, RELAY_INTERVAL_MS: '100' });
  jobs = startJobs(t.ctx, { mode: 'worker' });
});
afterAll(async () => {
  await jobs.stop();
  await t.close();
  await deleteQueueKeys(prefix);
});

describe('scheduled jobs with Redis', () => {
  it('registers the daily scan, the nightly reconciliation and the pruning once, as Bull repeatable jobs', async () => {
    const queue = jobs.queues!.get('schedule');
    const repeatable = await eventually(async () => {
      const list = await queue.getRepeatableJobs();
      return list.length === 3 ? list : undefined;
    });
    expect(repeatable.map((r) => [r.name, r.cron, r.tz]).sort()).toEqual([
      ['prune', '45 3 * * *', 'UTC'],
      ['reconcile', '30 2 * * *', 'UTC'],
      ['scan.deadlines', '15 0 * * *', 'UTC'],
    ]);
    // A second worker registering the same jobs adds no second schedule.
    const another = startJobs(t.ctx, { mode: 'worker' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await another.queues!.get('schedule').getRepeatableJobs()).toHaveLength(3);
    } finally {
      await another.stop();
    }
  });

  it('runs a scheduled job through the worker and records the reconciliation result', async () => {
    const queue = jobs.queues!.get('schedule');
    const job = await queue.add('reconcile', { outboxId: '', topic: 'schedule', payload: null });
    const result = await eventually(async () => {
      const j = await queue.getJob(job.id);
      return j && (await j.isCompleted()) ? (j.returnvalue as string) : undefined;
    });
    expect(result).toMatch(/^run \d+: ok$/);
    const runs = await t.ctx.db.selectFrom('reconciliation_runs').select(['ok']).execute();
    expect(runs).toEqual([{ ok: true }]);
  });

  it('runs the pruning through the worker, deleting an expired login attempt', async () => {
    await t.ctx.db
      .insertInto('login_attempts')
      .values({ account_key: 'long-ago', address: '198.51.100.7', succeeded: false, at: new Date(0) })
      .execute();
    const queue = jobs.queues!.get('schedule');
    const job = await queue.add('prune', { outboxId: '', topic: 'schedule', payload: null });
    const result = await eventually(async () => {
      const j = await queue.getJob(job.id);
      return j && (await j.isCompleted()) ? (j.returnvalue as string) : undefined;
    });
    expect(result).toMatch(/^deleted [1-9]\d* login attempt\(s\), \d+ status guard row\(s\)$/);
    const left = await t.ctx.db
      .selectFrom('login_attempts')
      .select('id')
      .where('account_key', '=', 'long-ago')
      .execute();
    expect(left).toEqual([]);
  });
});
