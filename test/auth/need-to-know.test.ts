import request from 'supertest';
import { anOffice, aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  get,
  key,
  makeWorld,
  newVictim,
  post,
  receipt,
  requested,
  stateFundClaim,
  type World,
} from '../disbursements/support';

/**
 * Need-to-know tuned to the work, role by role: legal aid see the fund directory and their own
 * victims' witness register; a fund administrator deciding an application sees the applicant's
 * other routes as amounts only; a record out of reach is 404, a role that may never act is 403.
 */
let t: TestApp;
let w: World;
let admin: TestUser;
let otherOffice: TestUser;
let secondAgencyAdmin: TestUser;
let civilClaimId: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  admin = await aUser(t, { role: 'admin' });
  otherOffice = await aUser(t, { role: 'legal_aid' });
  civilClaimId = (
    await request(t.app)
      .post('/v1/claims')
      .set('Authorization', w.worker.authHeader)
      .send({
        victimId: w.victimId,
        route: 'civil',
        jurisdiction: 'TH',
        forum: 'Bangkok Civil Court',
        caseNumber: 'CIV-SECRET-991',
        respondent: 'Trafficker Co Ltd',
        currency: 'THB',
        heads: [
          { head: 'unpaid_wages', amount: '12000.00' },
          { head: 'medical_expenses', amount: '3000.50' },
        ],
      })
      .expect(201)
  ).body.id;
  // a second agency whose fund also helped the victim while a witness
  const agency2 = await anOffice(t, 'fund_agency');
  secondAgencyAdmin = await aUser(t, { role: 'fund_admin', office: agency2.id });
  const checker2 = await aUser(t, { role: 'fund_admin', office: agency2.id });
  const fund2 = await request(t.app)
    .post('/v1/funds')
    .set('Authorization', secondAgencyAdmin.authHeader)
    .send({ name: 'Second fund', currency: 'THB' })
    .expect(201);
  await stateFundClaim(t, w.worker, w.victimId, fund2.body.id);
  await request(t.app)
    .patch(`/v1/victims/${w.victimId}`)
    .set('Authorization', w.worker.authHeader)
    .send({ witness: { isWitness: true } })
    .expect(200);
  await receipt(t, w, { amount: '1000.00' });
  const first = await requested(t, w, { purpose: 'return_travel', amount: '40.00', rationale: 'Bus fare' });
  await post(t, `/v1/disbursements/${first}/approve`, w.checker, {}, key()).expect(200);
  await post(t, `/v1/funds/${fund2.body.id}/receipts`, secondAgencyAdmin, {
    source: 'donation',
    amount: '500.00',
    currency: 'THB',
    receivedOn: '2025-01-02',
  }).expect(201);
  const second = await post(t, '/v1/disbursements', secondAgencyAdmin, {
    fundId: fund2.body.id,
    victimId: w.victimId,
    purpose: 'accommodation',
    amount: '60.00',
    currency: 'THB',
    rationale: 'Shelter during the trial',
    channel: 'cash',
  }).expect(201);
  await post(t, `/v1/disbursements/${second.body.id}/approve`, checker2, {}, key()).expect(200);
});
afterAll(async () => {
  await t.close();
});

describe('GET /v1/funds', () => {
  it('lets legal aid list every fund they may apply to, with name, agency and currencies but never pots or balances', async () => {
    const res = await get(t, '/v1/funds', w.worker).expect(200);
    const mine = res.body.items.find((f: { id: string }) => f.id === w.fundId);
    expect(mine).toEqual({
      id: w.fundId,
      name: 'Victim assistance fund',
      agencyName: expect.any(String),
      currency: 'THB',
      currencies: ['THB'],
    });
    expect(res.body.items).toHaveLength(2);
    expect(JSON.stringify(res.body)).not.toMatch(/pots|balance|posted|available/);
  });

  it('keeps the full view for fund administrators (their funds) and auditors, and refuses admins (403)', async () => {
    const own = await get(t, '/v1/funds', w.maker).expect(200);
    expect(own.body.items.map((f: { id: string }) => f.id)).toEqual([w.fundId]);
    expect(own.body.items[0].pots).toBeDefined();
    expect((await get(t, '/v1/funds', w.auditor).expect(200)).body.items).toHaveLength(2);
    await get(t, '/v1/funds', admin).expect(403);
  });

  it("still refuses legal aid a fund's own record and balances (403)", async () => {
    await get(t, `/v1/funds/${w.fundId}`, w.worker).expect(403);
    await get(t, `/v1/funds/${w.fundId}/balances`, w.worker).expect(403);
  });
});

