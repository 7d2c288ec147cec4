import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { transact } from '../../src/lib/db';
import { enqueueOutbox } from '../../src/lib/outbox';
import { scanUpcoming, upcomingOffsetFor } from '../../src/notifications/upcoming-reminders';
import { aUser, anOffice, aFundWithMoney } from '../helpers/factories';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { eventually, nothingLeftToSend, uniqueQueuePrefix } from '../jobs/fixtures';
import { addDaysTo, deliveryDetail, FORBIDDEN, labourClaim, office, victim } from './support';

jest.setTimeout(60_000);

let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
let jobs: Jobs;
const prefix = uniqueQueuePrefix();
const today = new Date().toISOString().slice(0, 10);
const tenDaysAgo = addDaysTo(today, -10);

beforeAll(async () => {
  mail = await startMailApp(prefix, { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '100', RELAY_INTERVAL_MS: '100' });
  ({ t, smtp } = mail);
  jobs = startJobs(t.ctx, { mode: 'worker', schedule: false });
});
afterAll(async () => {
  await jobs.stop();
  await mail.close();
});

const mailsTo = (address: string, subjectStart: string) =>
  smtp.messages.filter((m) => m.envelopeTo.includes(address) && m.subject.startsWith(subjectStart));

async function emailOf(userId: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('users')
    .select('email')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.email;
}

async function referenceOf(table: 'claims' | 'victims', id: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom(table)
    .select('reference')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.reference;
}

/** Enqueues a reminder again by hand, as a late or repeated message would arrive. */
async function resend(topic: 'hearing.reminder' | 'fund_decision.due', reminderId: string): Promise<string> {
  const id = await transact(t.ctx.db, (trx) => enqueueOutbox(trx, topic, { reminderId }));
  t.ctx.outbox.kick();
  return id;
}

async function reminderIds(claimId: string): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom('deadline_reminders')
    .select('id')
    .where('claim_id', '=', claimId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Scans on each day (twice), returning how many reminders each scan enqueued. */
async function scanOn(days: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (const day of days) counts.push((await scanUpcoming(t.ctx.db, day)).enqueued);
  return counts;
}

describe('which upcoming reminder is due', () => {
  it.each([
    [8, undefined],
    [7, 7],
    [2, 7],
    [1, 1],
    [0, 1],
    [-1, undefined],
  ])('%i day(s) left → %p', (daysLeft, expected) => {
    expect(upcomingOffsetFor(daysLeft)).toBe(expected);
  });
});

describe('hearing reminders', () => {
  it('reminds the assignee 7 days and 1 day before a scheduled hearing, each once however often the scan runs', async () => {
    const o = await office(t);
    const v = await victim(t, o, { contact: { email: 'quiet@example.net', safeToContact: false } });
    const claimId = await labourClaim(t, o, v, tenDaysAgo);
    const reference = await referenceOf('claims', claimId);
    const hearingOn = addDaysTo(today, 20);

    // A hearing date before the stage begins is refused, and nothing moves.
    const early = await request(t.app)
      .post(`/v1/claims/${claimId}/transitions`)
      .set('Authorization', o.worker.authHeader)
      .send({ to: 'hearing', hearingOn: addDaysTo(today, -1) })
      .expect(400);
    expect(early.body.errors).toEqual([expect.objectContaining({ path: 'hearingOn' })]);
    const moved = await request(t.app)
      .post(`/v1/claims/${claimId}/transitions`)
      .set('Authorization', o.worker.authHeader)
      .send({ to: 'hearing', hearingOn })
      .expect(200);
    expect(moved.body.history.at(-1)).toMatchObject({ to: 'hearing', hearingOn });

    const counts = await scanOn([
      addDaysTo(hearingOn, -10),
      addDaysTo(hearingOn, -7),
      addDaysTo(hearingOn, -7),
      addDaysTo(hearingOn, -3),
      addDaysTo(hearingOn, -1),
      addDaysTo(hearingOn, -1),
      addDaysTo(hearingOn, 1),
    ]);
    expect(counts).toEqual([0, 1, 0, 0, 1, 0, 0]);
    const rows = await t.ctx.db
      .selectFrom('deadline_reminders')
      .select(['kind', 'due_on', 'offset_days', 'assignee_id'])
      .where('claim_id', '=', claimId)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { kind: 'hearing', due_on: hearingOn, offset_days: 7, assignee_id: o.worker.id },
      { kind: 'hearing', due_on: hearingOn, offset_days: 1, assignee_id: o.worker.id },
    ]);

    await smtp.waitFor(() => mailsTo(o.workerEmail, 'Reminder: a hearing').length >= 2);
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    const mails = mailsTo(o.workerEmail, 'Reminder: a hearing');
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Reminder: a hearing is in 1 day(s)',
      'Reminder: a hearing is in 7 day(s)',
    ]);
    expect(mails.find((m) => m.subject.includes('7 day'))!.text).toContain(
      `A hearing of claim ${reference} is scheduled on ${hearingOn}, in 7 day(s).`,
    );
    for (const m of mails) {
      expect(m.envelopeTo).toEqual([o.workerEmail]);
      expect(m.subject).not.toMatch(FORBIDDEN);
      expect(m.text).not.toMatch(/Somchai|Harbour|1000/);
    }

    // Once the claim has left the hearing stage, a late reminder is not sent.
    await request(t.app)
      .post(`/v1/claims/${claimId}/transitions`)
      .set('Authorization', o.worker.authHeader)
      .send({ to: 'settlement', award: { heads: [{ head: 'unpaid_wages', amount: '800.00' }] } })
      .expect(200);
    const late = await resend('hearing.reminder', (await reminderIds(claimId))[0]!);
    expect(await eventually(() => deliveryDetail(t, late))).toBe('skipped: hearing moved or past');
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    expect(mailsTo(o.workerEmail, 'Reminder: a hearing')).toHaveLength(2);
  });

  it('refuses a hearing date on a move to a stage without a hearing', async () => {
    const o = await office(t);
    const v = await victim(t, o);
    const res = await request(t.app)
      .post('/v1/claims')
      .set('Authorization', o.worker.authHeader)
      .send({
        victimId: v,
        route: 'criminal',
        mode: 'compensation_order',
        jurisdiction: 'TH',
        currency: 'THB',
        filedOn: tenDaysAgo,
        heads: [{ head: 'unpaid_wages', amount: '1000.00' }],
      })
      .expect(201);
    const refused = await request(t.app)
      .post(`/v1/claims/${res.body.id}/transitions`)
      .set('Authorization', o.worker.authHeader)
      .send({ to: 'investigation', hearingOn: addDaysTo(today, 5) })
      .expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'hearingOn' })]);
    const claim = await t.ctx.db
      .selectFrom('claims')
      .select('status')
      .where('id', '=', res.body.id as string)
      .executeTakeFirstOrThrow();
    expect(claim.status).toBe('complaint');
  });
});

