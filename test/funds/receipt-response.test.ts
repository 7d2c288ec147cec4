import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

// The receipt's response is stored in the idempotency record by the posting statement itself;
// these check that what the client sees is what was written, first time and on replay.

let t: TestApp;
let admin: TestUser;
let fundId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
  const res = await request(t.app)
    .post('/v1/funds')
    .set('Authorization', admin.authHeader)
    .send({ name: 'Response', currency: 'THB' })
    .expect(201);
  fundId = res.body.id;
});
afterAll(() => t.close());

const receipt = (key: string, amount = '12.50') =>
  request(t.app)
    .post(`/v1/funds/${fundId}/receipts`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', key)
    .send({ source: 'donation', amount, currency: 'THB', receivedOn: '2026-11-02', reference: 'R-7' });

describe('receipt response', () => {
  it('answers with the receipt row and entry as stored, and replays it byte for byte', async () => {
    const first = await receipt('resp-1').expect(201);
    const row = await t.ctx.db
      .selectFrom('fund_receipts')
      .selectAll()
      .where('id', '=', first.body.id)
      .executeTakeFirstOrThrow();
    expect(first.body).toEqual({
      id: row.id,
      entryId: row.entry_id,
      fundId,
      source: 'donation',
      pot: 'unrestricted',
      amount: '12.50',
      currency: 'THB',
      receivedOn: '2026-11-02',
      reference: 'R-7',
      donor: null,
      createdAt: row.created_at.toISOString(),
    });
    const entry = await t.ctx.db
      .selectFrom('ledger_entries')
      .select(['id', 'metadata'])
      .where('id', '=', row.entry_id)
      .executeTakeFirstOrThrow();
    expect((entry.metadata as { receiptId: string }).receiptId).toBe(row.id);
    const key = await t.ctx.db
      .selectFrom('idempotency_keys')
      .select(['status', 'response'])
      .where('key', '=', 'resp-1')
      .executeTakeFirstOrThrow();
    expect(key.status).toBe(201);
    expect(key.response).toEqual(first.body);

    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'actor_role', 'action', 'resource_type', 'outcome', 'request_id', 'details'])
      .where('resource_id', '=', row.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: admin.actor.userId,
      actor_role: 'fund_admin',
      action: 'fund_receipt.create',
      resource_type: 'fund_receipt',
      outcome: 'success',
      request_id: first.headers['x-request-id'],
      details: { fundId, source: 'donation', pot: 'unrestricted', currency: 'THB' },
    });

    const replay = await receipt('resp-1').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
  });

  it('stores nothing for a refused receipt, so the same key may be retried', async () => {
    await receipt('resp-2', '0.00').expect(400);
    const n = await t.ctx.db
      .selectFrom('idempotency_keys')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('key', '=', 'resp-2')
      .executeTakeFirstOrThrow();
    expect(n.n).toBe('0');
    await receipt('resp-2').expect(201);
  });
});
