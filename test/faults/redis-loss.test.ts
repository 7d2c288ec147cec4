import Redis from 'ioredis';
import { startJobs, type Jobs } from '../../jobs/start';
import { assertAfterFaults } from '../helpers/after-faults';
import { captureLogs } from '../helpers/log-capture';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import { startRedisProcess, type RedisProcess } from '../helpers/redis-process';
import { aUser } from '../helpers/factories';
import { enqueueWelcome, eventually, queueSettled, uniqueQueuePrefix } from '../jobs/fixtures';

jest.setTimeout(420_000);

// Issue 11, items 1 and 2: Redis that loses its data (restart without persistence, flush)
// must lose no e-mail and no schedule. A Redis of this file's own, killed and restarted empty.
let redis: RedisProcess;
let mail: MailApp;
const logs = captureLogs('debug');
const identifying: string[] = [];
const prefix = uniqueQueuePrefix();
let jobs: Jobs | undefined;

beforeAll(async () => {
  redis = await startRedisProcess();
  mail = await startMailApp(
    prefix,
    {
      REDIS_URL: redis.url,
      JOB_ATTEMPTS: '50',
      JOB_BACKOFF_MS: '200',
      RELAY_INTERVAL_MS: '200',
      // The first test relies on the reconnect alone, not on the periodic sweep.
      OUTBOX_SWEEP_INTERVAL_MS: '3600000',
    },
    { logger: logs.logger },
  );
});
afterAll(async () => {
  await jobs?.stop();
  await mail.close();
  await redis.kill();
});

async function queueWelcomes(count: number): Promise<{ ids: string[]; emails: string[] }> {
  const ids: string[] = [];
  const emails: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = await aUser(mail.t, { role: 'legal_aid', office: null, direct: true });
    identifying.push(user.email, user.name);
    emails.push(user.email);
    ids.push(await enqueueWelcome(mail.t.ctx.db, user.id));
  }
  return { ids, emails };
}

async function allRelayed(ids: string[]): Promise<boolean> {
  const rows = await mail.t.ctx.db
    .selectFrom('outbox')
    .select('id')
    .where('id', 'in', ids)
    .where('relayed_at', 'is not', null)
    .execute();
  return rows.length === ids.length;
}

async function undelivered(ids: string[]): Promise<number> {
  const rows = await mail.t.ctx.db
    .selectFrom('outbox')
    .select('id')
    .where('id', 'in', ids)
    .where('delivered_at', 'is', null)
    .execute();
  return rows.length;
}

describe('Redis loses its data while mail waits for SMTP', () => {
  it('re-queues every undelivered message after Redis restarts empty, and delivers each exactly once', async () => {
    const { smtp, t } = mail;
    await smtp.stop();
    const { ids, emails } = await queueWelcomes(12);
    jobs = startJobs(t.ctx, { mode: 'worker' });
    const queue = jobs.queues!.get('mail');
    const schedule = jobs.queues!.get('schedule');
    await eventually(async () => (await schedule.getRepeatableJobs()).length === 3, 30_000, 'schedules');

    // Every message is in Bull and has failed at least once against the closed SMTP port.
    await eventually(() => allRelayed(ids), 30_000, 'all messages relayed');
    await eventually(
      async () => {
        const all = await Promise.all(ids.map((id) => queue.getJob(id)));
        return all.every((j) => j !== null && j.attemptsMade >= 1);
      },
      60_000,
      'a failed attempt of every job',
    );

    await redis.kill();
    await redis.start(); // empty: every job and every repeatable schedule is gone
    await smtp.start();

    // generous: on a loaded machine the sweep, the re-queue and the retries crawl
    await smtp.waitForCount(ids.length, 240_000);
    await eventually(async () => (await undelivered(ids)) === 0, 30_000, 'every delivery recorded');
    // Every re-queued job completed and none is left to run: a duplicate would have been sent by now.
    await eventually(() => queueSettled(queue, ids), 30_000, 'every mail job completed');
    const received = smtp.messages.filter((m) => emails.includes(m.envelopeTo[0] ?? ''));
    expect(received).toHaveLength(ids.length);
    expect(received.map((m) => m.envelopeTo[0]).sort()).toEqual([...emails].sort());

    // Item 2: the repeatable jobs came back with the connection.
    await eventually(
      async () => (await schedule.getRepeatableJobs()).length === 3,
      30_000,
      'schedules again',
    );
    expect(logs.lines.some((l) => l.includes('re-queued'))).toBe(true);

    await assertAfterFaults({
      db: t.ctx.db,
      receivedMessages: smtp.messages,
      logLines: logs.lines,
      identifying,
    });
  });

  it('re-queues messages whose jobs were flushed without a reconnect, by the periodic sweep', async () => {
    const { smtp, t } = mail;
    await jobs?.stop();
    jobs = startJobs({ ...t.ctx, config: { ...t.config, outboxSweepIntervalMs: 300 } }, { mode: 'worker' });
    await smtp.stop();
    const { ids, emails } = await queueWelcomes(5);
    await eventually(() => allRelayed(ids), 30_000, 'all messages relayed');

    const admin = new Redis(redis.url);
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
    await smtp.start();
    await eventually(async () => (await undelivered(ids)) === 0, 60_000, 'every delivery recorded');
    await eventually(() => queueSettled(jobs!.queues!.get('mail'), ids), 30_000, 'every mail job completed');
    const received = smtp.messages.filter((m) => emails.includes(m.envelopeTo[0] ?? ''));
    expect(received).toHaveLength(ids.length);

    await assertAfterFaults({
      db: t.ctx.db,
      receivedMessages: smtp.messages,
      logLines: logs.lines,
      identifying,
    });
  });
});
