import { sql } from 'kysely';
import request from 'supertest';
import { startJobs, type Jobs } from '../../jobs/start';
import { aUser, aFundWithMoney } from '../helpers/factories';
import { makeWorld, post, receipt, requested, stateFundClaim, type World } from '../disbursements/support';
import type { TestSmtp } from '../helpers/smtp';
import { startMailApp, type MailApp } from '../helpers/mail-app';
import type { TestApp } from '../helpers/test-app';
import { eventually, nothingLeftToSend, uniqueQueuePrefix } from '../jobs/fixtures';
import {
  addDaysTo,
  deliveryDetail,
  FORBIDDEN,
  labourClaim,
  office,
  uniqueEmail,
  victim,
  type Office,
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

const paymentMails = (address: string, subject: string) =>
  smtp.messages.filter((m) => m.envelopeTo.includes(address) && m.subject === subject);

async function paymentOutboxIds(key: 'paymentId' | 'disbursementId', id: string): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom('outbox')
    .select('id')
    .where('topic', '=', 'victim.payment_made')
    .where(sql<string>`payload->>${key}`, '=', id)
    .execute();
  return rows.map((r) => r.id);
}

/** A labour claim awarded 1000.00 and 400.00 of it received by `paidTo`; the payment's id. */
async function paidLabourClaim(o: Office, victimId: string, paidTo: 'victim' | 'fund' = 'victim') {
  const claimId = await labourClaim(t, o, victimId, tenDaysAgo);
  for (const body of [
    { to: 'hearing' },
    { to: 'award', award: { heads: [{ head: 'unpaid_wages', amount: '1000.00' }] } },
  ])
    await request(t.app)
      .post(`/v1/claims/${claimId}/transitions`)
      .set('Authorization', o.worker.authHeader)
      .send(body)
      .expect(200);
  const res = await request(t.app)
    .post(`/v1/claims/${claimId}/payments-received`)
    .set('Authorization', o.worker.authHeader)
    .set('Idempotency-Key', `pay-${claimId}`)
    .send({ amount: '400.00', head: 'unpaid_wages', receivedOn: today, payer: 'employer', paidTo });
  return { claimId, res };
}

describe('payment made to the victim', () => {
  it('tells an adult who consented, in Thai, that a payment was made, with no amount or detail', async () => {
    const o = await office(t);
    const email = uniqueEmail('paid');
    const v = await victim(t, o, {
      preferredLanguage: 'th',
      contact: { email, safeToContact: true },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    const { claimId, res } = await paidLabourClaim(o, v);
    expect(res.status).toBe(201);
    const [outboxId, ...more] = await paymentOutboxIds('paymentId', res.body.id as string);
    expect(more).toEqual([]);

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email) && m.subject === 'มีการจ่ายเงินแล้ว');
    expect(mail.text).toContain('มีการจ่ายเงินให้คุณแล้ว คุณสามารถดูได้ที่หน้าสถานะ');
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
      expect(part).not.toMatch(/400|1000|THB|employer|Harbour|Somchai|wages/i);
    }
    expect(await eventually(() => deliveryDetail(t, outboxId!))).toMatch(/^victim \(th\): smtp 250/);
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    expect(paymentMails(email, 'มีการจ่ายเงินแล้ว')).toHaveLength(1);
  });

  it('sends nothing directly without consent, to an unsafe contact, or to a child; a guardian gets the guardian text', async () => {
    const o = await office(t);
    const { addresses, people } = await contactRuleCases(t, o);
    const outbox: Record<string, string> = {};
    for (const [key, victimId] of Object.entries(people)) {
      const { res } = await paidLabourClaim(o, victimId);
      expect(res.status).toBe(201);
      outbox[key] = (await paymentOutboxIds('paymentId', res.body.id as string))[0]!;
    }

    const subject = 'Một khoản thanh toán đã được thực hiện';
    const mail = await smtp.waitFor(
      (m) => m.envelopeTo.includes(addresses.guardian) && m.subject === subject,
    );
    expect(mail.text).toContain('người bạn đang chăm sóc');
    expect(mail.text).not.toMatch(/Tran Thi Mai|aunt|400/);
    expect(await eventually(() => deliveryDetail(t, outbox.guardian!))).toMatch(/^guardian \(vi\): smtp 250/);
    expect(await eventually(() => deliveryDetail(t, outbox.noConsent!))).toBe(
      'skipped: no consent to contact by e-mail',
    );
    expect(await eventually(() => deliveryDetail(t, outbox.unsafe!))).toBe('skipped: contact not safe');
    expect(await eventually(() => deliveryDetail(t, outbox.childAlone!))).toBe(
      'skipped: child without a recorded guardian',
    );
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    for (const address of [addresses.noConsent, addresses.unsafe, addresses.childAlone])
      expect(smtp.messages.filter((m) => m.envelopeTo.includes(address))).toHaveLength(0);
    expect(paymentMails(addresses.guardian, subject)).toHaveLength(1);
  });

  it('writes no payment message for money paid into the fund', async () => {
    const o = await office(t);
    const email = uniqueEmail('fund');
    const v = await victim(t, o, {
      contact: { email, safeToContact: true },
      consent: { shareWithFundAgency: true, contactByEmail: true },
    });
    const fundId = await aFundWithMoney(t, await aUser(t, { role: 'fund_admin', direct: true }));
    await request(t.app)
      .post('/v1/claims')
      .set('Authorization', o.worker.authHeader)
      .send({
        victimId: v,
        route: 'state_fund',
        fundId,
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: 'unpaid_wages', amount: '1000.00' }],
      })
      .expect(201);
    const { res } = await paidLabourClaim(o, v, 'fund');
    expect(res.status).toBe(201);
    expect(res.body.paidTo).toBe('fund');
    const rows = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('topic', '=', 'victim.payment_made')
      .where(sql<string>`payload->>'victimId'`, '=', v)
      .execute();
    expect(rows).toEqual([]);
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    // Status-change e-mails arrive (the claim moved); the payment one does not.
    await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(paymentMails(email, 'ငွေပေးချေမှုတစ်ခု ပြုလုပ်ပြီးပါပြီ')).toEqual([]);
  });
});

