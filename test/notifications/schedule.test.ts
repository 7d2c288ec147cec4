import request from 'supertest';
import type { JobId, Queue } from 'bull';
import { startJobs, type Jobs } from '../../jobs/start';
import { runReconciliation } from '../../src/notifications/reconciliation';
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

/**
 * The job's return value once it has completed. The job is read again after isCompleted: a copy
 * read just before the job finished still holds a null return value.
 */
async function completedReturnValue(queue: Queue, id: JobId): Promise<string> {
  return eventually(async () => {
    if (!(await (await queue.getJob(id))?.isCompleted())) return undefined;
    return (await queue.getJob(id))?.returnvalue as string;
  });
}

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
    const result = await completedReturnValue(queue, job.id);
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
    const result = await completedReturnValue(queue, job.id);
    expect(result).toMatch(/^deleted [1-9]\d* login attempt\(s\), \d+ status guard row\(s\)$/);
    const left = await t.ctx.db
      .selectFrom('login_attempts')
      .select('id')
      .where('account_key', '=', 'long-ago')
      .execute();
    expect(left).toEqual([]);
  });

  it('records every run: /readyz and /metrics show when each scheduled job last ran and succeeded', async () => {
    const queue = jobs.queues!.get('schedule');
    const job = await queue.add('scan.deadlines', { outboxId: '', topic: 'schedule', payload: null });
    await eventually(async () => {
      const j = await queue.getJob(job.id);
      return j ? j.isCompleted() : false;
    });
    const rows = await t.ctx.db.selectFrom('scheduled_job_runs').select(['name', 'last_ok']).execute();
    expect(rows.map((r) => [r.name, r.last_ok]).sort()).toEqual([
      ['prune', true],
      ['reconcile', true],
      ['scan.deadlines', true],
    ]);

    const ready = await request(t.app).get('/readyz').expect(200);
    const scan = ready.body.queues.scheduledJobs['scan.deadlines'];
    expect(scan).toMatchObject({ lastOk: true, lastDetail: expect.stringMatching(/^enqueued \d+ reminder/) });
    expect(Date.now() - Date.parse(scan.lastSucceededAt)).toBeLessThan(10 * 60_000);
    expect(Object.keys(ready.body.queues.scheduledJobs).sort()).toEqual([
      'prune',
      'reconcile',
      'scan.deadlines',
    ]);

    const metrics = await request(t.app).get('/metrics').expect(200);
    const success =
      /^redress_scheduled_job_last_success_timestamp_seconds\{job="scan.deadlines"\} (\d+(\.\d+)?)$/m.exec(
        metrics.text,
      );
    expect(success).not.toBeNull();
    expect(Math.abs(Number(success![1]) - Date.parse(scan.lastSucceededAt) / 1000)).toBeLessThan(1);
    expect(metrics.text).toMatch(/^redress_scheduled_job_last_run_timestamp_seconds\{job="prune"\} \d+/m);
  });

  it('makes the nightly reconciliation fail its deadline_scan_ran check when the scan has not run for a day', async () => {
    const fresh = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(fresh.checks.find((c) => c.name === 'deadline_scan_ran')).toEqual({
      name: 'deadline_scan_ran',
      ok: true,
      detail: 'ok',
    });

    await t.ctx.db
      .updateTable('scheduled_job_runs')
      .set({ last_succeeded_at: new Date(Date.now() - 25 * 3600 * 1000) })
      .where('name', '=', 'scan.deadlines')
      .execute();
    const stale = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(stale.ok).toBe(false);
    expect(stale.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['deadline_scan_ran']);
    expect(stale.checks.find((c) => c.name === 'deadline_scan_ran')!.detail).toMatch(/more than a day ago/);

    // Never recorded at all, on a database that has been reconciled for more than a day.
    await t.ctx.db.deleteFrom('scheduled_job_runs').where('name', '=', 'scan.deadlines').execute();
    const later = new Date(Date.now() + 25 * 3600 * 1000);
    const never = await runReconciliation(t.ctx.db, t.ctx.logger, later);
    expect(never.checks.find((c) => c.name === 'deadline_scan_ran')).toMatchObject({ ok: false });
  });
});