describe('reflection period reminders', () => {
  it('reminds the assignee of the victim’s open claim, or else every legal aid worker of the organization, 7 days and 1 day before the period ends', async () => {
    // Thailand: a 30-day reflection period from the day of identification.
    const identifiedOn = addDaysTo(today, -10);
    const endsOn = addDaysTo(identifiedOn, 30);
    const o = await office(t);
    const followed = await victim(t, o, { identifiedOn, jurisdiction: 'TH' });
    await labourClaim(t, o, followed, tenDaysAgo);
    const bystander = await aUser(t, { role: 'legal_aid', office: o.worker.organizationId, direct: true });

    const otherOffice = await anOffice(t, 'legal_aid', { direct: true });
    const workers = [
      await aUser(t, { role: 'legal_aid', office: otherOffice, direct: true }),
      await aUser(t, { role: 'legal_aid', office: otherOffice, direct: true }),
    ];
    const away = await aUser(t, { role: 'legal_aid', office: otherOffice, direct: true });
    await t.ctx.db.updateTable('users').set({ active: false }).where('id', '=', away.id).execute();
    const alone = await victim(
      t,
      { worker: workers[0]!, workerEmail: '' },
      { identifiedOn, jurisdiction: 'TH' },
    );

    const counts = await scanOn([
      addDaysTo(endsOn, -8),
      addDaysTo(endsOn, -7),
      addDaysTo(endsOn, -7),
      addDaysTo(endsOn, -1),
      addDaysTo(endsOn, -1),
      addDaysTo(endsOn, 0),
    ]);
    const mine = await t.ctx.db
      .selectFrom('deadline_reminders')
      .select(['victim_id', 'due_on', 'offset_days'])
      .where('victim_id', 'in', [followed, alone])
      .orderBy('offset_days', 'desc')
      .orderBy('victim_id')
      .execute();
    // Scans go victim by victim in id order, so the two victims' rows of one day may come either way.
    const key = (r: { victim_id: string | null; offset_days: number }) => `${r.offset_days} ${r.victim_id}`;
    expect(mine.map(key)).toEqual(
      [`7 ${followed}`, `7 ${alone}`].sort().concat([`1 ${followed}`, `1 ${alone}`].sort()),
    );
    expect(new Set(mine.map((r) => r.due_on))).toEqual(new Set([endsOn]));
    // Other victims of this database may fall due too; a repeated scan never adds any.
    expect(counts[2]).toBe(0);
    expect(counts[4]).toBe(0);
    expect(counts[5]).toBe(0);

    const followedRef = await referenceOf('victims', followed);
    const aloneRef = await referenceOf('victims', alone);
    const subject = 'Reminder: a reflection period ends in';
    const workerEmails = await Promise.all(workers.map((w) => emailOf(w.id)));
    await smtp.waitFor(() => mailsTo(o.workerEmail, subject).length >= 2);
    await smtp.waitFor(() => mailsTo(workerEmails[0]!, subject).length >= 2);
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    const toAssignee = mailsTo(o.workerEmail, subject);
    expect(toAssignee.map((m) => m.subject).sort()).toEqual([`${subject} 1 day(s)`, `${subject} 7 day(s)`]);
    expect(toAssignee.map((m) => m.text).join('\n')).toContain(
      `The reflection period recorded for ${followedRef} ends on ${endsOn}, in 7 day(s).`,
    );
    for (const m of toAssignee) expect(m.envelopeTo).toEqual([o.workerEmail]);
    expect(mailsTo(await emailOf(bystander.id), subject)).toHaveLength(0);

    const toOffice = mailsTo(workerEmails[0]!, subject);
    expect(toOffice).toHaveLength(2);
    for (const m of toOffice) {
      expect(m.envelopeTo.sort()).toEqual([...workerEmails].sort());
      expect(m.text).toContain(aloneRef);
      expect(m.subject).not.toMatch(FORBIDDEN);
      expect(m.text).not.toMatch(/Somchai|MA 1234567/);
    }
    expect(mailsTo(await emailOf(away.id), subject)).toHaveLength(0);
  });
});

