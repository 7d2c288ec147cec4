import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { aUser } from '../helpers/factories';
import { assertAfterFaults, undeliveredMessages } from '../helpers/after-faults';
import { captureLogs } from '../helpers/log-capture';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import { eventually, uniqueQueuePrefix } from '../jobs/fixtures';
import { labourClaim, move, office, statusOutboxIds, uniqueEmail, victim } from '../notifications/support';

jest.setTimeout(120_000);

// Issue 11, item 4: an SMTP server that rejects every recipient echoes the address in its
// reply. Neither the logs nor GET /v1/admin/jobs/failed (read by admins, who must not see
// identities) nor what Bull stores may carry it: only a category and a code.
let mail: MailApp;
let jobs: Jobs;
const logs = captureLogs('debug');
const prefix = uniqueQueuePrefix();

beforeAll(async () => {
  mail = await startMailApp(
    prefix,
    { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '100', RELAY_INTERVAL_MS: '100' },
    { logger: logs.logger, smtp: { rejectRecipients: true } },
  );
  jobs = startJobs(mail.t.ctx, { mode: 'worker', schedule: false });
});
afterAll(async () => {
  await jobs.stop();
  await mail.close();
});

describe('a rejected recipient', () => {
  it('is reduced to recipient_rejected (550) in logs, in Bull and on the failed-jobs list', async () => {
    const { t, smtp } = mail;
    const admin = await aUser(t, { role: 'admin', direct: true });
    const o = await office(t);
    const email = uniqueEmail('rejected');
    const fullName = 'Naw Htoo Paw';
    const v = await victim(t, o, {
      fullName,
      preferredLanguage: 'en',
      contact: { email, phone: '+66 89 555 0142', safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
      identityDocuments: [{ type: 'passport', number: 'MB 7654321', issuingCountry: 'MM' }],
    });
    const claimId = await labourClaim(t, o, v, new Date().toISOString().slice(0, 10));
    await move(t, o, claimId, 'conciliation');
    const [outboxId] = await statusOutboxIds(t, claimId);
    const identifying = [email, fullName, '+66 89 555 0142', 'MB 7654321', o.workerEmail];

    const listFailed = async () =>
      request(t.app).get('/v1/admin/jobs/failed').set('Authorization', admin.authHeader).expect(200);
    const failed = await eventually(
      async () => {
        const res = await listFailed();
        const items = res.body.items as Array<Record<string, unknown>>;
        return items.find((j) => j.outboxId === outboxId);
      },
      60_000,
      'the job to fail for good',
    );
    expect(failed).toMatchObject({ job: 'mail.claim_status', attemptsMade: 2 });
    expect(failed.failedReason).toBe('recipient_rejected (550)');
    const listed = JSON.stringify((await listFailed()).body);
    for (const value of identifying) expect(listed).not.toContain(value);

    // What Bull keeps in Redis, which any admin tool would show: reason, stack trace, data.
    const job = await jobs.queues!.get('mail').getJob(outboxId!);
    const stored = JSON.stringify({ reason: job!.failedReason, stack: job!.stacktrace, data: job!.data });
    expect(stored).toContain('recipient_rejected');
    for (const value of identifying) expect(stored).not.toContain(value);

    const metrics = await request(t.app).get('/metrics').expect(200);
    for (const value of identifying) expect(metrics.text).not.toContain(value);

    const failures = logs.lines.filter((l) => l.includes('job failed'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(
      failures.every((l) => l.includes('"category":"recipient_rejected"') && l.includes('"code":550')),
    ).toBe(true);

    // The server accepts again: an admin's retry delivers the message, once.
    smtp.setRejectRecipients(false);
    const before = smtp.messages.length;
    for (const item of (await listFailed()).body.items as Array<{ id: string }>)
      await request(t.app)
        .post(`/v1/admin/jobs/${item.id}/retry`)
        .set('Authorization', admin.authHeader)
        .expect(202);
    await smtp.waitFor((m) => m.envelopeTo.includes(email), 30_000);
    await eventually(
      async () => (await undeliveredMessages(t.ctx.db)).length === 0,
      60_000,
      'every message delivered',
    );
    expect(smtp.messages.length - before).toBeGreaterThanOrEqual(1);

    await assertAfterFaults({
      db: t.ctx.db,
      receivedMessages: smtp.messages,
      logLines: logs.lines,
      identifying,
    });
  });
});
