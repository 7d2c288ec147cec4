import request from 'supertest';
import { addDays, todayUtc } from '../../src/lib/dates';
import { aUser, anOffice, aFundWithMoney, victimBody, type TestUser } from '../helpers/factories';
import { snapshot } from '../claims/support';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let worker: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let auditor: TestUser;
let admin: TestUser;
let fundAdmin: TestUser;
let victimId: string;
const claims: Record<string, string> = {};

async function file(name: string, body: Record<string, unknown>) {
  const res = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({
      victimId,
      jurisdiction: 'PH',
      currency: 'PHP',
      heads: [{ head: 'unpaid_wages', amount: '100.00' }],
      ...body,
    })
    .expect(201);
  claims[name] = res.body.id;
}

beforeAll(async () => {
  t = await createTestApp();
  const office = await anOffice(t, 'legal_aid', { direct: true });
  worker = await aUser(t, { role: 'legal_aid', office, direct: true });
  colleague = await aUser(t, { role: 'legal_aid', office, direct: true });
  outsider = await aUser(t, { role: 'legal_aid', direct: true });
  auditor = await aUser(t, { role: 'auditor', direct: true });
  admin = await aUser(t, { role: 'admin', direct: true });
  fundAdmin = await aUser(t, { role: 'fund_admin', direct: true });
  victimId = (
    await request(t.app)
      .post('/v1/victims')
      .set('Authorization', worker.authHeader)
      .send(victimBody({ fullName: 'Maria Caseload', identityDocuments: [] }))
      .expect(201)
  ).body.id;
  // PH labour: decided within 90 days of filing
  await file('later', { route: 'labour' }); // due in 90 days
  await file('overdue', { route: 'labour', filedOn: addDays(todayUtc(), -95) });
  await file('soon', { route: 'labour', filedOn: addDays(todayUtc(), -85) }); // due in 5 days
  const fundId = await aFundWithMoney(t, fundAdmin, { currency: 'PHP' });
  await file('fund', { route: 'state_fund', fundId });
});
afterAll(async () => {
  await t.close();
});

describe('GET /v1/me/caseload', () => {
  it('lists my victims and my open claims, overdue first, then by the nearest date, and what waits on me', async () => {
    const res = await request(t.app)
      .get('/v1/me/caseload')
      .set('Authorization', worker.authHeader)
      .expect(200);
    expect(res.body.victims).toEqual([
      { id: victimId, reference: expect.any(String), fullName: 'Maria Caseload', openClaims: 4 },
    ]);
    const order = res.body.claims.map((c: { id: string }) => c.id);
    expect(order.slice(0, 2)).toEqual([claims.overdue, claims.soon]);
    expect(order).toContain(claims.later);
    expect(res.body.claims[0]).toMatchObject({ overdue: true, nextDeadline: { kind: 'decision' } });
    expect(res.body.claims[1]).toMatchObject({
      overdue: false,
      nextDeadline: { dueOn: addDays(todayUtc(), 5) },
    });
    const waiting = res.body.waitingOnMe.map((w: { claimId: string }) => w.claimId);
    expect(waiting).toEqual(expect.arrayContaining([claims.overdue, claims.soon]));
    expect(waiting).not.toContain(claims.later);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'caseload.read', details: { victimIds: [victimId], claims: 4 } });
  });

  it('shows the next hearing from the hearing records: a rescheduled date, never a cancelled one', async () => {
    const nextOf = async () =>
      (
        await request(t.app).get('/v1/me/caseload').set('Authorization', worker.authHeader).expect(200)
      ).body.claims.find((c: { id: string }) => c.id === claims.later).nextHearingOn;
    expect(await nextOf()).toBeNull();
    const hearing = await request(t.app)
      .post(`/v1/claims/${claims.later}/hearings`)
      .set('Authorization', worker.authHeader)
      .send({ kind: 'hearing', date: addDays(todayUtc(), 20), forum: 'Labour court, Manila' })
      .expect(201);
    expect(await nextOf()).toBe(addDays(todayUtc(), 20));
    await request(t.app)
      .post(`/v1/hearings/${hearing.body.id}/reschedule`)
      .set('Authorization', worker.authHeader)
      .send({ date: addDays(todayUtc(), 40), reason: 'Court calendar changed' })
      .expect(200);
    expect(await nextOf()).toBe(addDays(todayUtc(), 40));
    await request(t.app)
      .post(`/v1/hearings/${hearing.body.id}/cancel`)
      .set('Authorization', worker.authHeader)
      .send({ reason: 'Settled out of court' })
      .expect(200);
    expect(await nextOf()).toBeNull();
  });

  it("shows nothing of anyone else's caseload, and is no auditor's", async () => {
    const res = await request(t.app)
      .get('/v1/me/caseload')
      .set('Authorization', outsider.authHeader)
      .expect(200);
    expect(res.body).toEqual({ victims: [], claims: [], waitingOnMe: [] });
    await request(t.app).get('/v1/me/caseload').set('Authorization', auditor.authHeader).expect(403);
  });
});

