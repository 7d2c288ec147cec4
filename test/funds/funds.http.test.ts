import request from 'supertest';
import { loadFund } from '../../src/funds/funds.repository';
import { reserveFromPot } from '../../src/funds/funds.service';
import { postReservation } from '../../src/ledger/ledger.service';
import { transact } from '../../src/lib/db';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations, count, footprint } from '../ledger/helpers';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

let t: TestApp;
let admin: TestUser;
let auditor: TestUser;
let legalAid: TestUser;
let otherAdmin: TestUser;
let fundId: string;
let keyN = 0;
const key = () => `k-${process.pid}-${++keyN}`;
const today = new Date().toISOString().slice(0, 10);

const post = (path: string, user: TestUser, body: unknown, idempotencyKey: string | null = key()) => {
  const r = request(t.app).post(path).set('Authorization', user.authHeader);
  if (idempotencyKey !== null) r.set('Idempotency-Key', idempotencyKey);
  return r.send(body as object);
};
const get = (path: string, user: TestUser) => request(t.app).get(path).set('Authorization', user.authHeader);
const receipt = (body: Record<string, unknown>, user = admin, k: string | null = key()) =>
  post(
    `/v1/funds/${fundId}/receipts`,
    user,
    { source: 'fine', amount: '100.00', currency: 'THB', receivedOn: today, ...body },
    k,
  );

beforeAll(async () => {
  t = await createTestApp();
  const org = await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true });
  admin = await aUser(t, { role: 'fund_admin', office: org, direct: true });
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  legalAid = await aUser(t, { role: 'legal_aid', office: org, direct: true });
  otherAdmin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Other agency', direct: true }),
    direct: true,
  });
  const res = await request(t.app)
    .post('/v1/funds')
    .set('Authorization', admin.authHeader)
    .send({
      name: 'Victim assistance fund',
      currency: 'THB',
      currencies: ['USD'],
      restrictions: [{ code: 'children', name: 'Children', purposes: ['education', 'medical'] }],
    })
    .expect(201);
  fundId = res.body.id;
});
afterAll(async () => {
  await t.close();
});

