import request from 'supertest';
import { recordAudit } from '../../src/audit/audit.service';
import { addDays, todayUtc } from '../../src/lib/dates';
import { transact } from '../../src/lib/db';
import { parseCsv } from '../helpers/csv';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';

let t: TestApp;
let auditor: { id: string; token: string };
let alice: { id: string; token: string };
let bob: { id: string; token: string };
const today = todayUtc();

beforeAll(async () => {
  t = await createTestApp();
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  alice = await aUser(t, { role: 'legal_aid', office: null, direct: true });
  bob = await aUser(t, { role: 'fund_admin', office: null, direct: true });
  await transact(t.ctx.db, async (trx) => {
    const write = (
      who: { id: string },
      role: string,
      resourceId: string,
      details: Record<string, unknown> = {},
    ) =>
      recordAudit(trx, {
        actor: { userId: who.id, role: role as 'legal_aid' },
        action: 'claim.update',
        resourceType: 'filter_test',
        resourceId,
        details,
      });
    await write(alice, 'legal_aid', 'rec-1');
    await write(bob, 'fund_admin', 'rec-1');
    await write(alice, 'legal_aid', 'rec-2', { note: '=HYPERLINK("x")' });
  });
});
afterAll(async () => {
  await t.close();
});

const events = async (query: string) =>
  (
    await request(t.app)
      .get(`/v1/audit/events?resourceType=filter_test&${query}`)
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200)
  ).body.items as Array<{ actorId: string; resourceId: string; occurredAt: string }>;

describe('audit trail filters', () => {
  it('filters by actor', async () => {
    const items = await events(`actorId=${alice.id}`);
    expect(items.map((e) => e.resourceId)).toEqual(['rec-2', 'rec-1']);
    expect(items.every((e) => e.actorId === alice.id)).toBe(true);
    expect((await events(`actorId=${bob.id}`)).map((e) => e.resourceId)).toEqual(['rec-1']);
  });

  it('filters by record (type and id)', async () => {
    const items = await events('resourceId=rec-1');
    expect(items.map((e) => e.actorId).sort()).toEqual([alice.id, bob.id].sort());
  });

  it('filters by period, both days included (UTC)', async () => {
    expect(await events(`from=${today}&to=${today}`)).toHaveLength(3);
    expect(await events(`to=${addDays(today, -1)}`)).toHaveLength(0);
    expect(await events(`from=${addDays(today, 1)}`)).toHaveLength(0);
    expect(await events(`from=${addDays(today, -30)}&actorId=${bob.id}&resourceId=rec-1`)).toHaveLength(1);
  });

  it('downloads the filtered trail as CSV, formulas neutralised', async () => {
    const res = await request(t.app)
      .get(`/v1/audit/events?resourceType=filter_test&actorId=${alice.id}&format=csv&limit=1`)
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const { header, rows } = parseCsv(res.text);
    expect(header).toEqual([
      'id',
      'occurredAt',
      'actorId',
      'actorRole',
      'action',
      'resourceType',
      'resourceId',
      'requestId',
      'outcome',
      'details',
    ]);
    expect(rows.map((r) => r.resourceId)).toEqual(['rec-2', 'rec-1']);
    expect(JSON.parse(rows[0]!.details!)).toEqual({ note: '=HYPERLINK("x")' }); // JSON text, starts with {
    expect(rows[1]!.actorRole).toBe('legal_aid');
  });

  it('refuses a malformed actor, an impossible date and a period that ends before it starts', async () => {
    const bad = async (query: string, type: string) => {
      const res = await request(t.app)
        .get(`/v1/audit/events?${query}`)
        .set('Authorization', `Bearer ${auditor.token}`)
        .expect(400);
      expect(res.body.type).toBe(`https://redress.example/problems/${type}`);
    };
    await bad('actorId=alice', 'invalid-request');
    await bad('from=2026-13-01', 'invalid-request');
    await bad(`from=${today}&to=${addDays(today, -1)}`, 'dates-out-of-order');
  });
});
