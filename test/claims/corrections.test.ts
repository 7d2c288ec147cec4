import { sql } from 'kysely';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';
import { snapshot } from './support';

let t: TestApp;
let worker: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let auditor: TestUser;
let fundAdmin: TestUser;
let claimId: string;

beforeAll(async () => {
  t = await createTestApp();
  const office = await anOffice(t, 'legal_aid', { direct: true });
  worker = await aUser(t, { role: 'legal_aid', office, direct: true });
  colleague = await aUser(t, { role: 'legal_aid', office, direct: true });
  outsider = await aUser(t, { role: 'legal_aid', direct: true });
  auditor = await aUser(t, { role: 'auditor', direct: true });
  fundAdmin = await aUser(t, { role: 'fund_admin', direct: true });
  const victim = await request(t.app)
    .post('/v1/victims')
    .set('Authorization', worker.authHeader)
    .send(victimBody({ identityDocuments: [] }))
    .expect(201);
  const claim = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({
      victimId: victim.body.id,
      route: 'labour',
      jurisdiction: 'TH',
      currency: 'THB',
      forum: 'Central Labour Court',
      caseNumber: 'LC 118/2025',
      heads: [{ head: 'unpaid_wages', amount: '100.00' }],
    })
    .expect(201);
  claimId = claim.body.id;
});
afterAll(async () => {
  await t.close();
});

const patch = (by: TestUser, body: object) =>
  request(t.app).patch(`/v1/claims/${claimId}`).set('Authorization', by.authHeader).send(body);

describe('PATCH /v1/claims/:id', () => {
  it('corrects particulars and keeps who changed what, from what, when and why', async () => {
    const res = await patch(worker, {
      caseNumber: 'LC 181/2025',
      forum: 'Central Labour Court', // unchanged: no history row
      assigneeId: colleague.id,
      notes: 'Employer offered settlement by phone',
      reason: 'Typo in the case number; handed over',
    }).expect(200);
    expect(res.body).toMatchObject({
      caseNumber: 'LC 181/2025',
      assigneeId: colleague.id,
      notes: 'Employer offered settlement by phone',
    });
    const got = await request(t.app)
      .get(`/v1/claims/${claimId}`)
      .set('Authorization', worker.authHeader)
      .expect(200);
    expect(got.body.changes).toEqual([
      {
        field: 'caseNumber',
        from: 'LC 118/2025',
        to: 'LC 181/2025',
        reason: 'Typo in the case number; handed over',
        by: worker.id,
        at: expect.any(String),
      },
      expect.objectContaining({ field: 'assigneeId', from: worker.id, to: colleague.id }),
      expect.objectContaining({ field: 'notes', from: null, to: 'Employer offered settlement by phone' }),
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'claim.update')
      .where('resource_id', '=', claimId)
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ fields: ['caseNumber', 'assigneeId', 'notes'] });
  });

  it('keeps notes encrypted at rest, in the claim and in its history', async () => {
    const { rows } = await sql<{ dump: string }>`
      select (select string_agg(row_to_json(c)::text, ' ') from claims c)
          || (select string_agg(row_to_json(h)::text, ' ') from claim_changes h) as dump`.execute(t.ctx.db);
    expect(rows[0]!.dump).toContain('LC 181/2025');
    expect(rows[0]!.dump.toLowerCase()).not.toContain('settlement by phone');
  });

  it('shows auditors that something changed, never the values, notes or reasons', async () => {
    const got = await request(t.app)
      .get(`/v1/claims/${claimId}`)
      .set('Authorization', auditor.authHeader)
      .expect(200);
    expect(got.body.caseNumber).toBeUndefined();
    expect(got.body.notes).toBeUndefined();
    expect(got.body.changes).toEqual([
      { field: 'caseNumber', by: worker.id, at: expect.any(String) },
      { field: 'assigneeId', by: worker.id, at: expect.any(String) },
      { field: 'notes', by: worker.id, at: expect.any(String) },
    ]);
  });

  it('refuses a change without a reason, an assignee of another office, and outsiders, changing nothing', async () => {
    const before = await snapshot(t);
    const count = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from claim_changes`.execute(t.ctx.db)).rows[0]!.n,
      );
    const changes = await count();
    for (const [by, body, status] of [
      [worker, { caseNumber: 'X 1' }, 400],
      [worker, { reason: 'nothing to change' }, 400],
      [worker, { assigneeId: outsider.id, reason: 'moving' }, 400],
      [worker, { caseNumber: 'x'.repeat(101), reason: 'long' }, 400],
      [outsider, { caseNumber: 'X 2', reason: 'mine now' }, 404],
      [fundAdmin, { caseNumber: 'X 3', reason: 'mine now' }, 404],
      [auditor, { caseNumber: 'X 4', reason: 'audit' }, 403],
    ] as const) {
      const res = await patch(by, body);
      expect([body, res.status]).toEqual([body, status]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await count()).toBe(changes);
    const after = await snapshot(t);
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
  });

  it('records nothing when the values are the same', async () => {
    const before = await sql<{ n: string }>`select count(*) as n from claim_changes`.execute(t.ctx.db);
    await patch(colleague, { caseNumber: 'LC 181/2025', reason: 'again' }).expect(200);
    const after = await sql<{ n: string }>`select count(*) as n from claim_changes`.execute(t.ctx.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

describe('GET /v1/claims by case number and court', () => {
  const list = (by: TestUser, query: Record<string, string>) =>
    request(t.app).get('/v1/claims').query(query).set('Authorization', by.authHeader);

  it('finds a claim by its exact case number (any case) and by part of the court name', async () => {
    const byNumber = await list(worker, { caseNumber: 'lc 181/2025' }).expect(200);
    expect(byNumber.body.items.map((c: { id: string }) => c.id)).toEqual([claimId]);
    const byCourt = await list(worker, { court: 'labour court' }).expect(200);
    expect(byCourt.body.items.map((c: { id: string }) => c.id)).toEqual([claimId]);
    expect((await list(worker, { court: '100%' }).expect(200)).body.items).toEqual([]);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('request_id', '=', String(byNumber.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ criteria: ['caseNumber'], claimIds: [claimId] });
  });

  it("finds nothing of another office's, and gives auditors no identifying field", async () => {
    expect((await list(outsider, { caseNumber: 'LC 181/2025' }).expect(200)).body.items).toEqual([]);
    const res = await list(auditor, { court: 'Central Labour' }).expect(200);
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([claimId]);
    expect(JSON.stringify(res.body)).not.toContain('LC 181');
    expect(JSON.stringify(res.body)).not.toContain('Somchai');
    await list(auditor, { caseNumber: 'LC 181/2025' }).expect(403);
  });
});
