import Decimal from 'decimal.js';
import request from 'supertest';
import { pathTo, seedDemoCaseworkFor } from '../../db/seeds/demo-casework';
import { seedDemoData } from '../../db/seeds/demo';
import { ROUTE_MACHINES, type Route } from '../../src/claims/route-machines';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';
import { issueSessionFor } from '../../src/auth/login.service';

/** Issue 13 item 7: the embedded default's demo lets every flow be tried in the first minutes. */
describe('demo casework', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reaches every state of every route by moves alone, except paid (which follows the money)', () => {
    for (const route of Object.keys(ROUTE_MACHINES) as Route[])
      for (const state of Object.keys(ROUTE_MACHINES[route].states))
        expect([route, state, pathTo(route, state) === null]).toEqual([route, state, state === 'paid']);
  });

  it('fills an empty system with a fund, receipts, victims, a claim in every stage, hearings and a document', async () => {
    const logins = await seedDemoData(t.ctx);
    expect(logins.filter((l) => l.role === 'fund_admin')).toHaveLength(2);
    const world = await seedDemoCaseworkFor(t.ctx, t.app, logins, { strict: true });
    expect(world).not.toBeNull();

    const wanted = (Object.keys(ROUTE_MACHINES) as Route[]).flatMap((route) =>
      Object.keys(ROUTE_MACHINES[route].states)
        .filter((s) => s !== 'paid')
        .map((s) => `${route}:${s}`),
    );
    expect(world!.stages).toEqual(expect.arrayContaining([...wanted, 'civil:paid']));

    // what the database holds, read through the API as an auditor and the fund's administrators
    const statuses = await t.ctx.db.selectFrom('claims').select(['route', 'status']).execute();
    const held = new Set(statuses.map((c) => `${c.route}:${c.status}`));
    for (const stage of [...wanted, 'civil:paid']) expect([stage, held.has(stage)]).toEqual([stage, true]);

    const admin = await aUser(t, { role: 'auditor' });
    const ledger = await request(t.app)
      .get('/v1/ledger/verify')
      .set('Authorization', admin.authHeader)
      .expect(200);
    expect(ledger.body.ok ?? ledger.body.valid).toBe(true);

    const pending = await t.ctx.db
      .selectFrom('disbursements')
      .select(['id', 'status', 'requested_by'])
      .where('id', '=', world!.pendingDisbursementId!)
      .executeTakeFirstOrThrow();
    expect(pending.status).toBe('requested');
    const approver = logins
      .filter((l) => l.role === 'fund_admin')
      .find((l) => l.userId !== pending.requested_by);
    expect(approver).toBeDefined();

    // restricted pots hold their donations (the medical pot paid nothing yet)
    const session = await issueSessionFor(t.ctx, approver!.userId);
    const balances = await request(t.app)
      .get(`/v1/funds/${world!.fundId}/balances`)
      .set('Authorization', `Bearer ${session.token}`)
      .expect(200);
    const posted = Object.fromEntries(
      (balances.body.pots as Array<{ code: string; posted: string }>).map((p) => [p.code, p.posted]),
    );
    expect(posted.medical).toBe('300000.00');
    // the child's State-fund award is committed from the children's pot first (the fund's pot order)
    const children = new Decimal(posted.children!);
    expect([children.gt(0), children.lt('150000.00')]).toEqual([true, true]);
    // hearings on the court calendar, and a judgment as an encrypted document
    const hearings = await t.ctx.db
      .selectFrom('hearings')
      .select('status')
      .where('status', '=', 'scheduled')
      .execute();
    expect(hearings.length).toBeGreaterThan(0);
    const documents = await t.ctx.db.selectFrom('documents').select(['kind', 'media_type']).execute();
    expect(documents).toEqual([expect.objectContaining({ kind: 'judgment', media_type: 'application/pdf' })]);
    // the demo sessions were signed out again
    const live = await t.ctx.db
      .selectFrom('auth_tokens')
      .select('id')
      .where('revoked_at', 'is', null)
      .execute();
    expect(live.length).toBeLessThanOrEqual(2); // the auditor's and the approver's above
  }, 300_000); // ~200 requests and five scrypt hashes: generous on a busy machine
});
