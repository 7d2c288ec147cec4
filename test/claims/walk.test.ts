import crypto from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aFundWithMoney, aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';

/**
 * One victim through all four routes to payment. Every expected figure below was worked out
 * by hand from the rules (comments show the arithmetic), never copied from a response.
 */
let t: TestApp;
let worker: TestUser;
let fundAdmin: TestUser;
let fundId: string;
let victimId: string;
const claims: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  worker = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'legal_aid', { direct: true }),
    direct: true,
  });
  fundAdmin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { direct: true }),
    direct: true,
  });
  fundId = await aFundWithMoney(t, fundAdmin);
  victimId = (
    await request(t.app)
      .post('/v1/victims')
      .set('Authorization', worker.authHeader)
      .send(victimBody())
      .expect(201)
  ).body.id;
});
afterAll(async () => {
  await t.close();
});

async function file(body: Record<string, unknown>): Promise<string> {
  const res = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({ victimId, jurisdiction: 'TH', currency: 'THB', filedOn: '2025-01-15', ...body });
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
  return res.body.id as string;
}

async function move(id: string, to: string, on: string, extra: Record<string, unknown> = {}, by = worker) {
  const res = await request(t.app)
    .post(`/v1/claims/${id}/transitions`)
    .set('Authorization', by.authHeader)
    .send({ to, occurredOn: on, ...extra });
  expect([to, res.status, res.body.detail]).toEqual([to, 200, undefined]);
  return res.body;
}

async function pay(
  id: string,
  head: string,
  amount: string,
  on: string,
  payer: string,
  paidTo = 'victim',
  by = worker,
) {
  const res = await request(t.app)
    .post(`/v1/claims/${id}/payments-received`)
    .set('Authorization', by.authHeader)
    .set('Idempotency-Key', crypto.randomUUID())
    .send({ head, amount, receivedOn: on, payer, paidTo });
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
  return res.body;
}

/** A fully paid award moves its claim to `paid` by itself (issue #10, item 4). */
async function paidBySystem(id: string) {
  const res = await request(t.app)
    .get(`/v1/claims/${id}`)
    .set('Authorization', worker.authHeader)
    .expect(200);
  expect([res.body.status, res.body.history.at(-1)]).toMatchObject(['paid', { to: 'paid', by: 'system' }]);
}

const award = (heads: Record<string, string>) => ({
  award: { heads: Object.entries(heads).map(([head, amount]) => ({ head, amount })) },
});

type Figures = Record<string, string>;
async function summary(): Promise<{ total: Figures; heads: Record<string, Figures>; body: any }> {
  const res = await request(t.app)
    .get(`/v1/victims/${victimId}/compensation`)
    .set('Authorization', worker.authHeader)
    .expect(200);
  const heads: Record<string, Figures> = {};
  for (const h of res.body.byHead) {
    const { claimed, awarded, received, outstanding, owedToFund, offset } = h;
    heads[h.head] = { claimed, awarded, received, outstanding, owedToFund, offset };
  }
  return { total: res.body.currencies.THB, heads, body: res.body };
}

const fig = (
  claimed: string,
  awarded: string,
  received: string,
  outstanding: string,
  owedToFund = '0.00',
  offset = '0.00',
) => ({
  claimed,
  awarded,
  received,
  outstanding,
  owedToFund,
  offset,
});

async function witness(): Promise<boolean> {
  const res = await request(t.app)
    .get(`/v1/victims/${victimId}`)
    .set('Authorization', worker.authHeader)
    .expect(200);
  return res.body.witness.isWitness as boolean;
}

