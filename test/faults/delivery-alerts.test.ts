import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { alertOverdueMessages, raiseDeliveryAlert } from '../../src/notifications/delivery-alerts';
import { aUser, type TestUser } from '../helpers/factories';
import { assertAfterFaults, undeliveredMessages } from '../helpers/after-faults';
import { captureLogs } from '../helpers/log-capture';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import { enqueueWelcome, eventually, sleep, uniqueQueuePrefix } from '../jobs/fixtures';

jest.setTimeout(120_000);

// Issue 11, item 3: a message that runs out of attempts, or stays undelivered too long, must
// not wait silently for an admin to look. SMTP refuses only the "bounce-" recipients, so the
// admins' alerts get through while the message does not.
let mail: MailApp;
const logs = captureLogs('debug');
const prefix = uniqueQueuePrefix();
const open: Jobs[] = [];
const identifying: string[] = [];
let admins: Array<TestUser & { email: string }>;

beforeAll(async () => {
  mail = await startMailApp(
    prefix,
    { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '100', RELAY_INTERVAL_MS: '100', UNDELIVERED_ALERT_MINUTES: '5' },
    { logger: logs.logger, smtp: { rejectRecipients: (address) => address.startsWith('bounce-') } },
  );
  const { t } = mail;
  admins = [];
  for (const language of ['th', 'en'] as const) {
    const admin = await aUser(t, { role: 'admin', direct: true });
    const row = await t.ctx.db
      .updateTable('users')
      .set({ preferred_language: language })
      .where('id', '=', admin.id)
      .returning('email')
      .executeTakeFirstOrThrow();
    admins.push({ ...admin, email: row.email });
  }
});
afterAll(async () => {
  for (const jobs of open) await jobs.stop();
  await mail.close();
});

/** A worker on the app's own context (the failed-jobs endpoint asks it); `overrides` stay. */
function worker(overrides: Partial<MailApp['t']['config']> = {}): Jobs {
  Object.assign(mail.t.ctx.config, overrides);
  const jobs = startJobs(mail.t.ctx, { mode: 'worker', schedule: false });
  open.push(jobs);
  return jobs;
}

async function bouncingWelcome(): Promise<{ outboxId: string; email: string }> {
  const user = await aUser(mail.t, {
    role: 'legal_aid',
    office: null,
    direct: true,
    email: `bounce-${Date.now()}@mail.example.net`,
  });
  identifying.push(user.email, user.name);
  return { outboxId: await enqueueWelcome(mail.t.ctx.db, user.id), email: user.email };
}

const alertsAbout = (outboxId: string) =>
  mail.smtp.messages.filter((m) => m.text.includes(` ${outboxId} (user.welcome)`));

async function failedList(admin: TestUser) {
  const res = await request(mail.t.app)
    .get('/v1/admin/jobs/failed')
    .set('Authorization', admin.authHeader)
    .expect(200);
  return res.body as {
    items: Array<{ outboxId: string; alert: Record<string, unknown> | null }>;
    alerts: Array<Record<string, unknown>>;
  };
}

describe('delivery alerts to admins', () => {
  it('e-mails every admin, in their language and without identities, once a message runs out of attempts', async () => {
    const { t } = mail;
    worker();
    const { outboxId } = await bouncingWelcome();

    const [th, en] = admins.map((a) => a.email);
    const thai = await mail.smtp.waitFor(
      (m) => m.envelopeTo.includes(th!) && m.text.includes(` ${outboxId} (user.welcome)`),
      60_000,
    );
    expect(thai.subject).toBe('ไม่สามารถส่งข้อความได้');
    expect(thai.text).toContain('recipient_rejected');
    const english = await mail.smtp.waitFor(
      (m) => m.envelopeTo.includes(en!) && m.text.includes(` ${outboxId} (user.welcome)`),
    );
    expect(english.subject).toBe('A message could not be delivered');
    expect(english.text).toContain(`Message ${outboxId} (user.welcome) ran out of delivery attempts`);
    for (const m of [thai, english])
      for (const value of identifying) expect(m.raw.toString()).not.toContain(value);

    const list = await failedList(admins[1]!);
    expect(list.items.find((j) => j.outboxId === outboxId)?.alert).toMatchObject({
      reason: 'attempts_exhausted',
      errorCategory: 'recipient_rejected',
    });
    expect(list.alerts).toEqual([expect.objectContaining({ outboxId, reason: 'attempts_exhausted' })]);

    // Once per message: noticing it again (another worker, the overdue sweep) sends nothing.
    expect(
      await raiseDeliveryAlert(t.ctx.db, { outboxId, reason: 'attempts_exhausted', errorCategory: null }),
    ).toBe(false);
    await t.ctx.db
      .updateTable('outbox')
      .set({ created_at: new Date(Date.now() - 3600_000) })
      .where('id', '=', outboxId)
      .execute();
    expect(await alertOverdueMessages(t.ctx.db, 5)).toEqual([]);
    await sleep(1000);
    expect(alertsAbout(outboxId)).toHaveLength(2);
  });

  it('alerts about a message still undelivered after UNDELIVERED_ALERT_MINUTES while its job keeps retrying', async () => {
    const { t } = mail;
    for (const jobs of open.splice(0)) await jobs.stop();
    const jobs = worker({ jobAttempts: 50, outboxSweepIntervalMs: 200 });
    const { outboxId } = await bouncingWelcome();
    const queue = jobs.queues!.get('mail');
    await eventually(
      async () => ((await queue.getJob(outboxId))?.attemptsMade ?? 0) >= 1,
      30_000,
      'a failure',
    );
    expect(alertsAbout(outboxId)).toHaveLength(0);

    // Written six minutes ago, as far as the sweep can tell.
    await t.ctx.db
      .updateTable('outbox')
      .set({ created_at: new Date(Date.now() - 6 * 60_000) })
      .where('id', '=', outboxId)
      .execute();
    await eventually(async () => alertsAbout(outboxId).length === 2, 30_000, 'two alerts');
    const english = alertsAbout(outboxId).find((m) => m.envelopeTo.includes(admins[1]!.email))!;
    expect(english.text).toMatch(
      new RegExp(`Message ${outboxId} \\(user.welcome\\) is still not delivered, more than [6-9] minute`),
    );
    const list = await failedList(admins[0]!);
    expect(list.alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ outboxId, reason: 'undelivered_too_long' })]),
    );

    // The server takes every recipient again: the retrying job delivers, the first message is
    // retried by an admin, and nothing is left undelivered or sent twice.
    mail.smtp.setRejectRecipients(false);
    for (const item of (await failedList(admins[0]!)).items)
      await request(t.app)
        .post(`/v1/admin/jobs/${item.outboxId}/retry`)
        .set('Authorization', admins[0]!.authHeader)
        .expect(202);
    await eventually(
      async () => (await undeliveredMessages(t.ctx.db)).length === 0,
      60_000,
      'every message delivered',
    );
    expect((await failedList(admins[0]!)).alerts).toEqual([]);
    await sleep(500);
    expect(alertsAbout(outboxId)).toHaveLength(2);
    await assertAfterFaults({
      db: t.ctx.db,
      receivedMessages: mail.smtp.messages,
      logLines: logs.lines,
      identifying: [...identifying, ...admins.map((a) => a.email)],
    });
  });
});