describe('funds', () => {
  it('creates a fund with unrestricted, reserved and restriction pots in each currency it holds', async () => {
    const res = await get(`/v1/funds/${fundId}`, admin).expect(200);
    expect(res.body).toMatchObject({
      id: fundId,
      name: 'Victim assistance fund',
      currency: 'THB',
      currencies: ['THB', 'USD'],
    });
    expect(res.body.pots.map((p: any) => [p.code, p.purposes.length])).toEqual([
      ['unrestricted', 9],
      ['reserved', 0],
      ['children', 2],
    ]);
    const accounts = await get(`/v1/ledger/accounts?fundId=${fundId}&limit=500`, auditor).expect(200);
    expect(accounts.body.items).toHaveLength(2 * 20);
    expect(accounts.body.items[0]).toMatchObject({
      code: 'bank:THB',
      type: 'asset',
      currency: 'THB',
      balance: '0.00',
    });
  });

  it('lets fund admins of the owning organization write, auditors read, others not', async () => {
    await request(t.app)
      .post('/v1/funds')
      .set('Authorization', auditor.authHeader)
      .send({ name: 'x', currency: 'THB' })
      .expect(403);
    await get(`/v1/funds/${fundId}/balances`, legalAid).expect(403);
    await request(t.app).get(`/v1/funds/${fundId}/balances`).expect(401);
    const before = await footprint(t);
    await get(`/v1/funds/${fundId}/balances`, otherAdmin).expect(404);
    await receipt({}, otherAdmin).expect(404);
    await post(`/v1/funds/${fundId}/pot-transfers`, otherAdmin, {
      from: 'reserved',
      to: 'unrestricted',
      amount: '1.00',
      currency: 'THB',
      reason: 'x',
    }).expect(404);
    await receipt({}, auditor).expect(403);
    expect(await footprint(t)).toEqual(before);
    await get(`/v1/funds/${fundId}/balances`, auditor).expect(200);
    const list = await get('/v1/funds', otherAdmin).expect(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('OpenAPI', () => {
  it('documents the fund and ledger endpoints from their joi schemas, ★ ones with Idempotency-Key', async () => {
    const spec = (await request(t.app).get('/openapi.json').expect(200)).body;
    const receipts = spec.paths['/v1/funds/{id}/receipts'].post;
    expect(receipts.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['id', 'Idempotency-Key']),
    );
    const schema = receipts.requestBody.content['application/json'].schema;
    expect(schema.properties.amount.type).toBe('string');
    expect(schema.properties.currency.enum).toContain('THB');
    expect(
      spec.paths['/v1/funds'].post.requestBody.content['application/json'].schema.properties.currencies.type,
    ).toBe('array');
    for (const path of [
      '/v1/ledger/entries',
      '/v1/ledger/trial-balance',
      '/v1/ledger/export',
      '/v1/ledger/verify',
      '/v1/funds/{id}/statement',
    ])
      expect(spec.paths[path]).toBeDefined();
  });
});

describe('receipts and pot transfers', () => {
  it('records a receipt into unrestricted by default, and a restricted donation into its pot', async () => {
    const res = await receipt({ amount: '1000', reference: 'Court 12/2026' }).expect(201);
    expect(res.body).toMatchObject({
      fundId,
      source: 'fine',
      pot: 'unrestricted',
      amount: '1000.00',
      currency: 'THB',
      reference: 'Court 12/2026',
    });
    expect(res.body.entryId).toMatch(/^\d+$/);
    const don = await receipt({
      source: 'donation',
      amount: '250.5',
      pot: 'children',
      donor: 'A foundation',
    }).expect(201);
    expect(don.body).toMatchObject({ pot: 'children', amount: '250.50', donor: 'A foundation' });
    const entry = await get(`/v1/ledger/entries/${don.body.entryId}`, auditor).expect(200);
    expect(entry.body.postings.map((p: any) => [p.side, p.amount])).toEqual([
      ['debit', '250.50'],
      ['credit', '250.50'],
      ['debit', '250.50'],
      ['credit', '250.50'],
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', don.body.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'fund_receipt.create', actor_id: admin.actor.userId });
  });

  it('shows posted, pending and available per pot, and the total equals bank/cash', async () => {
    const res = await get(`/v1/funds/${fundId}/balances`, admin).expect(200);
    expect(res.body).toMatchObject({
      fundId,
      currency: 'THB',
      total: '1250.50',
      bankAndCash: '1250.50',
      available: '1250.50',
    });
    expect(res.body.pots).toEqual([
      expect.objectContaining({
        code: 'unrestricted',
        posted: '1000.00',
        pending: '0.00',
        available: '1000.00',
      }),
      expect.objectContaining({ code: 'reserved', posted: '0.00', pending: '0.00', available: '0.00' }),
      expect.objectContaining({ code: 'children', posted: '250.50', pending: '0.00', available: '250.50' }),
    ]);
    const usd = await get(`/v1/funds/${fundId}/balances?currency=USD`, admin).expect(200);
    expect(usd.body).toMatchObject({ currency: 'USD', total: '0.00' });
  });

  it('transfers between pots with a reason; too little available is a 409 naming the pot', async () => {
    await receipt({ source: 'state_appropriation', amount: '300.00', pot: 'reserved' }).expect(201);
    const body = {
      from: 'reserved',
      to: 'unrestricted',
      amount: '120.25',
      currency: 'THB',
      reason: 'Released by board decision 7',
    };
    const res = await post(`/v1/funds/${fundId}/pot-transfers`, admin, body).expect(201);
    expect(res.body).toMatchObject({
      from: 'reserved',
      to: 'unrestricted',
      amount: '120.25',
      reason: body.reason,
    });
    const before = await footprint(t);
    const short = await post(`/v1/funds/${fundId}/pot-transfers`, admin, {
      ...body,
      amount: '179.76',
    }).expect(409);
    expect(short.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(short.body.detail).toBe(
      'Insufficient funds: pot "reserved" has 179.75 THB available; 179.76 THB requested.',
    );
    expect(short.body).toMatchObject({ pot: 'reserved', available: '179.75' });
    expect(await footprint(t)).toEqual(before);
    const restricted = await post(`/v1/funds/${fundId}/pot-transfers`, admin, {
      ...body,
      from: 'children',
      amount: '1.00',
    }).expect(400);
    expect(restricted.body.errors[0].path).toBe('to');
    expect(await footprint(t)).toEqual(before);
  });

  it('answers balances as of a past moment from the postings', async () => {
    const { rows } = await (
      await import('kysely')
    ).sql<{ now: Date }>`select clock_timestamp() as now`.execute(t.ctx.db);
    const asOf = rows[0]!.now.toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await receipt({ amount: '5.00', source: 'interest' }).expect(201);
    const past = await get(`/v1/funds/${fundId}/balances?asOf=${asOf}`, admin).expect(200);
    const now = await get(`/v1/funds/${fundId}/balances`, admin).expect(200);
    // unrestricted: 1000.00 + 120.25 released; then 5.00 interest after asOf
    expect(past.body.pots[0]).toMatchObject({ code: 'unrestricted', posted: '1120.25' });
    expect(now.body.pots[0]).toMatchObject({ code: 'unrestricted', posted: '1125.25' });
    expect(past.body.total).toBe('1550.50');
    expect(now.body.total).toBe('1555.50');
    const early = await get(`/v1/funds/${fundId}/balances?asOf=2020-01-01T00:00:00Z`, admin).expect(200);
    expect(early.body.total).toBe('0.00');
  });
});

describe('statement', () => {
  it('ties opening + receipts − disbursements to closing, per source and purpose', async () => {
    const fund = (await loadFund(t.ctx.db, t.ctx.db, fundId))!;
    await transact(t.ctx.db, async (trx) => {
      const r = await reserveFromPot(trx, fund, {
        pot: 'children',
        purpose: 'education',
        currency: 'THB',
        amount: 4000n,
        description: 'school fees',
        createdBy: null,
      });
      await postReservation(trx, r);
    });
    const res = await get(`/v1/funds/${fundId}/statement?from=${today}&to=${today}`, auditor).expect(200);
    // receipts: fine 1000.00, donation 250.50, state_appropriation 300.00, interest 5.00 = 1555.50
    expect(res.body).toMatchObject({
      opening: '0.00',
      totalReceipts: '1555.50',
      totalDisbursements: '40.00',
      adjustments: '0.00',
      closing: '1515.50',
    });
    expect(res.body.receiptsBySource).toEqual({
      fine: '1000.00',
      confiscated_assets: '0.00',
      donation: '250.50',
      state_appropriation: '300.00',
      recovery: '0.00',
      interest: '5.00',
    });
    expect(res.body.disbursementsByPurpose.education).toBe('40.00');
    const later = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
    const next = await get(`/v1/funds/${fundId}/statement?from=${later}&to=${later}`, auditor).expect(200);
    expect(next.body).toMatchObject({ opening: '1515.50', totalReceipts: '0.00', closing: '1515.50' });
    await get(`/v1/funds/${fundId}/statement?from=${later}&to=${today}`, auditor).expect(400);
  });
});

describe('ledger reads', () => {
  it('pages entries of an account newest first with a cursor', async () => {
    const accounts = await get(`/v1/ledger/accounts?fundId=${fundId}`, admin).expect(200);
    const bank = accounts.body.items.find((a: any) => a.code === 'bank:THB');
    expect(bank.balance).toBe('1515.50');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await get(
        `/v1/ledger/entries?accountId=${bank.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        auditor,
      ).expect(200);
      seen.push(...page.body.items.map((e: any) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    // bank moved on: fine, donation, appropriation, interest receipts and the education payment
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);
    await get(`/v1/ledger/entries?cursor=not-a-cursor`, auditor).expect(400);
    await get(`/v1/ledger/accounts/${bank.id}`, otherAdmin).expect(404);
  });

  it('gives a trial balance whose debits equal credits per currency, now and as of a moment', async () => {
    const tb = await get('/v1/ledger/trial-balance', auditor).expect(200);
    expect(tb.body.currencies.THB).toEqual({
      debits: tb.body.currencies.THB.credits,
      credits: tb.body.currencies.THB.credits,
      balanced: true,
    });
    // debit side: bank 1515.50 + allocated 1515.50 + expense 40.00
    expect(tb.body.currencies.THB.debits).toBe('3071.00');
    const past = await get('/v1/ledger/trial-balance?asOf=2020-01-01T00:00:00Z', auditor).expect(200);
    expect(past.body.currencies.THB).toEqual({ debits: '0.00', credits: '0.00', balanced: true });
  });
});

describe('idempotency (★)', () => {
  it('replays the first response for the same key and body, and 409s another body', async () => {
    const k = key();
    const first = await receipt({ amount: '7.00' }, admin, k).expect(201);
    const entries = await count(t, 'ledger_entries');
    const again = await receipt({ amount: '7.00' }, admin, k).expect(201);
    expect(again.body).toEqual(first.body);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await receipt({ amount: '8.00' }, admin, k).expect(409);
    expect(other.body.detail).toMatch(/Idempotency-Key was already used/);
    expect(await count(t, 'ledger_entries')).toBe(entries);
  });
});

describe('bad input: 4xx problem+json and nothing written', () => {
  const transfer = { from: 'unrestricted', to: 'reserved', amount: '1.00', currency: 'THB', reason: 'r' };
  const cases: Array<[string, () => request.Test, number, string | null]> = [
    ['receipt: JSON number', () => receipt({ amount: 100.5 }), 400, 'amount'],
    ['receipt: too many decimals', () => receipt({ amount: '1.001' }), 400, 'amount'],
    ['receipt: JPY with decimals', () => receipt({ amount: '1.5', currency: 'JPY' }), 400, 'amount'],
    ['receipt: zero', () => receipt({ amount: '0.00' }), 400, 'amount'],
    ['receipt: negative', () => receipt({ amount: '-5.00' }), 400, 'amount'],
    ['receipt: unknown currency', () => receipt({ currency: 'XYZ' }), 400, 'currency'],
    ['receipt: currency not held', () => receipt({ currency: 'EUR' }), 400, 'currency'],
    ['receipt: unknown pot', () => receipt({ pot: 'nope' }), 400, 'pot'],
    ['receipt: unknown source', () => receipt({ source: 'gift' }), 400, 'source'],
    ['receipt: bad date', () => receipt({ receivedOn: '2026-02-30' }), 400, 'receivedOn'],
    ['receipt: unknown field', () => receipt({ extra: 1 }), 400, 'extra'],
    ['receipt: missing Idempotency-Key', () => receipt({}, admin, null), 400, 'Idempotency-Key'],
    [
      'receipt: unknown fund',
      () =>
        post(`/v1/funds/00000000-0000-4000-8000-000000000000/receipts`, admin, {
          source: 'fine',
          amount: '1.00',
          currency: 'THB',
          receivedOn: today,
        }),
      404,
      null,
    ],
    [
      'transfer: JSON number',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, amount: 1 }),
      400,
      'amount',
    ],
    [
      'transfer: too many decimals',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, amount: '0.001' }),
      400,
      'amount',
    ],
    [
      'transfer: zero',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, amount: '0' }),
      400,
      'amount',
    ],
    [
      'transfer: unknown pot',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, to: 'nope' }),
      400,
      'to',
    ],
    [
      'transfer: same pot',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, to: 'unrestricted' }),
      400,
      'to',
    ],
    [
      'transfer: currency not held',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, currency: 'GBP' }),
      400,
      'currency',
    ],
    [
      'transfer: no reason',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, { ...transfer, reason: undefined }),
      400,
      'reason',
    ],
    [
      'transfer: missing Idempotency-Key',
      () => post(`/v1/funds/${fundId}/pot-transfers`, admin, transfer, null),
      400,
      'Idempotency-Key',
    ],
    [
      'fund: unknown currency',
      () =>
        request(t.app)
          .post('/v1/funds')
          .set('Authorization', admin.authHeader)
          .send({ name: 'F', currency: 'ABC' }),
      400,
      'currency',
    ],
    [
      'fund: unknown purpose',
      () =>
        request(t.app)
          .post('/v1/funds')
          .set('Authorization', admin.authHeader)
          .send({
            name: 'F',
            currency: 'THB',
            restrictions: [{ code: 'x', name: 'X', purposes: ['travel'] }],
          }),
      400,
      'restrictions[0].purposes[0]',
    ],
    [
      'fund: restriction named reserved',
      () =>
        request(t.app)
          .post('/v1/funds')
          .set('Authorization', admin.authHeader)
          .send({
            name: 'F',
            currency: 'THB',
            restrictions: [{ code: 'reserved', name: 'X', purposes: ['medical'] }],
          }),
      400,
      'restrictions[0].code',
    ],
    [
      'balances: currency not held',
      () => get(`/v1/funds/${fundId}/balances?currency=EUR`, admin),
      400,
      'currency',
    ],
    [
      'manual entry: JSON number',
      () =>
        post('/v1/ledger/entries', admin, {
          description: 'd',
          postings: [
            { accountId: '1', side: 'debit', amount: 1 },
            { accountId: '2', side: 'credit', amount: '1.00' },
          ],
        }),
      400,
      'postings[0].amount',
    ],
    [
      'manual entry: one posting',
      () =>
        post('/v1/ledger/entries', admin, {
          description: 'd',
          postings: [{ accountId: '1', side: 'debit', amount: '1.00' }],
        }),
      400,
      'postings',
    ],
    [
      'manual entry: missing Idempotency-Key',
      () => post('/v1/ledger/entries', admin, { description: 'd', postings: [] }, null),
      400,
      'Idempotency-Key',
    ],
    ['reverse: missing reason', () => post('/v1/ledger/entries/1/reverse', admin, {}), 400, 'reason'],
    [
      'reverse: unknown entry',
      () => post('/v1/ledger/entries/999999/reverse', admin, { reason: 'x' }),
      404,
      null,
    ],
    [
      'reverse: missing Idempotency-Key',
      () => post('/v1/ledger/entries/1/reverse', admin, { reason: 'x' }, null),
      400,
      'Idempotency-Key',
    ],
  ];
  it.each(cases)('%s', async (_name, send, status, path) => {
    const before = await footprint(t);
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    if (path) expect(res.body.errors.map((e: any) => e.path)).toContain(path);
    expect(await footprint(t)).toEqual(before);
  });

  it('leaves the books sound', async () => {
    expect(await bookViolations(t)).toEqual([]);
  });
});
