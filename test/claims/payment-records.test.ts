import request from 'supertest';
import type { TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations } from '../ledger/helpers';
import {
  get,
  makeWorld,
  newVictim,
  post,
  receipt,
  stateFundClaim,
  type World,
} from '../disbursements/support';

/**
 * Money received on a claim is recorded once (Idempotency-Key required), can be voided with a
 * reason (it then drops out of every figure, and any fund receipt it posted is reversed), and
 * may be recorded before an award, counting once the award comes. Issue #10, item 1.
 */
let t: TestApp;
let w: World;
const today = new Date().toISOString().slice(0, 10);
const hex = (id: string) => id.replace(/-/g, '');

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '100000.00', source: 'state_appropriation' });
});
afterAll(async () => {
  await t.close();
});

const move = async (claimId: string, to: string, by: TestUser, extra: Record<string, unknown> = {}) => {
  const res = await post(t, `/v1/claims/${claimId}/transitions`, by, { to, ...extra }, null);
  expect([to, res.status, res.body.detail]).toEqual([to, 200, undefined]);
  return res.body;
};
const award = (amount: string, head = 'medical_expenses') => ({ award: { heads: [{ head, amount }] } });
const claimOf = async (id: string) => (await get(t, `/v1/claims/${id}`, w.worker).expect(200)).body;
const payment = (over: Record<string, unknown> = {}) => ({
  head: 'medical_expenses',
  amount: '5000.00',
  receivedOn: today,
  payer: 'perpetrator',
  paidTo: 'victim',
  ...over,
});
const record = async (claimId: string, body: Record<string, unknown>, by: TestUser = w.worker) => {
  const res = await post(t, `/v1/claims/${claimId}/payments-received`, by, body);
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
  return res.body;
};
const voidIt = (claimId: string, paymentId: string, reason = 'Entered twice by mistake', by = w.worker) =>
  post(t, `/v1/claims/${claimId}/payments-received/${paymentId}/void`, by, { reason });
const balances = async () => (await get(t, `/v1/funds/${w.fundId}/balances`, w.auditor).expect(200)).body;
const pot = (b: any, code: string) => b.pots.find((p: any) => p.code === code);

async function civilClaim(victimId: string, amount = '30000.00'): Promise<string> {
  const res = await post(
    t,
    '/v1/claims',
    w.worker,
    {
      victimId,
      route: 'civil',
      jurisdiction: 'TH',
      currency: 'THB',
      heads: [{ head: 'medical_expenses', amount }],
      filedOn: '2025-06-01',
    },
    null,
  ).expect(201);
  return res.body.id as string;
}

async function judged(victimId: string, amount = '30000.00'): Promise<string> {
  const id = await civilClaim(victimId, amount);
  await move(id, 'hearing', w.worker, { occurredOn: '2025-06-10' });
  await move(id, 'judgment', w.worker, { occurredOn: '2025-07-01', ...award(amount) });
  return id;
}

describe('recording money received', () => {
  it('refuses a payment without an Idempotency-Key, so two identical requests cannot record it twice', async () => {
    const id = await judged(w.victimId);
    for (let i = 0; i < 2; i++) {
      const res = await post(t, `/v1/claims/${id}/payments-received`, w.worker, payment(), null).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    }
    expect((await claimOf(id)).totals.received).toBe('0.00');
    const list = await get(t, `/v1/claims/${id}/payments-received`, w.worker).expect(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
  });

  it('records conciliation back-pay before an award and counts it when the award comes', async () => {
    const victim = await newVictim(t, w.worker);
    const res = await post(
      t,
      '/v1/claims',
      w.worker,
      {
        victimId: victim.id,
        route: 'labour',
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: 'unpaid_wages', amount: '12000.00' }],
        filedOn: '2025-06-01',
      },
      null,
    ).expect(201);
    const id = res.body.id as string;
    await move(id, 'conciliation', w.worker, { occurredOn: '2025-06-05' });
    const early = await record(id, payment({ head: 'unpaid_wages', amount: '4000.00', payer: 'employer' }));
    expect(early.claim).toMatchObject({ status: 'conciliation', paymentState: 'partly_paid' });
    expect(early.claim.heads[0]).toMatchObject({ claimed: '12000.00', awarded: '0.00', received: '4000.00' });
    // Not beyond what was claimed while there is no award.
    const over = await post(
      t,
      `/v1/claims/${id}/payments-received`,
      w.worker,
      payment({ head: 'unpaid_wages', amount: '8000.01', payer: 'employer' }),
    ).expect(409);
    expect(over.body.type).toBe('https://redress.example/problems/exceeds-award');
    const settled = await move(id, 'settlement', w.worker, award('10000.00', 'unpaid_wages'));
    expect(settled.heads[0]).toMatchObject({
      awarded: '10000.00',
      received: '4000.00',
      outstanding: '6000.00',
    });
    expect(settled).toMatchObject({ status: 'settlement', paymentState: 'partly_paid' });
  });
});

