import { sql } from 'kysely';
import { startJobs, type Jobs } from '../../jobs/start';
import { transact } from '../../src/lib/db';
import { enqueueOutbox, type OutboxPayloads } from '../../src/lib/outbox';
import { makeWorld, post, receipt, requested, VICTIM_NAME, type World } from '../disbursements/support';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { eventually, nothingLeftToSend, uniqueQueuePrefix } from '../jobs/fixtures';
import { deliveryDetail, FORBIDDEN } from './support';

jest.setTimeout(60_000);

let t: TestApp;
let smtp: TestSmtp;
let mail: MailApp;
let jobs: Jobs;
let w: World;
const prefix = uniqueQueuePrefix();

beforeAll(async () => {
  mail = await startMailApp(prefix, { RELAY_INTERVAL_MS: '100' });
  ({ t, smtp } = mail);
  jobs = startJobs(t.ctx, { mode: 'worker', schedule: false });
  w = await makeWorld(t);
  await receipt(t, w, { amount: '1000.00' });
});
afterAll(async () => {
  await jobs.stop();
  await mail.close();
});

/** The outbox row the disbursement service wrote for this disbursement and topic. */
async function outboxRowFor(topic: string, disbursementId: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('outbox')
    .select('id')
    .where('topic', '=', topic)
    .where(sql<string>`payload->>'disbursementId'`, '=', disbursementId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Enqueues a notice by hand, as a late or repeated one would arrive. */
async function notify<T extends 'disbursement.awaiting_approval' | 'disbursement.payout_failed'>(
  topic: T,
  payload: OutboxPayloads[T],
): Promise<string> {
  const id = await transact(t.ctx.db, (trx) => enqueueOutbox(trx, topic, payload));
  t.ctx.outbox.kick();
  return id;
}

async function referenceOf(id: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('disbursements')
    .select('payment_reference')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.payment_reference;
}

describe('fund administrators’ notices', () => {
  it('asks the agency’s other fund administrators to approve, and tells requester and approver of a failed payout', async () => {
    const id = await requested(t, w);
    const reference = await referenceOf(id);

    // The request itself (POST /v1/disbursements) wrote the notice.
    const waiting = await outboxRowFor('disbursement.awaiting_approval', id);
    const ask = await smtp.waitFor((m) => m.subject === 'A payment request is waiting for approval');
    expect(ask.envelopeTo.sort()).toEqual([w.checker.email, w.checker2.email].sort());
    expect(ask.text).toContain(`Payment request ${reference} is waiting for approval`);
    for (const part of [ask.subject, ask.text, ask.html]) {
      expect(part).not.toMatch(FORBIDDEN);
      expect(part).not.toMatch(new RegExp(`${VICTIM_NAME}|100\\.00|Hospital|medical|Kasikorn`));
    }
    expect(await eventually(() => deliveryDetail(t, waiting))).toMatch(
      /^2 fund administrator\(s\): smtp 250/,
    );

    await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    // Approved meanwhile: a late "waiting" notice is not sent.
    const late = await notify('disbursement.awaiting_approval', { disbursementId: id });
    expect(await eventually(() => deliveryDetail(t, late))).toBe('skipped: already approved');

    await post(t, `/v1/disbursements/${id}/failed`, w.checker2, { reason: 'Account closed' }).expect(200);
    const failed = await outboxRowFor('disbursement.payout_failed', id);
    const told = await smtp.waitFor((m) => m.subject === 'A payment could not be completed');
    expect(told.envelopeTo.sort()).toEqual([w.maker.email, w.checker.email].sort());
    expect(told.text).toContain(`Payment ${reference} was marked as failed`);
    expect(told.text).not.toMatch(/Account closed|100\.00/);
    expect(await eventually(() => deliveryDetail(t, failed))).toMatch(/^2 fund administrator\(s\): smtp 250/);

    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages.some((m) => m.envelopeTo.includes(w.outsider.email))).toBe(false);
  });
});