describe('disbursement paid to the victim', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(t);
    await receipt(t, w, { amount: '1000.00' });
  });

  it('tells the victim once the fund marks the payment paid, not when it is requested or approved', async () => {
    const email = uniqueEmail('disbursed');
    const created = await request(t.app)
      .post('/v1/victims')
      .set('Authorization', w.worker.authHeader)
      .send({
        fullName: 'Aye Aye Khaing',
        preferredLanguage: 'my',
        contact: { email, safeToContact: true },
        consent: { shareWithFundAgency: true, contactByEmail: true },
      })
      .expect(201);
    const victimId = created.body.id as string;
    await stateFundClaim(t, w.worker, victimId, w.fundId);
    const id = await requested(t, w, { victimId });
    await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    expect(await paymentOutboxIds('disbursementId', id)).toEqual([]);

    await post(t, `/v1/disbursements/${id}/paid`, w.checker2, { paidOn: today }, `paid-${id}`).expect(200);
    // A replay (same Idempotency-Key) answers the first response and queues nothing more.
    await post(t, `/v1/disbursements/${id}/paid`, w.checker2, { paidOn: today }, `paid-${id}`).expect(200);
    const [outboxId, ...more] = await paymentOutboxIds('disbursementId', id);
    expect(more).toEqual([]);
    const subject = 'ငွေပေးချေမှုတစ်ခု ပြုလုပ်ပြီးပါပြီ';
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email) && m.subject === subject);
    expect(mail.envelopeTo).toEqual([email]);
    expect(mail.text).toContain('သင့်ထံသို့ ငွေပေးချေမှုတစ်ခု ပြုလုပ်ပြီးပါပြီ');
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(FORBIDDEN);
      expect(part).not.toMatch(/100\.00|Hospital|medical|Kasikorn|Aye Aye|PAY-/i);
    }
    expect(await eventually(() => deliveryDetail(t, outboxId!))).toMatch(/^victim \(my\): smtp 250/);
    await eventually(
      () => nothingLeftToSend(t.ctx.db, jobs.queues!.get('mail')),
      20_000,
      'nothing left to send',
    );
    expect(paymentMails(email, subject)).toHaveLength(1);
  });
});
