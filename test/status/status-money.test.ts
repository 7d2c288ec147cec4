import crypto from 'node:crypto';
import request from 'supertest';
import { addDays, todayUtc } from '../../src/lib/dates';
import type { TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, newVictim, post, receipt, stateFundClaim, type World } from '../disbursements/support';

/**
 * The victim's figures over HTTP: the joined-up summary and the status page count a loss claimed
 * on several routes once, and money held in trust is not money paid. Figures are worked by hand.
 */
let t: TestApp;
let w: World;
const today = todayUtc();
const hearingOn = addDays(today, 40);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '1000000.00', source: 'state_appropriation' });
});
afterAll(async () => {
  await t.close();
});

// Every money endpoint needs an Idempotency-Key; a fresh one per request.
const send = (path: string, by: TestUser, body: object) =>
  request(t.app)
    .post(path)
    .set('Authorization', by.authHeader)
    .set('Idempotency-Key', crypto.randomUUID())
    .send(body);

async function move(claimId: string, to: string, by: TestUser, extra: object = {}) {
  const res = await send(`/v1/claims/${claimId}/transitions`, by, { to, ...extra });
  expect([to, res.status, res.body.detail]).toEqual([to, 200, undefined]);
}

async function received(claimId: string, by: TestUser, body: object) {
  const res = await send(`/v1/claims/${claimId}/payments-received`, by, { receivedOn: today, ...body });
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
}

async function file(victimId: string, body: object): Promise<string> {
  const res = await send('/v1/claims', w.worker, { victimId, jurisdiction: 'TH', currency: 'THB', ...body });
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
  return res.body.id as string;
}

const award = (heads: Record<string, string>) => ({
  award: { heads: Object.entries(heads).map(([head, amount]) => ({ head, amount })) },
});

async function summaryOf(victimId: string) {
  return (
    await request(t.app)
      .get(`/v1/victims/${victimId}/compensation`)
      .set('Authorization', w.worker.authHeader)
      .expect(200)
  ).body;
}

async function statusOf(victimId: string, reference: string, language = 'en') {
  const code = (await send(`/v1/victims/${victimId}/access-code`, w.worker, {}).expect(201)).body.accessCode;
  const api = await request(t.app)
    .post('/v1/status')
    .send({ reference, accessCode: code, language })
    .expect(200);
  const page = await request(t.app)
    .post('/status')
    .type('form')
    .send({ reference, accessCode: code, language })
    .expect(200);
  return { api: api.body, page: page.text };
}