describe('one victim, four routes, one joined-up account', () => {
  it('1. files a labour claim: claimed only', async () => {
    claims.labour = await file({
      route: 'labour',
      respondent: 'Ocean Catch Co.',
      heads: [
        { head: 'unpaid_wages', amount: '120000.00' },
        { head: 'other', amount: '30000.00', description: 'Unlawful recruitment fee' },
      ],
    });
    const s = await summary();
    expect(s.total).toEqual({
      claimed: '150000.00',
      awarded: '0.00',
      received: '0.00',
      outstanding: '0.00',
      owedToFund: '0.00',
      heldInTrust: '0.00',
    });
  });

  it('2. files a criminal compensation claim for overlapping losses, and the victim becomes a witness', async () => {
    claims.criminal = await file({
      route: 'criminal',
      mode: 'compensation_order',
      heads: [
        { head: 'unpaid_wages', amount: '120000.00' },
        { head: 'medical_expenses', amount: '40000.00' },
        { head: 'pain_and_suffering', amount: '200000.00' },
      ],
    });
    const s = await summary();
    // the same wages claimed on two routes count once: max(120,000, 120,000)
    expect(s.heads.unpaid_wages).toEqual(fig('120000.00', '0.00', '0.00', '0.00'));
    expect(s.total.claimed).toBe('390000.00'); // 120,000 + 30,000 + 40,000 + 200,000
    expect(await witness()).toBe(true);
  });

  it('3. applies to the State fund: the larger criminal claim still sets what was claimed', async () => {
    claims.fund = await file({
      route: 'state_fund',
      fundId,
      heads: [
        { head: 'medical_expenses', amount: '40000.00' },
        { head: 'pain_and_suffering', amount: '100000.00' },
      ],
    });
    const s = await summary();
    expect(s.heads.pain_and_suffering!.claimed).toBe('200000.00'); // max(200,000, 100,000)
    expect(s.total.claimed).toBe('390000.00');
  });

  it('4. settles the labour claim and the employer pays part of the wages', async () => {
    await move(claims.labour!, 'conciliation', '2025-02-01');
    await move(
      claims.labour!,
      'settlement',
      '2025-02-20',
      award({ unpaid_wages: '100000.00', other: '30000.00' }),
    );
    await pay(claims.labour!, 'unpaid_wages', '60000.00', '2025-03-01', 'employer');
    const s = await summary();
    expect(s.heads.unpaid_wages).toEqual(fig('120000.00', '100000.00', '60000.00', '40000.00'));
    expect(s.heads.other).toEqual(fig('30000.00', '30000.00', '0.00', '30000.00'));
    // awarded 100,000 + 30,000; received 60,000; outstanding 40,000 + 30,000
    expect(s.total).toEqual({
      claimed: '390000.00',
      awarded: '130000.00',
      received: '60000.00',
      outstanding: '70000.00',
      owedToFund: '0.00',
      heldInTrust: '0.00',
    });
  });

  it('5. convicts with a compensation order; the perpetrator pays part of the medical costs', async () => {
    for (const [to, on] of [
      ['investigation', '2025-02-10'],
      ['prosecution', '2025-03-10'],
      ['trial', '2025-03-20'],
    ] as const)
      await move(claims.criminal!, to, on);
    expect(await witness()).toBe(true);
    await move(
      claims.criminal!,
      'conviction',
      '2025-04-01',
      award({ pain_and_suffering: '150000.00', medical_expenses: '40000.00', unpaid_wages: '0.00' }),
    );
    expect(await witness()).toBe(false); // no longer in proceedings where the victim testifies
    await pay(claims.criminal!, 'medical_expenses', '10000.00', '2025-04-10', 'perpetrator');
    const s = await summary();
    expect(s.heads.medical_expenses).toEqual(fig('40000.00', '40000.00', '10000.00', '30000.00'));
    expect(s.heads.pain_and_suffering).toEqual(fig('200000.00', '150000.00', '0.00', '150000.00'));
    expect(s.heads.unpaid_wages!.awarded).toBe('100000.00'); // max(labour 100,000, criminal 0)
    // awarded 100,000 + 30,000 + 40,000 + 150,000 = 320,000; received 60,000 + 10,000
    expect(s.total).toEqual({
      claimed: '390000.00',
      awarded: '320000.00',
      received: '70000.00',
      outstanding: '250000.00',
      owedToFund: '0.00',
      heldInTrust: '0.00',
    });
  });

  it('6. the fund decides, offsetting what the perpetrator already paid for medical costs', async () => {
    await move(claims.fund!, 'eligibility_review', '2025-04-15', {}, fundAdmin);
    await move(claims.fund!, 'info_requested', '2025-04-16', { note: 'Medical receipts, please' }, fundAdmin);
    await move(claims.fund!, 'eligibility_review', '2025-04-20');
    const decided = await move(
      claims.fund!,
      'decided',
      '2025-04-25',
      award({ medical_expenses: '40000.00', pain_and_suffering: '100000.00' }),
      fundAdmin,
    );
    // medical: decided 40,000 − 10,000 already paid by the perpetrator = 30,000
    expect(decided.history.at(-1).award.heads).toEqual([
      { head: 'medical_expenses', decided: '40000.00', offset: '10000.00', awarded: '30000.00' },
      { head: 'pain_and_suffering', decided: '100000.00', offset: '0.00', awarded: '100000.00' },
    ]);
    expect(decided.heads[0]).toMatchObject({
      head: 'medical_expenses',
      decided: '40000.00',
      offset: '10000.00',
      awarded: '30000.00',
    });
    expect(decided.totals).toMatchObject({ claimed: '140000.00', awarded: '130000.00', received: '0.00' });
    const s = await summary();
    expect(s.heads.medical_expenses).toEqual(
      fig('40000.00', '40000.00', '10000.00', '30000.00', '0.00', '10000.00'),
    );
    expect(s.body.byRoute.find((r: any) => r.route === 'state_fund')).toMatchObject({
      claimed: '140000.00',
      awarded: '130000.00',
      received: '0.00',
      outstanding: '130000.00',
      offset: '10000.00',
    });
  });

  it('7. the fund pays its award in full and the claim closes', async () => {
    await pay(claims.fund!, 'medical_expenses', '30000.00', '2025-05-01', 'fund', 'victim', fundAdmin);
    await pay(claims.fund!, 'pain_and_suffering', '100000.00', '2025-05-01', 'fund', 'victim', fundAdmin);
    await paidBySystem(claims.fund!);
    await move(claims.fund!, 'closed', '2025-05-03', {}, fundAdmin);
    const s = await summary();
    expect(s.heads.medical_expenses).toEqual(
      fig('40000.00', '40000.00', '40000.00', '0.00', '0.00', '10000.00'),
    );
    expect(s.heads.pain_and_suffering).toEqual(fig('200000.00', '150000.00', '100000.00', '50000.00'));
    // received 60,000 + 40,000 + 100,000; outstanding 40,000 + 30,000 + 0 + 50,000
    expect(s.total).toEqual({
      claimed: '390000.00',
      awarded: '320000.00',
      received: '200000.00',
      outstanding: '120000.00',
      owedToFund: '0.00',
      heldInTrust: '0.00',
    });
  });

  it('8. the perpetrator later pays pain and suffering: the fund is due what exceeds the victim’s loss (victim first)', async () => {
    await move(claims.criminal!, 'enforcement', '2025-05-10');
    await pay(claims.criminal!, 'pain_and_suffering', '120000.00', '2025-06-01', 'perpetrator');
    const s = await summary();
    // loss 150,000; fund paid 100,000; later 120,000 → excess 100,000 + 120,000 − 150,000 = 70,000
    expect(s.heads.pain_and_suffering).toEqual(
      fig('200000.00', '150000.00', '220000.00', '0.00', '70000.00'),
    );
    expect(s.body.byHead.find((h: any) => h.head === 'pain_and_suffering').subrogation).toEqual({
      fundId,
      policy: 'victim_first',
      fundPaid: '100000.00',
      laterPaidByPerpetrator: '120000.00',
      dueToFund: '70000.00',
      recoveredByFund: '0.00',
    });
    expect(s.total).toEqual({
      claimed: '390000.00',
      awarded: '320000.00',
      received: '320000.00',
      outstanding: '70000.00',
      owedToFund: '70000.00',
      heldInTrust: '0.00',
    });
  });

  it('9. money the perpetrator pays into the fund after it advanced is the fund’s recovery', async () => {
    // pain: later 150,000 → due min(100,000, 150,000, 100,000 + 150,000 − 150,000) = 100,000; none recovered yet
    const p1 = await pay(
      claims.criminal!,
      'pain_and_suffering',
      '30000.00',
      '2025-06-15',
      'perpetrator',
      'fund',
    );
    expect(p1).toMatchObject({ paidTo: 'fund', fundId, recovery: '30000.00', heldInTrust: '0.00' });
    // medical: later 40,000 − offset 10,000 = 30,000 → due min(30,000, 30,000, 10,000 + 30,000 + 30,000 − 40,000) = 30,000
    const p2 = await pay(
      claims.criminal!,
      'medical_expenses',
      '30000.00',
      '2025-06-15',
      'perpetrator',
      'fund',
    );
    expect(p2).toMatchObject({ recovery: '30000.00', heldInTrust: '0.00' });
    await paidBySystem(claims.criminal!);
    await move(claims.criminal!, 'closed', '2025-06-21');
    const s = await summary();
    // pain: reached the victim 100,000 + 120,000; the fund holds 30,000 of the 100,000 due → 70,000 still owed
    expect(s.heads.pain_and_suffering).toEqual(
      fig('200000.00', '150000.00', '220000.00', '0.00', '70000.00'),
    );
    expect(s.heads.medical_expenses).toEqual(
      fig('40000.00', '40000.00', '40000.00', '0.00', '0.00', '10000.00'),
    );
  });

  it('10. the employer pays the rest of the labour settlement', async () => {
    await move(claims.labour!, 'enforcement', '2025-07-01');
    await pay(claims.labour!, 'unpaid_wages', '40000.00', '2025-07-15', 'employer');
    await pay(claims.labour!, 'other', '30000.00', '2025-07-15', 'employer');
    await paidBySystem(claims.labour!);
    const s = await summary();
    expect(s.heads.unpaid_wages).toEqual(fig('120000.00', '100000.00', '100000.00', '0.00'));
    expect(s.total).toEqual({
      claimed: '390000.00',
      awarded: '320000.00',
      received: '390000.00',
      outstanding: '0.00',
      owedToFund: '70000.00',
      heldInTrust: '0.00',
    });
  });

  it('11. a civil judgment for lost opportunities is paid in full', async () => {
    claims.civil = await file({
      route: 'civil',
      heads: [
        { head: 'lost_opportunities', amount: '50000.00' },
        { head: 'legal_fees', amount: '8000.00' },
      ],
    });
    await move(claims.civil, 'hearing', '2025-03-01');
    await move(
      claims.civil,
      'judgment',
      '2025-05-01',
      award({ lost_opportunities: '25000.00', legal_fees: '8000.00' }),
    );
    await move(claims.civil, 'enforcement', '2025-06-01');
    await pay(claims.civil, 'lost_opportunities', '25000.00', '2025-07-01', 'perpetrator');
    await pay(claims.civil, 'legal_fees', '8000.00', '2025-07-01', 'perpetrator');
    await paidBySystem(claims.civil);
    const s = await summary();
    // claimed 390,000 + 58,000; awarded 320,000 + 33,000; received 390,000 + 33,000
    expect(s.total).toEqual({
      claimed: '448000.00',
      awarded: '353000.00',
      received: '423000.00',
      outstanding: '0.00',
      owedToFund: '70000.00',
      heldInTrust: '0.00',
    });
    expect(
      s.body.byRoute.map((r: any) => [r.route, r.claimed, r.awarded, r.received, r.outstanding]),
    ).toEqual([
      // labour: 150,000 / 130,000 / 60,000 + 40,000 + 30,000
      ['labour', '150000.00', '130000.00', '130000.00', '0.00'],
      // criminal: 360,000 / 150,000 + 40,000 + 0 / 10,000 + 120,000 + 30,000 + 30,000
      ['criminal', '360000.00', '190000.00', '190000.00', '0.00'],
      ['state_fund', '140000.00', '130000.00', '130000.00', '0.00'],
      ['civil', '58000.00', '33000.00', '33000.00', '0.00'],
    ]);
  });
});

