import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { createMailer, type Mailer } from '../../src/notifications/mailer';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { eventually } from '../jobs/fixtures';
import { deliveryDetail, labourClaim, move, office, statusOutboxIds, uniqueEmail, victim } from './support';

jest.setTimeout(60_000);

let t: TestApp;
let jobs: Jobs;
let down = true;

beforeAll(async () => {
  t = await createTestApp({ RELAY_INTERVAL_MS: '50', JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' });
  // The .eml mailer of embedded mode, refusing while `down` (a full disk, say).
  const files = createMailer(t.config);
  const mailer: Mailer = {
    kind: 'file',
    send: (message, key) =>
      down
        ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
        : files.send(message, key),
    close: () => files.close(),
  };
  jobs = startJobs(t.ctx, { mode: 'embedded', mailer, schedule: false });
});
afterAll(async () => {
  await jobs.stop();
  await t.close();
});

describe('failed jobs in embedded mode', () => {
  it('lists a message the in-process runner gave up on, and delivers it once when an admin retries', async () => {
    const admin = await aUser(t, { role: 'admin', direct: true });
    const o = await office(t);
    const v = await victim(t, o, {
      preferredLanguage: 'en',
      contact: { email: uniqueEmail('inline'), safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    const claimId = await labourClaim(t, o, v, new Date().toISOString().slice(0, 10));
    await move(t, o, claimId, 'hearing');
    const [outboxId] = await statusOutboxIds(t, claimId);

    const failed = await eventually(async () => {
      const res = await request(t.app)
        .get('/v1/admin/jobs/failed')
        .set('Authorization', admin.authHeader)
        .expect(200);
      return (res.body.items as Array<Record<string, unknown>>).find((j) => j.outboxId === outboxId);
    });
    expect(failed).toMatchObject({
      id: outboxId,
      queue: 'inline',
      job: 'mail.claim_status',
      attemptsMade: 2,
      failedReason: 'mail_storage (ENOSPC)',
      alert: { reason: 'attempts_exhausted', errorCategory: 'mail_storage', alertedAt: expect.any(String) },
    });
    // The admin's alert about it cannot be written either while the disk is full: it fails too.
    const alertJob = await eventually(async () => {
      const res = await request(t.app)
        .get('/v1/admin/jobs/failed')
        .set('Authorization', admin.authHeader)
        .expect(200);
      return (res.body.items as Array<Record<string, unknown>>).find((j) => j.topic === 'outbox.alert');
    });
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^redress_jobs_failed 2$/m);
    expect(metrics.text).toMatch(/^redress_outbox_pending 2$/m);
    expect(await deliveryDetail(t, outboxId!)).toBeUndefined();

    down = false;
    await request(t.app)
      .post(`/v1/admin/jobs/${outboxId}/retry`)
      .set('Authorization', admin.authHeader)
      .expect(202, { id: outboxId, status: 'retrying' });
    await request(t.app)
      .post(`/v1/admin/jobs/${String(alertJob.id)}/retry`)
      .set('Authorization', admin.authHeader)
      .expect(202);
    expect(await eventually(() => deliveryDetail(t, outboxId!))).toBe(
      `victim (en): file outbox-${outboxId}.eml`,
    );
    await eventually(() => deliveryDetail(t, String(alertJob.id)));
    const after = await request(t.app)
      .get('/v1/admin/jobs/failed')
      .set('Authorization', admin.authHeader)
      .expect(200);
    expect(after.body).toEqual({ items: [], alerts: [] });
    await request(t.app)
      .post(`/v1/admin/jobs/${outboxId}/retry`)
      .set('Authorization', admin.authHeader)
      .expect(404);
  });
});