describe('one loss claimed on three routes', () => {
  let victim: { id: string; reference: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    victim = await newVictim(t, w.worker);
    const wages = { head: 'unpaid_wages', amount: '300000.00' };
    // labour: settled at 300,000 of wages; the employer pays 200,000
    ids.labour = await file(victim.id, { route: 'labour', heads: [wages] });
    await move(ids.labour, 'conciliation', w.worker);
    await move(ids.labour, 'settlement', w.worker, award({ unpaid_wages: '300000.00' }));
    await received(ids.labour, w.worker, {
      head: 'unpaid_wages',
      amount: '200000.00',
      payer: 'employer',
      paidTo: 'victim',
    });
    // criminal: 300,000 of wages + 110,000 for pain and suffering; the perpetrator pays 40,000 of it
    ids.criminal = await file(victim.id, {
      route: 'criminal',
      mode: 'compensation_order',
      heads: [wages, { head: 'pain_and_suffering', amount: '110000.00' }],
    });
    for (const to of ['investigation', 'prosecution', 'trial']) await move(ids.criminal, to, w.worker);
    await move(
      ids.criminal,
      'conviction',
      w.worker,
      award({ unpaid_wages: '300000.00', pain_and_suffering: '110000.00' }),
    );
    await received(ids.criminal, w.worker, {
      head: 'pain_and_suffering',
      amount: '40000.00',
      payer: 'perpetrator',
      paidTo: 'victim',
    });
    // State fund: decides 300,000 of wages, less the employer's 200,000 = 100,000, and pays it
    ids.fund = await file(victim.id, { route: 'state_fund', fundId: w.fundId, heads: [wages] });
    await move(ids.fund, 'eligibility_review', w.maker);
    await move(ids.fund, 'decided', w.maker, award({ unpaid_wages: '300000.00' }));
    await received(ids.fund, w.maker, {
      head: 'unpaid_wages',
      amount: '100000.00',
      payer: 'fund',
      paidTo: 'victim',
    });
    // civil: filed for lost opportunities, a hearing is set
    ids.civil = await file(victim.id, {
      route: 'civil',
      heads: [{ head: 'lost_opportunities', amount: '20000.00' }],
    });
    await move(ids.civil, 'hearing', w.worker, { hearingOn });
  });

  it('shows 70,000 still owed once, not the 810,000 awarded claim by claim', async () => {
    const s = await summaryOf(victim.id);
    // wages 300,000 − (200,000 + 100,000) = 0; pain 110,000 − 40,000 = 70,000
    expect(s.stillOwed).toEqual({ THB: '70000.00' });
    expect(s.currencies.THB).toMatchObject({
      awarded: '410000.00',
      outstanding: '70000.00',
      heldInTrust: '0.00',
    });
    // each route: its unpaid award, capped per head by what the loss still owes
    expect(s.byRoute.map((r: any) => [r.route, r.awarded, r.outstanding])).toEqual([
      ['labour', '300000.00', '0.00'],
      ['criminal', '410000.00', '70000.00'],
      ['state_fund', '100000.00', '0.00'],
      ['civil', '0.00', '0.00'],
    ]);

    const { api, page } = await statusOf(victim.id, victim.reference);
    expect(api.claims.map((c: any) => c.awarded)).toEqual(['300000.00', '410000.00', '100000.00', '0.00']);
    expect(api.summary).toEqual({
      stillOwed: { THB: '70000.00' },
      heldInTrust: { THB: '0.00' },
      awarded: { THB: '410000.00' },
      nextHearingOn: hearingOn,
    });
    expect(page.split('70,000.00 THB').length - 1).toBe(1);
    expect(page).toContain('Still owed to you');
  });

  it('tells the victim where each claim stands with its money, and never to wait for money already paid', async () => {
    const { api } = await statusOf(victim.id, victim.reference);
    const [labour, criminal, fund, civil] = api.claims;
    expect(fund).toMatchObject({ paid: '100000.00', heldInTrust: '0.00', paymentState: 'paid' });
    expect(fund.nextStep).not.toMatch(/wait for the payment/i);
    // the rest of the labour award is wages the fund already paid
    expect(labour).toMatchObject({ paymentState: 'partly_paid', paid: '200000.00' });
    expect(labour.statusText).toMatch(/paid through another claim/);
    expect(labour.nextStep).not.toMatch(/wait for the payment/i);
    expect(criminal).toMatchObject({
      paymentState: 'partly_paid',
      paid: '40000.00',
      paymentText: 'Part of the award has been paid.',
    });
    expect(civil).toMatchObject({ paymentState: 'no_award', nextHearingOn: hearingOn });
  });

  it('shows the next hearing and the amounts in the page language: Thai with the Buddhist era', async () => {
    const { page } = await statusOf(victim.id, victim.reference, 'th');
    const [y, m, d] = hearingOn.split('-').map(Number) as [number, number, number];
    const thai = new Intl.DateTimeFormat('th-TH-u-ca-buddhist', { dateStyle: 'long', timeZone: 'UTC' });
    const expected = thai.format(new Date(Date.UTC(y, m - 1, d)));
    expect(expected).toContain(String(y + 543));
    expect(page).toContain(`นัดพิจารณาครั้งต่อไป</dt><dd>${expected}</dd>`);
    expect(page).toContain('70,000.00 THB');
    expect(page).toContain('410,000.00 THB');
    expect(page).not.toContain(hearingOn);
  });
});