describe('subrogation policy per fund', () => {
  it('gives the fund what the perpetrator pays first under fund_first, the victim first under victim_first', async () => {
    const agencyFund = await aFundWithMoney(t, fundAdmin);
    const v = (
      await request(t.app)
        .post('/v1/victims')
        .set('Authorization', worker.authHeader)
        .send(victimBody({ identityDocuments: [] }))
        .expect(201)
    ).body.id;
    const fileFor = async (body: Record<string, unknown>) =>
      (
        await request(t.app)
          .post('/v1/claims')
          .set('Authorization', worker.authHeader)
          .send({ victimId: v, jurisdiction: 'TH', currency: 'THB', filedOn: '2025-01-15', ...body })
          .expect(201)
      ).body.id as string;
    const sf = await fileFor({
      route: 'state_fund',
      fundId: agencyFund,
      heads: [{ head: 'medical_expenses', amount: '20000.00' }],
    });
    const civil = await fileFor({
      route: 'civil',
      heads: [{ head: 'medical_expenses', amount: '30000.00' }],
    });
    await move(sf, 'eligibility_review', '2025-02-01', {}, fundAdmin);
    await move(sf, 'decided', '2025-02-10', award({ medical_expenses: '20000.00' }), fundAdmin);
    await pay(sf, 'medical_expenses', '20000.00', '2025-02-15', 'fund', 'victim', fundAdmin);
    await move(civil, 'hearing', '2025-03-01');
    await move(civil, 'judgment', '2025-04-01', award({ medical_expenses: '30000.00' }));
    await pay(civil, 'medical_expenses', '15000.00', '2025-05-01', 'perpetrator');

    const medical = async () =>
      (
        await request(t.app)
          .get(`/v1/victims/${v}/compensation`)
          .set('Authorization', worker.authHeader)
          .expect(200)
      ).body.byHead[0];
    await request(t.app)
      .put(`/v1/funds/${agencyFund}/subrogation-policy`)
      .set('Authorization', fundAdmin.authHeader)
      .send({ policy: 'fund_first' })
      .expect(200);
    // fund first: due min(20,000 paid, 15,000 later) = 15,000; loss 30,000 − (35,000 − 15,000) = 10,000 outstanding
    expect(await medical()).toMatchObject({
      awarded: '30000.00',
      received: '35000.00',
      owedToFund: '15000.00',
      outstanding: '10000.00',
      subrogation: {
        policy: 'fund_first',
        fundPaid: '20000.00',
        laterPaidByPerpetrator: '15000.00',
        dueToFund: '15000.00',
      },
    });
    await request(t.app)
      .put(`/v1/funds/${agencyFund}/subrogation-policy`)
      .set('Authorization', fundAdmin.authHeader)
      .send({ policy: 'victim_first' })
      .expect(200);
    // victim first: due min(20,000, 15,000, 20,000 + 15,000 − 30,000) = 5,000; the victim is whole
    expect(await medical()).toMatchObject({
      received: '35000.00',
      owedToFund: '5000.00',
      outstanding: '0.00',
      subrogation: { policy: 'victim_first', dueToFund: '5000.00' },
    });
    // the policy is the fund agency's to set
    await request(t.app)
      .put(`/v1/funds/${agencyFund}/subrogation-policy`)
      .set('Authorization', worker.authHeader)
      .send({ policy: 'fund_first' })
      .expect(403);
  });
});
