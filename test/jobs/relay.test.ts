import request from 'supertest';
import { createQueueSet, type QueueSet } from '../../jobs/bull';
import { relayToQueues } from '../../jobs/relay';
import { startJobs, type Jobs } from '../../jobs/start';
import type { AppContext } from '../../src/context';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';
import {
  enqueueWelcome,
  eventually,
  outboxState,
  queueSettled,
  REDIS_URL,
  sleep,
  uniqueQueuePrefix,
  UNREACHABLE_REDIS_URL,
} from './fixtures';

let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
const prefix = uniqueQueuePrefix();
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  mail = await startMailApp(prefix, {
    RELAY_BATCH_SIZE: '7',
    RELAY_INTERVAL_MS: '200',
    JOB_BACKOFF_MS: '100',
  });
  ({ t, smtp } = mail);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
afterAll(async () => {
  await mail.close();
});

function queueSet(url = REDIS_URL): QueueSet {
  const queues = createQueueSet(url, { prefix, logger: t.ctx.logger });
  open.push({ close: () => queues.close(2000) });
  return queues;
}

function worker(ctx: AppContext = t.ctx): Jobs {
  const jobs = startJobs(ctx, { mode: 'worker' });
  open.push({ close: () => jobs.stop() });
  return jobs;
}

async function relayUntilEmpty(queues: QueueSet): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const r = await relayToQueues({ db: t.ctx.db, config: t.config, logger: t.ctx.logger, queues });
    expect(r.error).toBeUndefined();
    if (r.relayed.length === 0) return ids;
    ids.push(...r.relayed);
  }
}

describe('outbox relay to Bull', () => {
  it('delivers each message exactly once when two relays and two workers run at the same time', async () => {
    const users = [];
    const outboxIds: string[] = [];
    for (let i = 0; i < 50; i++) {
      const user = await aUser(t, { role: 'legal_aid', office: null, direct: true });
      users.push(user);
      outboxIds.push(await enqueueWelcome(t.ctx.db, user.id));
    }
    smtp.messages.length = 0;

    const [first, second] = await Promise.all([relayUntilEmpty(queueSet()), relayUntilEmpty(queueSet())]);
    // No row was taken by both relays, and together they took all 50.
    expect(first.filter((id) => second.includes(id))).toEqual([]);
    expect([...first, ...second].sort()).toEqual([...outboxIds].sort());
    expect(await outboxState(t.ctx.db)).toMatchObject({ pending: 0, relayed: 50, delivered: 0 });

    // Two workers (each with its own relay loop and connections) compete for the jobs.
    const workers = [worker(), worker({ ...t.ctx, readinessChecks: {}, outbox: { kick: () => undefined } })];
    await smtp.waitForCount(50, 20_000);
    await eventually(async () => (await outboxState(t.ctx.db)).delivered === 50, 10_000, '50 deliveries');
    // Every job completed and none is left to run: a duplicate would have been sent by now.
    const mailQueue = queueSet().get('mail');
    await eventually(() => queueSettled(mailQueue, outboxIds), 20_000, 'every mail job completed');
    expect(smtp.messages).toHaveLength(50);
    expect(new Set(smtp.messages.map((m) => m.envelopeTo.join())).size).toBe(50);
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(users.map((u) => u.email).sort());
    expect(smtp.messages.every((m) => m.subject === 'Your Redress account')).toBe(true);

    // Stopped, so that their relay loops leave the rows below to the relay driven by hand.
    await Promise.all(workers.map((w) => w.stop()));

    // A relay that crashed between queue.add and its commit relays the same rows again: the
    // jobs collapse by id into the completed ones, and nothing is sent twice.
    await t.ctx.db.updateTable('outbox').set({ relayed_at: null }).execute();
    const again = await relayUntilEmpty(queueSet());
    expect(again).toHaveLength(50);
    const mail = queueSet().get('mail');
    expect(await mail.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 50 });

    // Even once Bull has forgotten the completed jobs, the handler's delivery record stops a resend.
    await mail.clean(0, 'completed');
    await t.ctx.db.updateTable('outbox').set({ relayed_at: null }).execute();
    expect(await relayUntilEmpty(queueSet())).toHaveLength(50);
    expect(await mail.getWaitingCount()).toBe(50);
    worker();
    await eventually(async () => (await mail.getCompletedCount()) === 50, 10_000, 'jobs to rerun');
    const rerun = await mail.getCompleted(0, 0);
    expect(rerun[0]?.returnvalue).toBe('already delivered');
    await eventually(() => queueSettled(mail, outboxIds), 10_000, 'every rerun completed');
    expect(smtp.messages).toHaveLength(50);
    expect(await outboxState(t.ctx.db)).toMatchObject({ pending: 0, delivered: 50 });
  });

  it('keeps messages pending while Redis is unreachable, and delivers them once it is back', async () => {
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true });
    const outboxId = await enqueueWelcome(t.ctx.db, user.id);

    const down = queueSet(UNREACHABLE_REDIS_URL);
    const started = Date.now();
    const result = await relayToQueues(
      { db: t.ctx.db, config: t.config, logger: t.ctx.logger, queues: down },
      { readyTimeoutMs: 500 },
    );
    expect(result.relayed).toEqual([]);
    expect(result.error).toMatch(/redis not reachable/);
    expect(Date.now() - started).toBeLessThan(3000);
    const row = await t.ctx.db
      .selectFrom('outbox')
      .select('relayed_at')
      .where('id', '=', outboxId)
      .executeTakeFirst();
    expect(row?.relayed_at).toBeNull();

    // The API keeps answering meanwhile, and /readyz names Redis as what is wrong. The copy of
    // the context shares readinessChecks with the one the test app was built on.
    const apiDown = startJobs(
      { ...t.ctx, config: { ...t.config, redisUrl: UNREACHABLE_REDIS_URL } },
      { mode: 'relay' },
    );
    open.push({ close: () => apiDown.stop() });
    await request(t.app).get('/healthz').expect(200);
    const ready = await request(t.app).get('/readyz').expect(503);
    expect(ready.body.checks).toMatchObject({ database: 'ok' });
    expect(ready.body.checks.redis).toMatch(/redis/);
    await sleep(300);
    expect(smtp.messages.some((m) => m.envelopeTo.includes(user.email))).toBe(false);
    await apiDown.stop();

    // Redis is back (a worker on the real one): the message moves and arrives once.
    const before = smtp.messages.length;
    worker();
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(user.email), 10_000);
    expect(mail.to).toEqual([user.email]);
    // Its job completed and none is left to run: a second copy would have been sent by now.
    await eventually(() => queueSettled(queueSet().get('mail'), [outboxId]), 10_000, 'the job completed');
    expect(smtp.messages.length - before).toBe(1);
    const delivery = await t.ctx.db
      .selectFrom('outbox_deliveries')
      .select('detail')
      .where('outbox_id', '=', outboxId)
      .executeTakeFirstOrThrow();
    expect(delivery.detail).toMatch(/^smtp 250/);
    await request(t.app).get('/readyz').expect(200);
  });
});