describe("a child's award held in trust", () => {
  let child: string;
  let reference: string;
  let awardClaim: string;

  beforeAll(async () => {
    const res = await send('/v1/victims', w.worker, {
      fullName: 'Child B',
      preferredLanguage: 'en',
      isChild: true,
      guardian: { name: 'Guardian B', relationship: 'grandmother' },
      consent: { shareWithFundAgency: true, contactByEmail: false },
    }).expect(201);
    [child, reference] = [res.body.id, res.body.reference];
    awardClaim = await stateFundClaim(t, w.worker, child, w.fundId);
    await move(awardClaim, 'eligibility_review', w.maker);
    await move(awardClaim, 'decided', w.maker, award({ medical_expenses: '5000.00' }));
    await disburse({
      claimId: awardClaim,
      purpose: 'compensation_award',
      amount: '5000.00',
      holdInTrust: true,
    });
  });

  async function disburse(body: object) {
    const made = await post(t, '/v1/disbursements', w.maker, {
      fundId: w.fundId,
      victimId: child,
      currency: 'THB',
      rationale: 'For the child, through the guardian',
      channel: 'cash',
      ...body,
    });
    expect([made.status, made.body.detail]).toEqual([201, undefined]);
    await post(t, `/v1/disbursements/${made.body.id}/approve`, w.checker, {}).expect(200);
    await post(t, `/v1/disbursements/${made.body.id}/paid`, w.checker, { paidOn: today }).expect(200);
  }

  it('counts the award as received but held in trust, not paid to the family', async () => {
    const s = await summaryOf(child);
    expect(s.currencies.THB).toMatchObject({
      received: '5000.00',
      outstanding: '0.00',
      heldInTrust: '5000.00',
    });
    expect(s.byRoute[0]).toMatchObject({ route: 'state_fund', heldInTrust: '5000.00' });
    expect(s.byHead[0]).toMatchObject({ head: 'medical_expenses', heldInTrust: '5000.00' });

    const { api, page } = await statusOf(child, reference);
    expect(api.claims[0]).toMatchObject({ awarded: '5000.00', paid: '0.00', heldInTrust: '5000.00' });
    expect(api.claims[0].statusText).not.toBe('The fund has decided to pay you.');
    expect(api.claims[0].statusText).toMatch(/held for you in trust/);
    expect(api.claims[0].paymentText).toBe(
      '5,000.00 THB is held for you in trust by the fund. It has not been paid out to you yet.',
    );
    expect(api.summary.heldInTrust).toEqual({ THB: '5000.00' });
    expect(page).toContain('<dt>Held for you in trust</dt><dd>5,000.00 THB</dd>');
  });

  it('moves money paid out of the trust pot to paid, and adds the victim’s part of money paid into the fund', async () => {
    // school fees out of the trust pot: 5,000 − 1,200 = 3,800 still held
    await disburse({ purpose: 'education', amount: '1200.00', pot: `trust_${child.replace(/-/g, '')}` });
    // a perpetrator pays 2,000 into the fund on a civil judgment; the fund paid nothing for it,
    // so all of it is held for the child
    const civil = await file(child, {
      route: 'civil',
      heads: [{ head: 'pain_and_suffering', amount: '10000.00' }],
    });
    await move(civil, 'hearing', w.worker);
    await move(civil, 'judgment', w.worker, award({ pain_and_suffering: '10000.00' }));
    await received(civil, w.worker, {
      head: 'pain_and_suffering',
      amount: '2000.00',
      payer: 'perpetrator',
      paidTo: 'fund',
    });

    const s = await summaryOf(child);
    expect(s.currencies.THB.heldInTrust).toBe('5800.00'); // 3,800 + 2,000
    expect(s.byRoute.map((r: any) => [r.route, r.heldInTrust])).toEqual([
      ['state_fund', '3800.00'],
      ['civil', '2000.00'],
    ]);
    const { api } = await statusOf(child, reference);
    expect(api.claims.map((c: any) => [c.route, c.paid, c.heldInTrust, c.paymentState])).toEqual([
      ['state_fund', '1200.00', '3800.00', 'paid'],
      ['civil', '0.00', '2000.00', 'partly_paid'],
    ]);
    // pain 10,000 − 2,000 = 8,000 still owed
    expect(api.summary).toMatchObject({ stillOwed: { THB: '8000.00' }, heldInTrust: { THB: '5800.00' } });
  });
});