describe('GET /v1/me/approvals', () => {
  it('counts applications by stage and lists decisions due, for my funds only', async () => {
    const res = await request(t.app)
      .get('/v1/me/approvals')
      .set('Authorization', fundAdmin.authHeader)
      .expect(200);
    expect(res.body.applicationsByStage).toEqual({ submitted: 1 });
    expect(res.body.decisionsDue).toEqual([
      expect.objectContaining({ claimId: claims.fund, status: 'submitted' }),
    ]);
    expect(res.body.approvalsWaiting).toEqual([]);
    const other = await aUser(t, { role: 'fund_admin', direct: true });
    const none = await request(t.app)
      .get('/v1/me/approvals')
      .set('Authorization', other.authHeader)
      .expect(200);
    expect(none.body).toEqual({ applicationsByStage: {}, decisionsDue: [], approvalsWaiting: [] });
    await request(t.app).get('/v1/me/approvals').set('Authorization', worker.authHeader).expect(403);
  });
});

describe('POST /v1/admin/reassignments', () => {
  const reassign = (by: TestUser, body: object) =>
    request(t.app).post('/v1/admin/reassignments').set('Authorization', by.authHeader).send(body);

  it('refuses bad input, another office, and anyone but an admin, changing nothing', async () => {
    const before = await snapshot(t);
    for (const [by, body, status] of [
      [admin, { fromUserId: worker.id, toUserId: worker.id, reason: 'x' }, 400],
      [admin, { fromUserId: worker.id, toUserId: colleague.id }, 400],
      [admin, { fromUserId: worker.id, toUserId: outsider.id, reason: 'leaving' }, 400],
      [colleague, { fromUserId: worker.id, toUserId: colleague.id, reason: 'leaving' }, 403],
    ] as const) {
      const res = await reassign(by, body);
      expect([body, res.status]).toEqual([body, status]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const after = await snapshot(t);
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
  });

  it("moves a departing worker's victims and claims to a colleague, once", async () => {
    const body = { fromUserId: worker.id, toUserId: colleague.id, reason: 'Worker left the office' };
    expect((await reassign(admin, body).expect(200)).body).toEqual({ victimsMoved: 1, claimsMoved: 4 });
    expect((await reassign(admin, body).expect(200)).body).toEqual({ victimsMoved: 0, claimsMoved: 0 });
    const mine = await request(t.app)
      .get('/v1/me/caseload')
      .set('Authorization', colleague.authHeader)
      .expect(200);
    expect(mine.body.victims.map((v: { id: string }) => v.id)).toEqual([victimId]);
    expect(mine.body.claims).toHaveLength(4);
    const claim = await request(t.app)
      .get(`/v1/claims/${claims.soon}`)
      .set('Authorization', colleague.authHeader)
      .expect(200);
    expect(claim.body.changes).toEqual([
      expect.objectContaining({
        field: 'assigneeId',
        from: worker.id,
        to: colleague.id,
        reason: body.reason,
        by: admin.id,
      }),
    ]);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'caseload.reassign')
      .execute();
    expect(events).toHaveLength(2);
  });
});
