import { InlineRetries, relayInline } from '../../jobs/relay';
import { startJobs } from '../../jobs/start';
import { loadConfig } from '../../src/config';
import { createMailer } from '../../src/notifications/mailer';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';
import { enqueueWelcome, eventually, queueSettled, uniqueQueuePrefix } from './fixtures';

let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
const prefix = uniqueQueuePrefix();

beforeAll(async () => {
  mail = await startMailApp(prefix, { JOB_ATTEMPTS: '10', JOB_BACKOFF_MS: '150', RELAY_INTERVAL_MS: '100' });
  ({ t, smtp } = mail);
});
afterAll(async () => {
  await mail.close();
});

async function deliveries(outboxId: string): Promise<number> {
  const rows = await t.ctx.db
    .selectFrom('outbox_deliveries')
    .select('outbox_id')
    .where('outbox_id', '=', outboxId)
    .execute();
  return rows.length;
}

describe('retries while the SMTP server is down', () => {
  it('retries a Bull job with backoff and delivers it once when SMTP comes back', async () => {
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true });
    await smtp.stop();
    const outboxId = await enqueueWelcome(t.ctx.db, user.id);
    const jobs = startJobs(t.ctx, { mode: 'worker' });
    try {
      const mail = jobs.queues!.get('mail');
      // At least two attempts fail against the closed port before the server returns. The
      // backoff is 150 ms, but Bull may promote a delayed job only at its 5-s guard tick when it
      // misses the pub/sub nudge, and CI machines are busy: allow several ticks.
      let seen = 'no job yet';
      const failing = await eventually(
        async () => {
          const job = await mail.getJob(outboxId);
          if (job)
            seen = `${await job.getState()}, ${job.attemptsMade} attempt(s), ${job.failedReason ?? ''}`;
          return job && job.attemptsMade >= 2 ? job : undefined;
        },
        25_000,
        'two failed attempts',
      ).catch((err: Error) => {
        throw new Error(`${err.message} (job: ${seen})`);
      });
      expect(failing.failedReason).toMatch(/ECONNREFUSED|connect/i);
      expect(await deliveries(outboxId)).toBe(0);

      const before = smtp.messages.length;
      await smtp.start();
      const received = await smtp.waitFor((m) => m.envelopeTo.includes(user.email), 15_000);
      expect(received.subject).toBe('Your Redress account');
      const done = await eventually(async () => {
        const job = await mail.getJob(outboxId);
        return job && (await job.isCompleted()) ? job : undefined;
      });
      expect(done.attemptsMade).toBeGreaterThanOrEqual(2);
      // No job is left to run: a second copy would have been sent by now.
      await eventually(() => queueSettled(mail, [outboxId]), 10_000, 'the mail queue idle');
      expect(smtp.messages.length - before).toBe(1);
      expect(await deliveries(outboxId)).toBe(1);
    } finally {
      await jobs.stop();
      await smtp.start();
    }
  }, 60_000);

  it('retries in-process (no Redis) on the same schedule and delivers once', async () => {
    const user = await aUser(t, { role: 'legal_aid', office: null, direct: true });
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: t.databaseUrl,
      SMTP_URL: smtp.url,
      JOB_ATTEMPTS: '5',
      JOB_BACKOFF_MS: '500',
      LOG_LEVEL: 'silent',
    });
    const mailer = createMailer(config);
    let clock = Date.now(); // the retry schedule's clock, stepped by hand: no race with the machine
    const retries = new InlineRetries(config, () => clock);
    const pass = () => relayInline({ db: t.ctx.db, config, logger: t.ctx.logger, mailer, retries });
    try {
      await pass(); // earlier tests' rows are all delivered: nothing else is pending
      await smtp.stop();
      const outboxId = await enqueueWelcome(t.ctx.db, user.id);

      expect(await pass()).toEqual({ relayed: [], failed: [outboxId] });
      // Inside the backoff the message is not tried again.
      expect(await pass()).toEqual({ relayed: [], failed: [] });
      clock += 499;
      expect(await pass()).toEqual({ relayed: [], failed: [] });
      clock += 1; // first backoff: 500 ms
      expect(await pass()).toEqual({ relayed: [], failed: [outboxId] });

      await smtp.start();
      const before = smtp.messages.length;
      clock += 999;
      expect(await pass()).toEqual({ relayed: [], failed: [] });
      clock += 1; // second backoff: 1000 ms
      expect(await pass()).toEqual({ relayed: [outboxId], failed: [] });
      expect(await pass()).toEqual({ relayed: [], failed: [] });
      await smtp.waitFor((m) => m.envelopeTo.includes(user.email));
      expect(smtp.messages.length - before).toBe(1);
      expect(await deliveries(outboxId)).toBe(1);
    } finally {
      mailer.close();
      await smtp.start();
    }
  });
});