describe('State-fund decision due', () => {
  it('tells the fund agency’s active administrators 7 days and 1 day before the decision is due, each once', async () => {
    const agency = await anOffice(t, 'fund_agency', { direct: true });
    const admins = [
      await aUser(t, { role: 'fund_admin', office: agency, direct: true }),
      await aUser(t, { role: 'fund_admin', office: agency, direct: true }),
    ];
    const retired = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
    await t.ctx.db.updateTable('users').set({ active: false }).where('id', '=', retired.id).execute();
    const elsewhere = await aUser(t, { role: 'fund_admin', direct: true });
    const fundId = await aFundWithMoney(t, admins[0]!);
    const o = await office(t);
    const v = await victim(t, o);
    const filedOn = addDaysTo(today, -55);
    const res = await request(t.app)
      .post('/v1/claims')
      .set('Authorization', o.worker.authHeader)
      .send({
        victimId: v,
        route: 'state_fund',
        fundId,
        jurisdiction: 'TH',
        currency: 'THB',
        filedOn,
        heads: [{ head: 'medical_expenses', amount: '5000.00' }],
      })
      .expect(201);
    const claimId = res.body.id as string;
    const reference = await referenceOf('claims', claimId);
    // Thailand, State fund: a decision within 60 days of the application.
    const dueOn = addDaysTo(filedOn, 60);

    await scanOn([addDaysTo(dueOn, -7), addDaysTo(dueOn, -7), addDaysTo(dueOn, -1), addDaysTo(dueOn, -1)]);
    const rows = await t.ctx.db
      .selectFrom('deadline_reminders')
      .select(['kind', 'due_on', 'offset_days', 'assignee_id'])
      .where('claim_id', '=', claimId)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { kind: 'fund_decision', due_on: dueOn, offset_days: 7, assignee_id: null },
      { kind: 'fund_decision', due_on: dueOn, offset_days: 1, assignee_id: null },
    ]);

    const addresses = await Promise.all(admins.map((a) => emailOf(a.id)));
    await smtp.waitFor(() => mailsTo(addresses[0]!, 'A decision is due').length >= 2);
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    const mails = mailsTo(addresses[0]!, 'A decision is due');
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'A decision is due in 1 day(s)',
      'A decision is due in 7 day(s)',
    ]);
    for (const m of mails) {
      expect(m.envelopeTo.sort()).toEqual([...addresses].sort());
      expect(m.subject).not.toMatch(FORBIDDEN);
      expect(m.text).not.toMatch(/Somchai|5000/);
    }
    expect(mails.find((m) => m.subject.includes('7 day'))!.text).toContain(
      `Claim ${reference} needs a decision by ${dueOn}, in 7 day(s).`,
    );
    expect(mailsTo(await emailOf(retired.id), 'A decision is due')).toHaveLength(0);
    expect(mailsTo(await emailOf(elsewhere.id), 'A decision is due')).toHaveLength(0);
    expect(mailsTo(o.workerEmail, 'A decision is due')).toHaveLength(0);

    // Decided meanwhile (here: denied): a late reminder is not sent.
    for (const body of [{ to: 'eligibility_review' }, { to: 'denied', note: 'Not eligible' }])
      await request(t.app)
        .post(`/v1/claims/${claimId}/transitions`)
        .set('Authorization', admins[0]!.authHeader)
        .send(body)
        .expect(200);
    const late = await resend('fund_decision.due', (await reminderIds(claimId))[0]!);
    expect(await eventually(() => deliveryDetail(t, late))).toBe('skipped: decided');
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    expect(mailsTo(addresses[0]!, 'A decision is due')).toHaveLength(2);
  });
});
