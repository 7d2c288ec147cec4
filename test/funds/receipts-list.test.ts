import request from 'supertest';
import { addDays, todayUtc } from '../../src/lib/dates';
import { parseCsv } from '../helpers/csv';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

let t: TestApp;
let admin: TestUser;
let auditor: TestUser;
let outsider: TestUser;
let legalAid: TestUser;
let fundId: string;
const ids: Record<string, { id: string; entryId: string }> = {};
let n = 0;
const today = todayUtc();
const day = (d: number) => addDays(today, d);

const get = (path: string, user: TestUser) => request(t.app).get(path).set('Authorization', user.authHeader);
const receipt = async (name: string, body: Record<string, unknown>) => {
  const res = await request(t.app)
    .post(`/v1/funds/${fundId}/receipts`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', `rl-${++n}`)
    .send({ source: 'fine', amount: '100.00', currency: 'THB', receivedOn: today, ...body })
    .expect(201);
  ids[name] = { id: res.body.id, entryId: res.body.entryId };
};
const list = async (query: string, user = admin) =>
  (await get(`/v1/funds/${fundId}/receipts${query}`, user).expect(200)).body;
const idsOf = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id);

beforeAll(async () => {
  t = await createTestApp();
  const agency = await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true });
  admin = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  outsider = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Other agency', direct: true }),
    direct: true,
  });
  legalAid = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'fund_agency', { name: 'Legal aid office', direct: true }),
    direct: true,
  });
  fundId = (
    await request(t.app)
      .post('/v1/funds')
      .set('Authorization', admin.authHeader)
      .send({
        name: 'Victim fund',
        currency: 'THB',
        currencies: ['USD'],
        restrictions: [{ code: 'medical', name: 'Medical', purposes: ['medical'] }],
      })
      .expect(201)
  ).body.id;
  await receipt('oldFine', { receivedOn: day(-40), reference: 'Court 1' });
  await receipt('donation', { source: 'donation', pot: 'medical', receivedOn: day(-10), donor: '=cmd|x' });
  await receipt('usd', { source: 'donation', currency: 'USD', amount: '5.25', receivedOn: day(-5) });
  await receipt('twice', { receivedOn: day(-1), reference: 'entered, "twice"' });
  await request(t.app)
    .post(`/v1/ledger/entries/${ids.twice!.entryId}/reverse`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', `rl-${++n}`)
    .send({ reason: 'entered twice' })
    .expect(201);
});
afterAll(async () => {
  await t.close();
});

describe('GET /v1/funds/:id/receipts', () => {
  it('lists every receipt newest first by the day received, with amounts as decimal strings', async () => {
    const body = await list('');
    expect(idsOf(body)).toEqual([ids.twice!.id, ids.usd!.id, ids.donation!.id, ids.oldFine!.id]);
    expect(body.items[1]).toMatchObject({
      source: 'donation',
      amount: '5.25',
      currency: 'USD',
      pot: 'unrestricted',
    });
    expect(body.nextCursor).toBeNull();
  });

  it('filters by source, pot, currency and period (both days included)', async () => {
    expect(idsOf(await list('?source=donation'))).toEqual([ids.usd!.id, ids.donation!.id]);
    expect(idsOf(await list('?pot=medical'))).toEqual([ids.donation!.id]);
    expect(idsOf(await list('?currency=USD'))).toEqual([ids.usd!.id]);
    expect(idsOf(await list(`?from=${day(-10)}&to=${day(-5)}`))).toEqual([ids.usd!.id, ids.donation!.id]);
    expect(idsOf(await list(`?to=${day(-11)}`))).toEqual([ids.oldFine!.id]);
    expect(idsOf(await list(`?source=fine&from=${day(-2)}`))).toEqual([ids.twice!.id]);
  });

  it('links a reversed receipt to the entry that reversed it, and no other', async () => {
    const items = (await list('')).items;
    const twice = items.find((i: any) => i.id === ids.twice!.id);
    expect(twice.reversal).toEqual({
      entryId: expect.any(String),
      effectiveOn: expect.any(String),
      description: expect.stringContaining('entered twice'),
    });
    const entry = await get(`/v1/ledger/entries/${twice.reversal.entryId}`, admin).expect(200);
    expect(entry.body.reversesEntryId).toBe(ids.twice!.entryId);
    expect(items.filter((i: any) => i.reversal !== null)).toHaveLength(1);
  });

  it('pages with a cursor without skipping or repeating a receipt', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: any = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...idsOf(body));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(idsOf(await list('')));
  });

  it('downloads the filtered list as spreadsheet-safe CSV, by ?format=csv or Accept: text/csv', async () => {
    const res = await get(`/v1/funds/${fundId}/receipts?format=csv&limit=1`, auditor).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="receipts.csv"/);
    const { header, rows } = parseCsv(res.text);
    expect(header.slice(0, 4)).toEqual(['id', 'fundId', 'entryId', 'source']);
    expect(rows.map((r) => r.id)).toEqual(idsOf(await list(''))); // every page, whatever the limit
    const donation = rows.find((r) => r.id === ids.donation!.id)!;
    expect(donation.donor).toBe("'=cmd|x");
    expect(donation.amount).toBe('100.00');
    const twice = rows.find((r) => r.id === ids.twice!.id)!;
    expect(twice.reference).toBe('entered, "twice"');
    expect(twice.reversalEntryId).toMatch(/^\d+$/);
    const accepted = await get(`/v1/funds/${fundId}/receipts?source=donation`, auditor)
      .set('Accept', 'text/csv')
      .expect(200);
    expect(parseCsv(accepted.text).rows.map((r) => r.id)).toEqual([ids.usd!.id, ids.donation!.id]);
  });

  it("is another agency's 404 and a legal aid worker's 403, in JSON and CSV alike", async () => {
    await get(`/v1/funds/${fundId}/receipts`, outsider).expect(404);
    await get(`/v1/funds/${fundId}/receipts?format=csv`, outsider).expect(404);
    await get(`/v1/funds/${fundId}/receipts`, legalAid).expect(403);
  });

  it('refuses bad filters with a problem', async () => {
    const bad = async (query: string, type: string) => {
      const res = await get(`/v1/funds/${fundId}/receipts${query}`, admin).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe(`https://redress.example/problems/${type}`);
    };
    await bad(`?from=${day(-1)}&to=${day(-2)}`, 'dates-out-of-order');
    await bad('?source=gift', 'invalid-request');
    await bad('?from=2026-02-30', 'invalid-request');
    await bad('?cursor=bm90LWEtY3Vyc29y', 'invalid-request');
    await bad('?format=xlsx', 'invalid-request');
    await bad('?pot=Medical', 'invalid-request');
  });
});
