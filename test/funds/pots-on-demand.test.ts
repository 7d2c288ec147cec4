import request from 'supertest';
import { trustPot } from '../../src/funds/funds';
import { ensurePot, loadFund } from '../../src/funds/funds.repository';
import { transact } from '../../src/lib/db';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations } from '../ledger/helpers';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

let t: TestApp;
let admin: TestUser;
let fundId: string;
const today = new Date().toISOString().slice(0, 10);
const victimId = '0f0e0d0c-0b0a-4908-8706-050403020100';
const potCode = 'trust_0f0e0d0c0b0a49088706050403020100';

beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
  fundId = (
    await request(t.app)
      .post('/v1/funds')
      .set('Authorization', admin.authHeader)
      .send({ name: 'Fund', currency: 'THB', currencies: ['USD'] })
      .expect(201)
  ).body.id;
});
afterAll(async () => {
  await t.close();
});

describe('pots added after a fund was cached', () => {
  it('are seen by a process that cached the fund before another process added them', async () => {
    // This process caches the fund's shape (a balance read)...
    await request(t.app)
      .get(`/v1/funds/${fundId}/balances`)
      .set('Authorization', admin.authHeader)
      .expect(200);
    // ...then "another process" (its own cache) adds a victim's trust pot, in every currency.
    const elsewhere = {};
    await transact(t.ctx.db, async (trx) => {
      const fund = (await loadFund(trx, elsewhere, fundId))!;
      await ensurePot(trx, elsewhere, fund, trustPot(victimId, 'V-TESTTEST'));
    });
    const res = await request(t.app)
      .post(`/v1/funds/${fundId}/receipts`)
      .set('Authorization', admin.authHeader)
      .set('Idempotency-Key', 'trust-1')
      .send({ source: 'recovery', amount: '40.00', currency: 'USD', pot: potCode, receivedOn: today });
    expect([res.status, res.body.detail]).toEqual([201, undefined]);
    const usd = await request(t.app)
      .get(`/v1/funds/${fundId}/balances?currency=USD`)
      .set('Authorization', admin.authHeader)
      .expect(200);
    expect(usd.body).toMatchObject({
      total: '40.00',
      bankAndCash: '40.00',
      heldInTrust: '40.00',
      available: '0.00',
    });
    expect(usd.body.pots.find((p: any) => p.code === potCode)).toMatchObject({
      kind: 'trust',
      posted: '40.00',
    });
    const thb = await request(t.app)
      .get(`/v1/funds/${fundId}/balances`)
      .set('Authorization', admin.authHeader)
      .expect(200);
    expect(thb.body.pots.find((p: any) => p.code === potCode)).toMatchObject({ posted: '0.00' });
  });

  it('is added once when two transactions add the same pot at the same time', async () => {
    const add = () =>
      transact(t.ctx.db, async (trx) => {
        const fund = (await loadFund(trx, {}, fundId))!;
        const pot = trustPot('1f0e0d0c-0b0a-4908-8706-050403020100', 'V-TESTTEST');
        return (await ensurePot(trx, {}, fund, pot)).accounts.get(`pot:${pot.code}:THB`);
      });
    const [a, b] = await Promise.all([add(), add()]);
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(await bookViolations(t)).toEqual([]);
  });
});