describe('GET /v1/victims/:id/witness-assistance', () => {
  const path = () => `/v1/victims/${w.victimId}/witness-assistance`;

  it("lets the victim's own legal aid worker read the register, from every fund", async () => {
    const res = await get(t, path(), w.worker).expect(200);
    expect(res.body.items.map((i: { purpose: string }) => i.purpose).sort()).toEqual([
      'accommodation',
      'return_travel',
    ]);
  });

  it("shows a fund administrator only their funds' assistance", async () => {
    const res = await get(t, path(), w.maker).expect(200);
    expect(res.body.items.map((i: { purpose: string }) => i.purpose)).toEqual(['return_travel']);
    expect((await get(t, path(), secondAgencyAdmin).expect(200)).body.items).toHaveLength(1);
  });

  it('is 404 for another office and an agency without a claim of the victim, 403 for admins, 200 for auditors', async () => {
    await get(t, path(), otherOffice).expect(404);
    await get(t, path(), w.outsider).expect(404);
    await get(t, path(), admin).expect(403);
    expect((await get(t, path(), w.auditor).expect(200)).body.items).toHaveLength(2);
  });
});

describe("a State-fund claim's other routes", () => {
  it('shows the fund administrator route, stage and amounts per head of the other claims, no ids or case details', async () => {
    const res = await get(t, `/v1/claims/${w.claimId}`, w.maker).expect(200);
    const civil = res.body.otherRoutes.find((o: { route: string }) => o.route === 'civil');
    expect(civil).toEqual({
      route: 'civil',
      status: expect.any(String),
      currency: 'THB',
      heads: [
        { head: 'unpaid_wages', claimed: '12000.00', awarded: '0.00', received: '0.00' },
        { head: 'medical_expenses', claimed: '3000.50', awarded: '0.00', received: '0.00' },
      ],
    });
    // the other State-fund claim (another agency's) is there too, and this claim is not
    expect(res.body.otherRoutes).toHaveLength(2);
    const text = JSON.stringify(res.body.otherRoutes);
    for (const secret of [
      civilClaimId,
      'CIV-SECRET-991',
      'Bangkok Civil Court',
      'Trafficker Co Ltd',
      w.claimId,
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(id|reference|caseNumber|forum|respondent|victimId)"/);
  });

  it('is not added for legal aid or auditors, and the civil claim itself stays out of the fund’s reach', async () => {
    expect((await get(t, `/v1/claims/${w.claimId}`, w.worker).expect(200)).body.otherRoutes).toBeUndefined();
    expect((await get(t, `/v1/claims/${w.claimId}`, w.auditor).expect(200)).body.otherRoutes).toBeUndefined();
    await get(t, `/v1/claims/${civilClaimId}`, w.maker).expect(404);
    await get(t, `/v1/claims/${w.claimId}`, w.outsider).expect(404);
  });
});

describe('POST /v1/claims by role', () => {
  const civil = (victimId: string) => ({
    victimId,
    route: 'civil',
    jurisdiction: 'TH',
    currency: 'THB',
    heads: [{ head: 'legal_fees', amount: '100.00' }],
  });
  const file = (who: TestUser, victimId: string) =>
    request(t.app).post('/v1/claims').set('Authorization', who.authHeader).send(civil(victimId));

  it('gives a fund administrator 404 for a victim outside their reach, and 403 for one within it', async () => {
    const unrelated = await newVictim(t, w.worker);
    const before = (await t.ctx.db.selectFrom('claims').select('id').execute()).length;
    const res = await file(w.maker, unrelated.id).expect(404);
    expect(res.body.type).toBe('https://redress.example/problems/not-found');
    await file(w.maker, '00000000-0000-4000-8000-000000000000').expect(404);
    await file(w.outsider, w.victimId).expect(404);
    await file(w.maker, w.victimId).expect(403);
    expect((await t.ctx.db.selectFrom('claims').select('id').execute()).length).toBe(before);
  });

  it('lets the own office file (201), another office gets 404, auditors and admins 403', async () => {
    await file(w.worker, w.victimId).expect(201);
    await file(otherOffice, w.victimId).expect(404);
    await file(w.auditor, w.victimId).expect(403);
    await file(admin, w.victimId).expect(403);
  });
});