describe('voiding a payment record', () => {
  it('drops the voided money out of the claim, the victim summary and the status page, keeping the record with its reason', async () => {
    const victim = await newVictim(t, w.worker);
    const id = await judged(victim.id);
    await record(id, payment({ amount: '10000.00' }));
    const twice = await record(id, payment({ amount: '10000.00' }));
    expect((await claimOf(id)).totals.received).toBe('20000.00');

    const voided = await voidIt(id, twice.id).expect(200);
    expect(voided.body).toMatchObject({
      id: twice.id,
      amount: '10000.00',
      voided: { reason: 'Entered twice by mistake', voidedBy: w.worker.id, reversalEntryIds: [] },
    });
    expect(voided.body.claim.totals).toMatchObject({ received: '10000.00', outstanding: '20000.00' });

    const list = (await get(t, `/v1/claims/${id}/payments-received`, w.worker).expect(200)).body;
    expect(list.items.map((p: any) => [p.amount, p.voided?.reason ?? null])).toEqual([
      ['10000.00', null],
      ['10000.00', 'Entered twice by mistake'],
    ]);
    const summary = (await get(t, `/v1/victims/${victim.id}/compensation`, w.worker).expect(200)).body;
    expect(summary.currencies.THB).toMatchObject({ received: '10000.00' });

    const card = await post(t, `/v1/victims/${victim.id}/access-code`, w.worker, {}, null).expect(201);
    const status = await request(t.app)
      .post('/v1/status')
      .send({ reference: card.body.reference, accessCode: card.body.accessCode })
      .expect(200);
    expect(status.body.claims.map((c: any) => c.paid)).toEqual(['10000.00']);
  });

  it('voids a record once: a second void is 409 already-reversed and changes nothing', async () => {
    const id = await judged(w.victimId);
    const p = await record(id, payment());
    await voidIt(id, p.id).expect(200);
    const again = await voidIt(id, p.id, 'Again').expect(409);
    expect(again.body.type).toBe('https://redress.example/problems/already-reversed');
    expect((await claimOf(id)).totals.received).toBe('0.00');
  });

  it('refuses a void without a reason, of another claim’s record, or out of reach', async () => {
    const id = await judged(w.victimId);
    const other = await judged(w.victimId);
    const p = await record(id, payment());
    await voidIt(id, p.id, '  ').expect(400);
    await voidIt(other, p.id).expect(404);
    await voidIt(id, p.id, 'x', w.outsider).expect(404);
    await post(t, `/v1/claims/${id}/payments-received/${p.id}/void`, w.worker, { reason: 'x' }, null).expect(
      400,
    );
    expect((await claimOf(id)).totals.received).toBe('5000.00');
  });

  it('reverses in the ledger the trust receipt a payment into the fund posted, in the same transaction', async () => {
    const id = await judged(w.victimId);
    const trust = `trust_${hex(w.victimId)}`;
    const before = pot(await balances(), trust)?.posted ?? '0.00';
    const p = await record(id, payment({ amount: '7000.00', paidTo: 'fund' }));
    expect(p).toMatchObject({ fundId: w.fundId, recovery: '0.00', heldInTrust: '7000.00' });
    expect(p.claim.totals).toMatchObject({ received: '7000.00', heldInTrust: '7000.00' });
    const voided = await voidIt(id, p.id).expect(200);
    expect(voided.body.voided.reversalEntryIds).toHaveLength(1);
    expect(voided.body.claim.totals).toMatchObject({ received: '0.00', heldInTrust: '0.00' });
    expect(pot(await balances(), trust).posted).toBe(before);
    const reversal = await get(t, `/v1/ledger/entries/${voided.body.voided.reversalEntryIds[0]}`, w.auditor);
    expect(reversal.body).toMatchObject({ kind: 'reversal', reversesEntryId: expect.any(String) });
    expect(await bookViolations(t)).toEqual([]);
  });

  it('restores a State-fund commitment when a fund payment recorded on the claim is voided', async () => {
    const victim = await newVictim(t, w.worker);
    const id = await stateFundClaim(t, w.worker, victim.id, w.fundId);
    await move(id, 'eligibility_review', w.maker);
    await move(id, 'decided', w.maker, award('20000.00'));
    const committed = () => balances().then((b) => pot(b, `award_${hex(id)}`).posted);
    expect(await committed()).toBe('20000.00');
    const p = await record(id, payment({ payer: 'fund', amount: '5000.00' }), w.maker);
    expect(await committed()).toBe('15000.00');
    await voidIt(id, p.id, 'Paid on another claim', w.maker).expect(200);
    expect(await committed()).toBe('20000.00');
    expect((await claimOf(id)).totals).toMatchObject({ received: '0.00', outstanding: '20000.00' });
  });
});
