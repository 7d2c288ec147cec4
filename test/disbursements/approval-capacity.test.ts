import request from 'supertest';
import { anOffice, aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Maker-checker needs people: a threshold no one can meet is refused; a deactivation that strands a fund warns. */
describe('approval capacity', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await aUser(t, { role: 'admin' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function agencyWith(admins: number) {
    const agency = await anOffice(t, 'fund_agency');
    const people: TestUser[] = [];
    for (let i = 0; i < admins; i++) people.push(await aUser(t, { role: 'fund_admin', office: agency }));
    const fund = await request(t.app)
      .post('/v1/funds')
      .set('Authorization', people[0]!.authHeader)
      .send({ name: `Fund of ${agency.name}`, currency: 'THB' })
      .expect(201);
    return {
      agencyId: agency.id,
      people,
      fundId: fund.body.id as string,
      fundName: fund.body.name as string,
    };
  }

  const putThreshold = (who: TestUser, fundId: string) =>
    request(t.app)
      .put(`/v1/funds/${fundId}/disbursement-policy`)
      .set('Authorization', who.authHeader)
      .send({ approvalThresholds: [{ currency: 'THB', above: '1000.00' }] });

  const deactivate = (userId: string) =>
    request(t.app)
      .patch(`/v1/users/${userId}`)
      .set('Authorization', admin.authHeader)
      .send({ active: false });

  it('refuses a second-approval threshold with 409 when the fund has only a maker and a checker, and keeps the policy', async () => {
    const f = await agencyWith(2);
    const res = await putThreshold(f.people[0]!, f.fundId).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://redress.example/problems/approval-threshold-unreachable',
      status: 409,
      activeAdministrators: 2,
      administratorsNeeded: 3,
    });
    const policy = await request(t.app)
      .get(`/v1/funds/${f.fundId}/disbursement-policy`)
      .set('Authorization', f.people[0]!.authHeader)
      .expect(200);
    expect(policy.body.approvalThresholds).toEqual([]);
  });

  it('does not count a deactivated administrator, and accepts the threshold once three are active', async () => {
    const f = await agencyWith(3);
    await deactivate(f.people[2]!.id).expect(200);
    await putThreshold(f.people[0]!, f.fundId).expect(409);
    await request(t.app)
      .patch(`/v1/users/${f.people[2]!.id}`)
      .set('Authorization', admin.authHeader)
      .send({ active: true })
      .expect(200);
    await putThreshold(f.people[0]!, f.fundId).expect(200);
  });

  it('a policy without thresholds is accepted whatever the number of administrators', async () => {
    const f = await agencyWith(1);
    await request(t.app)
      .put(`/v1/funds/${f.fundId}/disbursement-policy`)
      .set('Authorization', f.people[0]!.authHeader)
      .send({ potOrder: ['unrestricted'] })
      .expect(200);
  });

  it('deactivating the third administrator of a fund with a threshold warns, naming the fund', async () => {
    const f = await agencyWith(3);
    await putThreshold(f.people[0]!, f.fundId).expect(200);
    const res = await deactivate(f.people[1]!.id).expect(200);
    expect(res.body.active).toBe(false);
    expect(res.body.warnings).toEqual([
      {
        code: 'fund_cannot_approve',
        message: expect.stringContaining(f.fundName),
        fundId: f.fundId,
        fundName: f.fundName,
        activeAdministrators: 2,
        administratorsNeeded: 3,
      },
    ]);
  });

  it('deactivating one of two administrators of a fund without a threshold warns: no checker is left', async () => {
    const f = await agencyWith(2);
    const res = await deactivate(f.people[0]!.id).expect(200);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({ fundId: f.fundId, activeAdministrators: 1, administratorsNeeded: 2 }),
    ]);
  });

  it('gives no warning when enough administrators remain, nor for users who are not fund administrators', async () => {
    const f = await agencyWith(3);
    expect((await deactivate(f.people[2]!.id).expect(200)).body.warnings).toEqual([]);
    const auditor = await aUser(t, { role: 'auditor' });
    expect((await deactivate(auditor.id).expect(200)).body.warnings).toEqual([]);
  });
});
