import { sql } from 'kysely';
import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { scanDeadlines } from '../../src/notifications/deadline-reminders';
import { runReconciliation } from '../../src/notifications/reconciliation';
import { aUser, aFundWithMoney } from '../helpers/factories';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { eventually, sleep, uniqueQueuePrefix } from '../jobs/fixtures';
import {
  addDaysTo,
  deliveryDetail,
  FORBIDDEN,
  labourClaim,
  move,
  office,
  statusOutboxIds,
  uniqueEmail,
  victim,
  contactRuleCases,
} from './support';

jest.setTimeout(60_000);

let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
let jobs: Jobs;
const prefix = uniqueQueuePrefix();
const PUBLIC_URL = 'https://help.example.org';
const today = new Date().toISOString().slice(0, 10);
const tenDaysAgo = addDaysTo(today, -10);

beforeAll(async () => {
  mail = await startMailApp(prefix, {
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '100',
    RELAY_INTERVAL_MS: '100',
    PUBLIC_URL,
  });
  ({ t, smtp } = mail);
  jobs = startJobs(t.ctx, { mode: 'worker', schedule: false });
});
afterAll(async () => {
  await jobs.stop();
  await mail.close();
});

const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelopeTo.includes(address));

describe('victim status-change e-mail', () => {
  it('tells an adult who consented, in Thai, that there is an update, and nothing more', async () => {
    const o = await office(t);
    const email = uniqueEmail('adult');
    const v = await victim(t, o, {
      preferredLanguage: 'th',
      contact: { email, safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    const claimId = await labourClaim(t, o, v, tenDaysAgo);
    await move(t, o, claimId, 'conciliation');

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(mail.subject).toBe('มีข้อมูลใหม่สำหรับคุณ');
    expect(mail.text).toContain('มีข้อมูลใหม่สำหรับคุณ คุณสามารถดูได้ที่หน้าสถานะ');
    expect(mail.text).toContain(`${PUBLIC_URL}/status`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/status"`);
    const claim = await t.ctx.db
      .selectFrom('claims')
      .select('reference')
      .where('id', '=', claimId)
      .executeTakeFirstOrThrow();
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(FORBIDDEN);
      expect(part).not.toContain(claim.reference);
      expect(part).not.toMatch(/conciliation|Harbour|1000|Somchai/);
    }
    const [outboxId] = await statusOutboxIds(t, claimId);
    expect(await eventually(() => deliveryDetail(t, outboxId!))).toMatch(/^victim \(th\): smtp 250/);
    await sleep(300);
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('sends nothing directly without consent, to an unsafe contact, or to a child; a guardian gets the guardian text', async () => {
    const o = await office(t);
    const { addresses, people } = await contactRuleCases(t, o);
    const outbox: Record<string, string> = {};
    for (const [key, victimId] of Object.entries(people)) {
      const claimId = await labourClaim(t, o, victimId, tenDaysAgo);
      await move(t, o, claimId, 'hearing');
      outbox[key] = (await statusOutboxIds(t, claimId))[0]!;
    }

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(addresses.guardian));
    expect(mail.subject).toBe('Có thông tin mới dành cho bạn');
    expect(mail.text).toContain('người bạn đang chăm sóc');
    expect(mail.text).not.toMatch(/Tran Thi Mai|aunt/);
    expect(await eventually(() => deliveryDetail(t, outbox.guardian!))).toMatch(/^guardian \(vi\): smtp 250/);
    expect(await eventually(() => deliveryDetail(t, outbox.noConsent!))).toBe(
      'skipped: no consent to contact by e-mail',
    );
    expect(await eventually(() => deliveryDetail(t, outbox.unsafe!))).toBe('skipped: contact not safe');
    expect(await eventually(() => deliveryDetail(t, outbox.childAlone!))).toBe(
      'skipped: child without a recorded guardian',
    );
    await sleep(300);
    expect(mailsTo(addresses.noConsent)).toHaveLength(0);
    expect(mailsTo(addresses.unsafe)).toHaveLength(0);
    expect(mailsTo(addresses.childAlone)).toHaveLength(0);
    expect(mailsTo(addresses.guardian)).toHaveLength(1);
  });
});

describe('several messages to one person', () => {
  it('sends each status change on its own, none merged into another or lost', async () => {
    const o = await office(t);
    const email = uniqueEmail('twice');
    const v = await victim(t, o, {
      preferredLanguage: 'km',
      contact: { email, safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    const first = await labourClaim(t, o, v, tenDaysAgo);
    const second = await labourClaim(t, o, v, tenDaysAgo);
    await move(t, o, first, 'conciliation');
    await move(t, o, first, 'hearing');
    await move(t, o, second, 'hearing');
    const ids = [...(await statusOutboxIds(t, first)), ...(await statusOutboxIds(t, second))];
    expect(ids).toHaveLength(3);
    await smtp.waitFor(() => mailsTo(email).length >= 3);
    await sleep(300);
    const mails = mailsTo(email);
    expect(mails.map((m) => m.subject)).toEqual(Array(3).fill('មានព័ត៌មានថ្មីសម្រាប់អ្នក'));
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(3);
    for (const id of ids) expect(mails.some((m) => m.messageId.startsWith(`<outbox-${id}.`))).toBe(true);
  });
});

describe('deadline reminders', () => {
  it('reminds the assignee 30, 7 and 1 day(s) before and once overdue, each exactly once however often the scan runs', async () => {
    const o = await office(t);
    const v = await victim(t, o, { contact: { email: uniqueEmail('quiet'), safeToContact: false } });
    const claimId = await labourClaim(t, o, v, tenDaysAgo);
    const claim = await t.ctx.db
      .selectFrom('claims')
      .select('reference')
      .where('id', '=', claimId)
      .executeTakeFirstOrThrow();
    const deadline = await t.ctx.db
      .selectFrom('claim_deadlines')
      .select(['due_on', 'met_on'])
      .where('claim_id', '=', claimId)
      .where('kind', '=', 'decision')
      .executeTakeFirstOrThrow();
    // Thailand, labour: the inspector decides within 60 days of filing.
    expect(deadline).toEqual({ due_on: addDaysTo(tenDaysAgo, 60), met_on: null });
    const due = deadline.due_on;

    const remindersOfClaim = async () =>
      (
        await t.ctx.db
          .selectFrom('deadline_reminders')
          .select(['offset_days', 'scanned_on'])
          .where('claim_id', '=', claimId)
          .orderBy('id')
          .execute()
      ).map((r) => [r.offset_days, r.scanned_on]);

    // 40 days before: nothing yet. 20 days before: the 30-day reminder (the scan catches up).
    await scanDeadlines(t.ctx.db, addDaysTo(due, -40));
    expect(await remindersOfClaim()).toEqual([]);
    for (const [day, expected] of [
      [-20, [[30, addDaysTo(due, -20)]]],
      [-20, [[30, addDaysTo(due, -20)]]], // same day again: nothing new
      [
        -7,
        [
          [30, addDaysTo(due, -20)],
          [7, addDaysTo(due, -7)],
        ],
      ],
      [
        -7,
        [
          [30, addDaysTo(due, -20)],
          [7, addDaysTo(due, -7)],
        ],
      ],
      [
        -1,
        [
          [30, addDaysTo(due, -20)],
          [7, addDaysTo(due, -7)],
          [1, addDaysTo(due, -1)],
        ],
      ],
      [
        3,
        [
          [30, addDaysTo(due, -20)],
          [7, addDaysTo(due, -7)],
          [1, addDaysTo(due, -1)],
          [-1, addDaysTo(due, 3)],
        ],
      ],
      [
        4,
        [
          [30, addDaysTo(due, -20)],
          [7, addDaysTo(due, -7)],
          [1, addDaysTo(due, -1)],
          [-1, addDaysTo(due, 3)],
        ],
      ],
    ] as const) {
      await scanDeadlines(t.ctx.db, addDaysTo(due, day));
      expect(await remindersOfClaim()).toEqual(expected);
    }

    const subjects = [
      'Reminder: a deadline is due in 20 day(s)',
      'Reminder: a deadline is due in 7 day(s)',
      'Reminder: a deadline is due in 1 day(s)',
      'A deadline has passed',
    ];
    await smtp.waitFor(() => mailsTo(o.workerEmail).length >= 4);
    await sleep(500);
    const mails = mailsTo(o.workerEmail);
    expect(mails.map((m) => m.subject).sort()).toEqual([...subjects].sort());
    const seven = mails.find((m) => m.subject === subjects[1])!;
    expect(seven.text).toContain(
      `The decision deadline of claim ${claim.reference} is due on ${due}, in 7 day(s).`,
    );
    const overdue = mails.find((m) => m.subject === subjects[3])!;
    expect(overdue.text).toContain(`was due on ${due} and is not recorded as met`);
    for (const m of mails) expect(m.subject).not.toMatch(FORBIDDEN);
  });
});

describe('failed jobs', () => {
  it('keeps a job that ran out of attempts for admins, reports it in /metrics and /readyz, and retries it once on request', async () => {
    const admin = await aUser(t, { role: 'admin', direct: true });
    const o = await office(t);
    const email = uniqueEmail('retry');
    const v = await victim(t, o, {
      preferredLanguage: 'id',
      contact: { email, safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    await smtp.stop();
    const claimId = await labourClaim(t, o, v, tenDaysAgo);
    await move(t, o, claimId, 'conciliation');
    const [outboxId] = await statusOutboxIds(t, claimId);

    const failed = await eventually(
      async () => {
        const res = await request(t.app)
          .get('/v1/admin/jobs/failed')
          .set('Authorization', admin.authHeader)
          .expect(200);
        // Flagged once the admins were alerted (recorded just after Bull marks it failed).
        return (res.body.items as Array<Record<string, unknown>>).find(
          (j) => j.outboxId === outboxId && j.alert,
        );
      },
      25_000, // a few of Bull's 5-s delayed-job guard ticks on a busy machine
      'the job to fail for good',
    );
    expect(failed).toMatchObject({
      id: outboxId,
      queue: 'mail',
      job: 'mail.claim_status',
      topic: 'claim.status_changed',
      payload: { claimId, status: 'conciliation' },
      attemptsMade: 3,
    });
    expect(failed.failedReason).toMatch(/ECONNREFUSED|connect/i);
    await request(t.app).get('/v1/admin/jobs/failed').set('Authorization', o.worker.authHeader).expect(403);

    expect(failed.alert).toMatchObject({ reason: 'attempts_exhausted', errorCategory: 'smtp_unreachable' });
    // The admins' alerts about it go through the same stopped SMTP server and may have failed
    // by now too: at least this job is counted.
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^redress_jobs_failed [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^redress_outbox_oldest_age_seconds \d+$/m);
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.queues).toMatchObject({ outboxPending: 0, oldestOutboxAgeSeconds: null });
    expect(ready.body.queues.failed).toBeGreaterThanOrEqual(1);

    await smtp.start();
    await request(t.app)
      .post(`/v1/admin/jobs/${outboxId}/retry`)
      .set('Authorization', admin.authHeader)
      .expect(202, { id: outboxId, status: 'retrying' });
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(mail.subject).toBe('Ada informasi baru untuk Anda');
    expect(await eventually(() => deliveryDetail(t, outboxId!))).toMatch(/^victim \(id\): smtp 250/);
    await sleep(300);
    expect(mailsTo(email)).toHaveLength(1);
    // No longer failed: a second retry finds nothing, and so does an unknown id.
    await request(t.app)
      .post(`/v1/admin/jobs/${outboxId}/retry`)
      .set('Authorization', admin.authHeader)
      .expect(404);
    await request(t.app)
      .post('/v1/admin/jobs/999999/retry')
      .set('Authorization', admin.authHeader)
      .expect(404);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'resource_id'])
      .where('action', '=', 'job.retry')
      .execute();
    expect(audit).toEqual([{ action: 'job.retry', resource_id: outboxId }]);
  }, 60_000);
});

describe('nightly reconciliation', () => {
  it('passes on intact books, then detects a posting changed in SQL and e-mails every active admin', async () => {
    const admins = [
      await aUser(t, { role: 'admin', direct: true }),
      await aUser(t, { role: 'admin', direct: true }),
    ];
    const retired = await aUser(t, { role: 'admin', direct: true });
    await t.ctx.db.updateTable('users').set({ active: false }).where('id', '=', retired.id).execute();
    const emailOf = async (id: string) =>
      (await t.ctx.db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow())
        .email;
    const agency = await aUser(t, { role: 'fund_admin', direct: true });
    const fundId = await aFundWithMoney(t, agency);
    await request(t.app)
      .post(`/v1/funds/${fundId}/receipts`)
      .set('Authorization', agency.authHeader)
      .set('Idempotency-Key', 'recon-1')
      .send({ source: 'donation', amount: '500.00', currency: 'THB', receivedOn: today })
      .expect(201);

    const good = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(good.ok).toBe(true);
    expect(good.checks.map((c) => [c.name, c.ok])).toEqual([
      ['trial_balance', true],
      ['account_balances', true],
      ['fund_pots_equal_bank', true],
      ['fx_positions', true],
      ['ledger_chain', true],
      ['audit_chain', true],
      ['chain_anchors', true],
      ['deadline_scan_ran', true],
    ]);
    expect(good.alerts).toEqual([]);

    await t.ctx.db.connection().execute(async (c) => {
      await sql`alter table ledger_postings disable trigger user`.execute(c);
      await sql`update ledger_postings set amount = amount + 1 where id = (select min(id) from ledger_postings)`.execute(
        c,
      );
      await sql`alter table ledger_postings enable trigger user`.execute(c);
    });
    const bad = await runReconciliation(t.ctx.db, t.ctx.logger);
    expect(bad.ok).toBe(false);
    const failedChecks = bad.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failedChecks).toEqual(
      expect.arrayContaining(['trial_balance', 'account_balances', 'ledger_chain']),
    );
    const run = await t.ctx.db
      .selectFrom('reconciliation_runs')
      .select(['ok', 'run_on'])
      .where('id', '=', bad.runId)
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ ok: false, run_on: today });

    const addresses = await Promise.all(admins.map((a) => emailOf(a.id)));
    for (const address of addresses) {
      const mail = await smtp.waitFor((m) => m.envelopeTo.includes(address));
      expect(mail.subject).toBe(`Reconciliation check failed on ${today}`);
      expect(mail.text).toContain('ledger_chain: broken at entry');
    }
    await sleep(300);
    expect(mailsTo(await emailOf(retired.id))).toHaveLength(0);
    for (const address of addresses) expect(mailsTo(address)).toHaveLength(1);
  });
});
