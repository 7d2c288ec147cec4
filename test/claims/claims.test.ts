import request from 'supertest';
import { todayUtc } from '../../src/lib/dates';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { snapshot } from './support';
import { aFundWithMoney, aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';

let t: TestApp;
let office: string;
let worker: TestUser;
let outsider: TestUser;
let auditor: TestUser;
let fundAdmin: TestUser;
let otherFundAdmin: TestUser;
let fundId: string;
let victimId: string;

beforeAll(async () => {
  t = await createTestApp();
  office = (await anOffice(t, 'legal_aid', { direct: true })).id;
  worker = await aUser(t, { role: 'legal_aid', office, direct: true });
  outsider = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'legal_aid', { direct: true }),
    direct: true,
  });
  auditor = await aUser(t, { role: 'auditor', direct: true });
  fundAdmin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { direct: true }),
    direct: true,
  });
  otherFundAdmin = await aUser(t, {
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

const civilBody = (over: Record<string, unknown> = {}) => ({
  victimId,
  route: 'civil',
  jurisdiction: 'TH',
  forum: 'Bangkok South Civil Court',
  caseNumber: 'Por.1234/2568',
  respondent: 'Golden Net Co.',
  currency: 'THB',
  heads: [
    { head: 'lost_opportunities', amount: '80000.50' },
    { head: 'other', amount: '1500.00', description: 'Travel to hearings' },
  ],
  filedOn: '2025-06-01',
  causeOfActionOn: '2025-03-10',
  ...over,
});

let keys = 0;
/** Money-moving posts (payments received) carry a fresh Idempotency-Key, as the contract requires. */
const post = (path: string, by: TestUser, body: unknown) => {
  const req = request(t.app).post(path).set('Authorization', by.authHeader);
  if (path.includes('/payments-received')) req.set('Idempotency-Key', `claims-test-${++keys}`);
  return req.send(body as object);
};

describe('filing a claim', () => {
  it('answers 201 with heads, totals, allowed moves, history and deadlines', async () => {
    const res = await post('/v1/claims', worker, civilBody()).expect(201);
    expect(res.body).toMatchObject({
      reference: expect.stringMatching(/^C-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/),
      victimId,
      route: 'civil',
      status: 'filed',
      currency: 'THB',
      caseNumber: 'Por.1234/2568',
      heads: [
        {
          head: 'lost_opportunities',
          claimed: '80000.50',
          awarded: '0.00',
          received: '0.00',
          outstanding: '0.00',
        },
        {
          head: 'other',
          description: 'Travel to hearings',
          claimed: '1500.00',
          awarded: '0.00',
          received: '0.00',
        },
      ],
      totals: { claimed: '81500.50', awarded: '0.00', received: '0.00', outstanding: '0.00' },
      allowedTransitions: ['hearing', 'settlement', 'withdrawn'],
      history: [{ from: null, to: 'filed', occurredOn: '2025-06-01', by: worker.id, note: null }],
      // Thailand, civil: one year from 2025-03-10, met by filing on 2025-06-01
      deadlines: [
        {
          kind: 'limitation',
          dueOn: '2026-03-10',
          metOn: '2025-06-01',
          status: 'met',
          basis: expect.any(String),
        },
      ],
      warnings: [],
    });
    const got = await request(t.app)
      .get(`/v1/claims/${res.body.id}`)
      .set('Authorization', worker.authHeader)
      .expect(200);
    expect(got.body).toMatchObject({
      id: res.body.id,
      history: res.body.history,
      deadlines: res.body.deadlines,
    });
  });

  it('warns when a claim is filed after its limitation period', async () => {
    const res = await post('/v1/claims', worker, civilBody({ causeOfActionOn: '2024-03-10' })).expect(201);
    expect(res.body.deadlines[0]).toMatchObject({ kind: 'limitation', dueOn: '2025-03-10', status: 'late' });
    expect(res.body.warnings).toEqual([
      { code: 'filed_after_limitation', message: expect.stringContaining('2025-03-10') },
    ]);
  });

  it('starts a child’s clock at majority, and recomputes it when the birth date is corrected', async () => {
    const child = (
      await post(
        '/v1/victims',
        worker,
        victimBody({ dateOfBirth: '2010-04-01', identityDocuments: [] }),
      ).expect(201)
    ).body;
    const claim = await post(
      '/v1/claims',
      worker,
      civilBody({ victimId: child.id, jurisdiction: 'MY', currency: 'MYR', causeOfActionOn: '2024-06-30' }),
    ).expect(201);
    // Malaysia: 6 years from majority at 18 (2028-04-01)
    expect(claim.body.deadlines[0]).toMatchObject({ kind: 'limitation', dueOn: '2034-04-01' });
    await request(t.app)
      .patch(`/v1/victims/${child.id}`)
      .set('Authorization', worker.authHeader)
      .send({ dateOfBirth: '2005-01-01' })
      .expect(200);
    const after = await request(t.app)
      .get(`/v1/claims/${claim.body.id}`)
      .set('Authorization', worker.authHeader)
      .expect(200);
    expect(after.body.deadlines[0]).toMatchObject({ kind: 'limitation', dueOn: '2030-06-30' }); // adult: 6 years from the cause
  });

  it('makes the victim a witness while a criminal claim is in proceedings, and stops when it is withdrawn', async () => {
    const v = (await post('/v1/victims', worker, victimBody({ identityDocuments: [] })).expect(201)).body.id;
    const c = await post(
      '/v1/claims',
      worker,
      civilBody({ victimId: v, route: 'criminal', mode: 'joined_civil_claim' }),
    ).expect(201);
    expect(c.body.mode).toBe('joined_civil_claim');
    const w = async () =>
      (await request(t.app).get(`/v1/victims/${v}`).set('Authorization', worker.authHeader)).body.witness;
    expect(await w()).toEqual({ isWitness: true, setBy: 'automatic' });
    await post(`/v1/claims/${c.body.id}/transitions`, worker, {
      to: 'withdrawn',
      note: 'The victim decided',
    }).expect(200);
    expect(await w()).toEqual({ isWitness: false, setBy: 'automatic' });
  });

  it('refuses a State-fund claim for a victim who did not consent to sharing with the fund agency', async () => {
    const v = (
      await post(
        '/v1/victims',
        worker,
        victimBody({ consent: { shareWithFundAgency: false, contactByEmail: false }, identityDocuments: [] }),
      ).expect(201)
    ).body.id;
    const before = await snapshot(t);
    const res = await post('/v1/claims', worker, {
      victimId: v,
      route: 'state_fund',
      fundId,
      jurisdiction: 'TH',
      currency: 'THB',
      heads: [{ head: 'medical_expenses', amount: '10.00' }],
    }).expect(409);
    expect(res.body.detail).toMatch(/consent/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('leaves filing to legal aid: a fund administrator may not file, and a victim outside their reach is 404', async () => {
    // no State-fund claim of this victim with the fund's agency yet: the victim is out of reach
    await post('/v1/claims', fundAdmin, civilBody({ route: 'state_fund', fundId })).expect(404);
  });
});

describe('need-to-know on claims', () => {
  let civilId: string;
  let fundClaimId: string;
  beforeAll(async () => {
    civilId = (await post('/v1/claims', worker, civilBody()).expect(201)).body.id;
    fundClaimId = (
      await post('/v1/claims', worker, {
        victimId,
        route: 'state_fund',
        fundId,
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: 'medical_expenses', amount: '900.00' }],
      }).expect(201)
    ).body.id;
    await post(`/v1/claims/${civilId}/transitions`, worker, {
      to: 'hearing',
      note: 'Hearing set; victim Somchai Kaewkla present',
    }).expect(200);
  });

  it('keeps a State-fund claim tied to a real fund in the database itself, whatever writes the row', async () => {
    await expect(
      t.ctx.db
        .updateTable('claims')
        .set({ fund_id: '00000000-0000-4000-8000-000000000000' })
        .where('id', '=', fundClaimId)
        .execute(),
    ).rejects.toThrow(/claims_fund_fk/);
    await expect(
      t.ctx.db
        .insertInto('fund_subrogation_policies')
        .values({
          fund_id: '00000000-0000-4000-8000-000000000000',
          policy: 'victim_first',
          updated_by: worker.id,
        })
        .execute(),
    ).rejects.toThrow(/fund_subrogation_policies_fund_fk/);
    const row = await t.ctx.db
      .selectFrom('claims')
      .select('fund_id')
      .where('id', '=', fundClaimId)
      .executeTakeFirst();
    expect(row?.fund_id).toBe(fundId);
  });

  it('answers 404 to a legal aid worker of another organization for the claim and its actions, and lists nothing', async () => {
    await request(t.app).get(`/v1/claims/${civilId}`).set('Authorization', outsider.authHeader).expect(404);
    await post(`/v1/claims/${civilId}/transitions`, outsider, { to: 'settlement' }).expect(404);
    await post(`/v1/claims/${civilId}/payments-received`, outsider, {
      head: 'other',
      amount: '1.00',
      receivedOn: '2025-06-02',
      payer: 'perpetrator',
      paidTo: 'victim',
    }).expect(404);
    const list = await request(t.app).get('/v1/claims').set('Authorization', outsider.authHeader).expect(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    await post('/v1/claims', outsider, civilBody()).expect(404); // the victim, too, is out of reach
  });

  it('shows a fund administrator only State-fund claims of their own fund', async () => {
    await request(t.app).get(`/v1/claims/${civilId}`).set('Authorization', fundAdmin.authHeader).expect(404);
    await request(t.app)
      .get(`/v1/claims/${fundClaimId}`)
      .set('Authorization', fundAdmin.authHeader)
      .expect(200);
    await request(t.app)
      .get(`/v1/claims/${fundClaimId}`)
      .set('Authorization', otherFundAdmin.authHeader)
      .expect(404);
    const list = await request(t.app)
      .get('/v1/claims')
      .set('Authorization', fundAdmin.authHeader)
      .expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([fundClaimId]);
    expect(
      (await request(t.app).get('/v1/claims').set('Authorization', otherFundAdmin.authHeader)).body.items,
    ).toEqual([]);
  });

  it('gives auditors claims without case numbers, notes or any identifying field of the victim', async () => {
    const one = await request(t.app)
      .get(`/v1/claims/${civilId}`)
      .set('Authorization', auditor.authHeader)
      .expect(200);
    const list = await request(t.app)
      .get('/v1/claims?limit=500')
      .set('Authorization', auditor.authHeader)
      .expect(200);
    expect(one.body.caseNumber).toBeUndefined();
    expect(one.body.history[1]).toEqual(expect.not.objectContaining({ note: expect.anything() }));
    for (const text of [JSON.stringify(one.body), JSON.stringify(list.body)]) {
      for (const secret of [
        'Somchai',
        'Kaewkla',
        '1994-03-17',
        '234 5678',
        'kaew.s@',
        'MA 1234567',
        'Por.1234',
      ])
        expect([secret, text.includes(secret)]).toEqual([secret, false]);
    }
    await request(t.app)
      .get(`/v1/victims/${victimId}/compensation`)
      .set('Authorization', auditor.authHeader)
      .expect(403);
  });
});

describe('bad input on filing', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown route', { route: 'arbitration' }, 'route'],
    ['a criminal claim without mode', { route: 'criminal' }, 'mode'],
    ['a mode on a civil claim', { mode: 'compensation_order' }, 'mode'],
    ['a fundId on a civil claim', { fundId: '00000000-0000-4000-8000-000000000000' }, 'fundId'],
    ['a State-fund claim without fund', { route: 'state_fund' }, 'fundId'],
    ['an unknown fund', { route: 'state_fund', fundId: '00000000-0000-4000-8000-000000000000' }, 'fundId'],
    [
      'a currency the fund does not hold',
      { route: 'state_fund', fundId: 'FUND', currency: 'USD' },
      'currency',
    ],
    ['an unknown head', { heads: [{ head: 'gambling_losses', amount: '1.00' }] }, 'heads[0].head'],
    [
      'the same head twice',
      {
        heads: [
          { head: 'legal_fees', amount: '1.00' },
          { head: 'legal_fees', amount: '2.00' },
        ],
      },
      'heads[1]',
    ],
    ['other without a description', { heads: [{ head: 'other', amount: '1.00' }] }, 'heads[0].description'],
    ['an amount as a JSON number', { heads: [{ head: 'legal_fees', amount: 100 }] }, 'heads[0].amount'],
    [
      'more decimals than the currency has',
      { heads: [{ head: 'legal_fees', amount: '1.005' }] },
      'heads[0].amount',
    ],
    [
      'decimals on a currency without minor unit',
      { currency: 'JPY', heads: [{ head: 'legal_fees', amount: '100.5' }] },
      'heads[0].amount',
    ],
    ['a zero amount', { heads: [{ head: 'legal_fees', amount: '0.00' }] }, 'heads[0].amount'],
    ['no heads', { heads: [] }, 'heads'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ['an unknown jurisdiction', { jurisdiction: 'ZZ' }, 'jurisdiction'],
    ['a filing date in the future', { filedOn: '2999-01-01' }, 'filedOn'],
    ['a cause of action after filing', { causeOfActionOn: '2025-07-01' }, 'causeOfActionOn'],
    ['an assignee outside the organization', { assigneeId: 'OUTSIDER' }, 'assigneeId'],
    ['an unknown field', { priority: 'high' }, 'priority'],
  ];

  it.each(cases)('refuses %s with 400, writing nothing', async (_name, over, path) => {
    const body: Record<string, unknown> = civilBody(over);
    if (body.fundId === 'FUND') body.fundId = fundId;
    if (body.assigneeId === 'OUTSIDER') body.assigneeId = outsider.id;
    const before = await snapshot(t);
    const res = await post('/v1/claims', worker, body).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await snapshot(t)).toEqual(before);
  });

  it('answers 404 for a victim that does not exist', async () => {
    await post('/v1/claims', worker, civilBody({ victimId: '00000000-0000-4000-8000-000000000000' })).expect(
      404,
    );
  });
});

describe('payments received', () => {
  let claimId: string;
  let unawarded: string;
  beforeAll(async () => {
    // A victim of their own: money paid "into the fund" needs a State-fund claim, and this one has none.
    const v = (await post('/v1/victims', worker, victimBody({ identityDocuments: [] })).expect(201)).body.id;
    claimId = (await post('/v1/claims', worker, civilBody({ victimId: v })).expect(201)).body.id;
    await post(`/v1/claims/${claimId}/transitions`, worker, {
      to: 'hearing',
      occurredOn: '2025-06-10',
    }).expect(200);
    await post(`/v1/claims/${claimId}/transitions`, worker, {
      to: 'judgment',
      occurredOn: '2025-07-01',
      award: { heads: [{ head: 'lost_opportunities', amount: '50000.00' }] },
    }).expect(200);
    unawarded = (await post('/v1/claims', worker, civilBody()).expect(201)).body.id;
  });

  const good = {
    head: 'lost_opportunities',
    amount: '20000.00',
    receivedOn: '2025-07-10',
    payer: 'perpetrator',
    paidTo: 'victim',
  };

  it('records a payment per head and updates the claim', async () => {
    const res = await post(`/v1/claims/${claimId}/payments-received`, worker, good).expect(201);
    expect(res.body).toMatchObject({
      head: 'lost_opportunities',
      amount: '20000.00',
      currency: 'THB',
      payer: 'perpetrator',
      paidTo: 'victim',
    });
    expect(res.body.claim.heads[0]).toMatchObject({
      awarded: '50000.00',
      received: '20000.00',
      outstanding: '30000.00',
    });
    expect(res.body.claim.totals).toMatchObject({
      awarded: '50000.00',
      received: '20000.00',
      outstanding: '30000.00',
    });
  });

  it('replays a payment sent twice with the same Idempotency-Key instead of recording it twice', async () => {
    const body = { ...good, amount: '1000.00', note: 'instalment 2' };
    const send = (key: string, b: object) =>
      request(t.app)
        .post(`/v1/claims/${claimId}/payments-received`)
        .set('Authorization', worker.authHeader)
        .set('Idempotency-Key', key)
        .send(b);
    const first = await send('pay-instalment-2', body).expect(201);
    const before = await snapshot(t);
    const again = await send('pay-instalment-2', body).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    await send('pay-instalment-2', { ...body, amount: '2000.00' }).expect(409);
    expect(await snapshot(t)).toEqual(before);
    expect(first.body.claim.heads[0].received).toBe('21000.00');
  });

  const cases: Array<[string, Record<string, unknown>, number, string | null]> = [
    ['a head that was not claimed', { head: 'legal_fees' }, 400, 'head'],
    ['an unknown head', { head: 'bribes' }, 400, 'head'],
    ['another currency', { currency: 'USD' }, 400, 'currency'],
    ['more decimals than THB has', { amount: '1.001' }, 400, 'amount'],
    ['a JSON number', { amount: 10 }, 400, 'amount'],
    ['a negative amount', { amount: '-10.00' }, 400, 'amount'],
    ['a date in the future', { receivedOn: '2999-01-01' }, 400, 'receivedOn'],
    ['a date before filing', { receivedOn: '2025-01-01' }, 400, 'receivedOn'],
    ['the fund paying on a civil claim', { payer: 'fund' }, 400, 'payer'],
    ['an unknown payer', { payer: 'uncle' }, 400, 'payer'],
    ['an unknown recipient', { paidTo: 'lawyer' }, 400, 'paidTo'],
    ['more than the award outstanding', { amount: '30000.01' }, 409, null],
    ['money into a fund the victim has no claim with', { paidTo: 'fund' }, 409, null],
  ];

  it.each(cases)('refuses %s, writing nothing', async (_name, over, status, path) => {
    const before = await snapshot(t);
    const res = await post(`/v1/claims/${claimId}/payments-received`, worker, { ...good, ...over }).expect(
      status,
    );
    if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses money beyond the amount claimed before an award, and any money on a withdrawn claim', async () => {
    const before = await snapshot(t);
    const res = await post(`/v1/claims/${unawarded}/payments-received`, worker, {
      ...good,
      amount: '80000.51',
      receivedOn: todayUtc(),
    }).expect(409);
    expect(res.body.type).toBe('https://redress.example/problems/exceeds-award');
    expect(res.body.detail).toMatch(/up to the amount claimed/);
    expect(await snapshot(t)).toEqual(before);
    await post(`/v1/claims/${unawarded}/transitions`, worker, {
      to: 'withdrawn',
      note: 'victim moved on',
    }).expect(200);
    const mid = await snapshot(t);
    await post(`/v1/claims/${unawarded}/payments-received`, worker, {
      ...good,
      receivedOn: todayUtc(),
    }).expect(409);
    expect(await snapshot(t)).toEqual(mid);
  });

  it('refuses anything but a fund payment to the victim on a State-fund claim', async () => {
    const sf = (
      await post('/v1/claims', worker, {
        victimId,
        route: 'state_fund',
        fundId,
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: 'medical_expenses', amount: '900.00' }],
      }).expect(201)
    ).body.id;
    const before = await snapshot(t);
    await post(`/v1/claims/${sf}/payments-received`, fundAdmin, {
      head: 'medical_expenses',
      amount: '1.00',
      receivedOn: todayUtc(),
      payer: 'perpetrator',
      paidTo: 'victim',
    }).expect(400);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('bad input on the other claim endpoints', () => {
  it('refuses bad list queries and ids with 400', async () => {
    for (const q of [
      'limit=0',
      'limit=501',
      'status=lost',
      'route=tax',
      'cursor=bm9wZQ',
      'deadlineWithinDays=-1',
      'sort=asc',
      'victimId=12',
    ])
      expect([
        q,
        (await request(t.app).get(`/v1/claims?${q}`).set('Authorization', worker.authHeader)).status,
      ]).toEqual([q, 400]);
    await request(t.app).get('/v1/claims/123').set('Authorization', worker.authHeader).expect(400);
    await request(t.app).get('/v1/claims').expect(401);
  });

  it('refuses bad subrogation policies, and funds out of reach', async () => {
    const before = await snapshot(t);
    await request(t.app)
      .put(`/v1/funds/${fundId}/subrogation-policy`)
      .set('Authorization', fundAdmin.authHeader)
      .send({ policy: 'whoever' })
      .expect(400);
    await request(t.app)
      .put(`/v1/funds/${fundId}/subrogation-policy`)
      .set('Authorization', otherFundAdmin.authHeader)
      .send({ policy: 'fund_first' })
      .expect(404);
    expect(await snapshot(t)).toEqual(before);
    expect(
      (
        await request(t.app)
          .get(`/v1/funds/${fundId}/subrogation-policy`)
          .set('Authorization', fundAdmin.authHeader)
          .expect(200)
      ).body,
    ).toEqual({ fundId, policy: 'victim_first' });
  });
});

describe('the wage calculator over HTTP', () => {
  const body = {
    jurisdiction: 'TH',
    currency: 'THB',
    calculateOn: '2024-12-31',
    wage: { amount: '400.00', per: 'day' },
    periods: [
      { from: '2024-01-01', to: '2024-01-31', daysWorked: 26, overtimeHours: 10 },
      { from: '2024-02-01', to: '2024-02-29', daysWorked: 25 },
    ],
    payments: [{ paidOn: '2024-02-15', amount: '5000.00' }],
    deductions: [{ kind: 'document_fee', amount: '3000.00', paidOn: '2023-12-01' }],
  };

  it('answers the hand-worked Thai example and stores nothing', async () => {
    const before = await snapshot(t);
    const res = await post('/v1/claims/calculate-wages', worker, body).expect(200);
    // see test/unit/wages.test.ts for the arithmetic
    expect(res.body.totals).toMatchObject({
      unpaidWages: '16150.00',
      wageInterest: '2129.20',
      deductionInterest: '486.99',
      total: '21766.19',
    });
    expect(await snapshot(t)).toEqual(before);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['a wage as a JSON number', { wage: { amount: 400, per: 'day' } }, 'wage.amount'],
    ['a wage with too many decimals', { wage: { amount: '400.001', per: 'day' } }, 'wage.amount'],
    ['an unknown wage basis', { wage: { amount: '400.00', per: 'fortnight' } }, 'wage.per'],
    ['no periods', { periods: [] }, 'periods'],
    [
      'a period ending before it starts',
      { periods: [{ from: '2024-02-01', to: '2024-01-01', daysWorked: 1 }] },
      'periods[0].to',
    ],
    [
      'a day wage without days worked',
      { periods: [{ from: '2024-01-01', to: '2024-01-31' }] },
      'periods[0].daysWorked',
    ],
    [
      'a payment after the calculation date',
      { payments: [{ paidOn: '2025-01-01', amount: '1.00' }] },
      'payments[0].paidOn',
    ],
    [
      'an unknown deduction',
      { deductions: [{ kind: 'tips', amount: '1.00', paidOn: '2024-01-01' }] },
      'deductions[0].kind',
    ],
    ['an unknown currency', { currency: 'ABC' }, 'currency'],
    ['an unknown jurisdiction', { jurisdiction: 'QQ' }, 'jurisdiction'],
    ['a future calculation date', { calculateOn: '2999-01-01' }, 'calculateOn'],
  ];
  it.each(bad)('refuses %s with 400', async (_name, over, path) => {
    const res = await post('/v1/claims/calculate-wages', worker, { ...body, ...over }).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('the published contract', () => {
  it('documents every victims and claims endpoint in /openapi.json', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    const paths = Object.keys(res.body.paths as object);
    for (const p of [
      '/v1/victims',
      '/v1/victims/{id}',
      '/v1/victims/{id}/compensation',
      '/v1/claims',
      '/v1/claims/{id}',
      '/v1/claims/{id}/transitions',
      '/v1/claims/{id}/payments-received',
      '/v1/claims/calculate-wages',
      '/v1/funds/{id}/subrogation-policy',
    ])
      expect(paths).toContain(p);
    expect(res.body.paths['/v1/victims/{id}'].patch).toBeDefined();
  });
});
