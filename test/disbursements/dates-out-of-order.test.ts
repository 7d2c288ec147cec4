import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { get, key, makeWorld, post, receipt, requested, type World } from './support';

/** Money moves after the acts that allow it: paid after the request and the approval; received by today. */
let t: TestApp;
let w: World;

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
  await receipt(t, w, { amount: '5000.00' });
});
afterAll(async () => {
  await t.close();
});

async function disbursementRow(id: string) {
  return t.ctx.db.selectFrom('disbursements').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('POST /v1/disbursements/:id/paid', () => {
  it('refuses a payment dated before the request, naming the request date, and leaves it approved', async () => {
    const id = await requested(t, w, { amount: '10.00' });
    await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    const res = await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: daysAgo(3) }).expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/dates-out-of-order');
    expect(res.body.errors).toEqual([
      {
        path: 'paidOn',
        message: expect.stringMatching(/^must not be before the request \(\d{4}-\d{2}-\d{2}\)$/),
      },
    ]);
    const row = await disbursementRow(id);
    expect(row.status).toBe('approved');
    expect(row.entry_id).toBeNull();
  });

  it('refuses a payment dated before the approval of an older request, naming the approval date', async () => {
    const id = await requested(t, w, { amount: '11.00' });
    // asked for ten days ago, approved only now
    await sql`update disbursements set requested_at = now() - interval '10 days' where id = ${id}`.execute(
      t.ctx.db,
    );
    await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    const approvedOn = (await disbursementRow(id)).approved_at!;
    const res = await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: daysAgo(5) }).expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/dates-out-of-order');
    expect(res.body.errors[0].path).toBe('paidOn');
    expect(res.body.errors[0].message).toMatch(/^must not be before the approval \(/);
    // the approval's earliest calendar day anywhere (UTC-12): never later than its UTC day
    expect(res.body.errors[0].message).toContain(
      new Date(approvedOn.getTime() - 12 * 3_600_000).toISOString().slice(0, 10),
    );
    expect((await disbursementRow(id)).status).toBe('approved');
    // the same payment dated today goes through
    await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: daysAgo(0) }, key()).expect(200);
  });

  it('still refuses a payment dated in the future as invalid input', async () => {
    const id = await requested(t, w, { amount: '12.00' });
    await post(t, `/v1/disbursements/${id}/approve`, w.checker, {}).expect(200);
    const res = await post(t, `/v1/disbursements/${id}/paid`, w.checker, { paidOn: '2999-01-01' }).expect(
      400,
    );
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
  });
});

describe('POST /v1/funds/:id/receipts', () => {
  it('refuses money received in the future, writing nothing', async () => {
    const count = async () => (await t.ctx.db.selectFrom('ledger_entries').select('id').execute()).length;
    const before = await count();
    const res = await post(t, `/v1/funds/${w.fundId}/receipts`, w.maker, {
      source: 'donation',
      amount: '100.00',
      currency: 'THB',
      receivedOn: '2999-01-01',
    }).expect(400);
    expect(res.body.type).toBe('https://redress.example/problems/invalid-request');
    expect(res.body.errors).toEqual([{ path: 'receivedOn', message: 'must not be in the future' }]);
    expect(await count()).toBe(before);
  });

  it('accepts money received before the fund was set up here (back-loaded history)', async () => {
    await post(t, `/v1/funds/${w.fundId}/receipts`, w.maker, {
      source: 'donation',
      amount: '100.00',
      currency: 'THB',
      receivedOn: '2020-01-02',
    }).expect(201);
  });
});

describe('GET /v1/funds/:id/statement', () => {
  it('refuses a period that ends before it starts, naming both dates', async () => {
    const res = await get(t, `/v1/funds/${w.fundId}/statement?from=2026-02-01&to=2026-01-31`, w.maker).expect(
      400,
    );
    expect(res.body.type).toBe('https://redress.example/problems/dates-out-of-order');
    expect(res.body.errors).toEqual([
      { path: 'query.to', message: 'must not be before the start of the period (from) (2026-02-01)' },
    ]);
    expect(res.body.detail).toContain('2026-01-31');
  });
});
