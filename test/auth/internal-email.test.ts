import request from 'supertest';
import { ensureBootstrapAdmin } from '../../src/auth/bootstrap';
import { anOffice, aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, post, receipt } from '../disbursements/support';

/** Internal mail domains (.test, .local, .internal) are accepted at every door that takes an address. */
describe('internal mail domains', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      REDRESS_ADMIN_EMAIL: 'admin@redress.test',
      REDRESS_ADMIN_PASSWORD: 'bootstrap password',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('the bootstrap admin on a .test domain is created and signs in', async () => {
    await ensureBootstrapAdmin(t.ctx);
    const res = await request(t.app)
      .post('/v1/auth/login')
      .send({ email: 'admin@redress.test', password: 'bootstrap password' })
      .expect(200);
    expect(res.body.user).toMatchObject({ email: 'admin@redress.test', role: 'admin' });
  });

  it('an admin creates staff on .internal and .local addresses', async () => {
    const admin = await aUser(t, { role: 'admin' });
    const office = await anOffice(t, 'legal_aid');
    for (const email of ['Worker@Legal-Aid.Internal', 'clerk@office.local']) {
      const res = await request(t.app)
        .post('/v1/users')
        .set('Authorization', admin.authHeader)
        .send({
          email,
          name: 'A Worker',
          password: 'long enough password',
          role: 'legal_aid',
          organizationId: office.id,
        })
        .expect(201);
      expect(res.body.email).toBe(email.toLowerCase());
    }
  });

  it("a victim's contact address may be on a .local domain", async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const res = await request(t.app)
      .post('/v1/victims')
      .set('Authorization', worker.authHeader)
      .send({
        fullName: 'Nang Seng',
        preferredLanguage: 'my',
        contact: { email: 'nang@shelter.local', safeToContact: true },
        consent: { shareWithFundAgency: true, contactByEmail: true },
      })
      .expect(201);
    const read = await request(t.app)
      .get(`/v1/victims/${res.body.id}`)
      .set('Authorization', worker.authHeader)
      .expect(200);
    expect(read.body.contact.email).toBe('nang@shelter.local');
  });

  it("a partner organization's contact address may be on a .test domain", async () => {
    const w = await makeWorld(t);
    await receipt(t, w, { amount: '1000.00' });
    const res = await post(t, '/v1/disbursements', w.maker, {
      fundId: w.fundId,
      victimId: w.victimId,
      purpose: 'medical',
      amount: '100.00',
      currency: 'THB',
      rationale: 'Clinic fees paid through the shelter',
      channel: 'partner_organization',
      payee: { organizationName: 'Shelter', country: 'TH', contactEmail: 'desk@shelter.test' },
    });
    expect(res.status).toBe(201);
  });

  it('still refuses an address that is not one, with 400 naming the field', async () => {
    const admin = await aUser(t, { role: 'admin' });
    const res = await request(t.app)
      .post('/v1/users')
      .set('Authorization', admin.authHeader)
      .send({ email: 'nobody at all', name: 'X', password: 'long enough password', role: 'auditor' })
      .expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'email' })]);
  });
});
