import express from 'express';
import request from 'supertest';
import { sealAuditAfterResponse } from '../../src/audit/audit.http';
import { recordAudit } from '../../src/audit/audit.service';
import { transact } from '../../src/lib/db';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser } from '../helpers/factories';

let t: TestApp;
let auditor: { id: string; token: string };
let admin: { id: string; token: string };
beforeAll(async () => {
  t = await createTestApp();
  auditor = await aUser(t, { role: 'auditor', office: null, direct: true });
  admin = await aUser(t, { role: 'admin', office: null, direct: true });
});
afterAll(async () => {
  await t.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function writeEvents(n: number, resourceType: string, action = 'thing.write'): Promise<void> {
  await transact(t.ctx.db, async (trx) => {
    for (let i = 0; i < n; i++) {
      await recordAudit(trx, {
        actor: { userId: admin.id, role: 'admin' },
        action,
        resourceType,
        resourceId: `${resourceType}-${i}`,
        requestId: `req-${resourceType}-${i}`,
        details: { index: i },
      });
    }
  });
}

describe('who may read the audit trail', () => {
  it.each(['auditor', 'admin'] as const)('lets an %s list events and verify the chain', async (role) => {
    const user = role === 'auditor' ? auditor : admin;
    await request(t.app).get('/v1/audit/events').set(bearer(user.token)).expect(200);
    const verify = await request(t.app).get('/v1/audit/verify').set(bearer(user.token)).expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it.each(['legal_aid', 'fund_admin'] as const)('refuses a %s with 403', async (role) => {
    const user = await aUser(t, { role: role, office: null, direct: true });
    for (const path of ['/v1/audit/events', '/v1/audit/verify']) {
      const res = await request(t.app).get(path).set(bearer(user.token)).expect(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.status).toBe(403);
    }
  });

  it('refuses a missing or unknown token with 401', async () => {
    for (const path of ['/v1/audit/events', '/v1/audit/verify']) {
      await request(t.app).get(path).expect(401);
      await request(t.app)
        .get(path)
        .set(bearer('x'.repeat(43)))
        .expect(401);
    }
  });
});

describe('GET /v1/audit/events', () => {
  it('shows every field of an event, with the time to the microsecond', async () => {
    await writeEvents(1, 'shape');
    const res = await request(t.app)
      .get('/v1/audit/events?resourceType=shape')
      .set(bearer(auditor.token))
      .expect(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items).toHaveLength(1);
    const [item] = res.body.items;
    expect(item).toEqual({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      actorId: admin.id,
      actorRole: 'admin',
      action: 'thing.write',
      resourceType: 'shape',
      resourceId: 'shape-0',
      requestId: 'req-shape-0',
      outcome: 'success',
      details: { index: 0 },
    });
    expect(Math.abs(Date.parse(item.occurredAt) - Date.now())).toBeLessThan(60_000);
  });

  it('pages newest first and returns every event exactly once', async () => {
    await writeEvents(23, 'pager');
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { resourceType: 'pager', limit: 5 };
      if (cursor) query.cursor = cursor;
      const res = await request(t.app)
        .get('/v1/audit/events')
        .query(query)
        .set(bearer(auditor.token))
        .expect(200);
      sizes.push(res.body.items.length);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    const ids = await t.ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('resource_type', '=', 'pager')
      .orderBy('id', 'desc')
      .execute();
    expect(seen).toEqual(ids.map((r) => r.id));
    expect(new Set(seen).size).toBe(23);
  });

  it('pages the whole unfiltered trail, ignoring events written after the first page', async () => {
    const atStart = await t.ctx.db.selectFrom('audit_events').select('id').orderBy('id', 'desc').execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { limit: 7 };
      if (cursor) query.cursor = cursor;
      const res = await request(t.app)
        .get('/v1/audit/events')
        .query(query)
        .set(bearer(admin.token))
        .expect(200);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    // Each page read is itself audited, but after its own select and above the cursor: no page
    // shows an event newer than the trail at the start, and none is missed or repeated.
    expect(seen).toEqual(atStart.map((r) => r.id));
    expect(seen.length).toBeGreaterThan(7 * 3);
  });

  it('filters by action and by resource id; the default page is 50', async () => {
    await writeEvents(3, 'filtered', 'filtered.write');
    const byAction = await request(t.app)
      .get('/v1/audit/events?action=filtered.write')
      .set(bearer(auditor.token))
      .expect(200);
    expect(byAction.body.items.map((e: { resourceId: string }) => e.resourceId)).toEqual([
      'filtered-2',
      'filtered-1',
      'filtered-0',
    ]);
    const byId = await request(t.app)
      .get('/v1/audit/events?resourceType=filtered&resourceId=filtered-1')
      .set(bearer(auditor.token))
      .expect(200);
    expect(byId.body.items).toHaveLength(1);
    expect(byId.body.items[0].requestId).toBe('req-filtered-1');

    await writeEvents(55, 'many');
    const page = await request(t.app)
      .get('/v1/audit/events?resourceType=many')
      .set(bearer(auditor.token))
      .expect(200);
    expect(page.body.items).toHaveLength(50);
    expect(typeof page.body.nextCursor).toBe('string');
  });

  it('records each read as an audit.read event of the reader and request', async () => {
    const res = await request(t.app)
      .get('/v1/audit/events?limit=2&action=filtered.write')
      .set(bearer(auditor.token))
      .expect(200);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'audit.read')
      .where('request_id', '=', res.headers['x-request-id'] as string)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_id: auditor.id, actor_role: 'auditor', outcome: 'success' });
    expect(event.details).toMatchObject({ filters: { action: 'filtered.write' }, limit: 2, returned: 2 });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['colour=red', 'colour'],
    ['cursor=%21%21', 'cursor'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'], // base64url of "not-a-cursor"
    [`cursor=${Buffer.from('ae1:99999999999999999999').toString('base64url')}`, 'cursor'],
    ['action=a&action=b', 'action'],
    [`resourceId=${'x'.repeat(201)}`, 'resourceId'],
  ])('answers %s with a 400 naming the parameter', async (query, path) => {
    const res = await request(t.app).get(`/v1/audit/events?${query}`).set(bearer(auditor.token)).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('GET /v1/audit/verify', () => {
  it('seals pending events before checking, counts them, and records the check', async () => {
    await writeEvents(4, 'verify');
    const res = await request(t.app).get('/v1/audit/verify').set(bearer(auditor.token)).expect(200);
    const sealed = await t.ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('chain_seq', 'is not', null)
      .where('action', '!=', 'audit.verify')
      .executeTakeFirstOrThrow();
    const all = await t.ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '!=', 'audit.verify')
      .executeTakeFirstOrThrow();
    expect(sealed.n).toBe(all.n);
    expect(res.body).toEqual({
      ok: true,
      eventsChecked: expect.any(Number),
      firstBrokenEvent: null,
      chainLegacyEnds: null,
    });
    expect(res.body.eventsChecked).toBeGreaterThanOrEqual(Number(all.n));

    const event = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'audit.verify')
      .where('request_id', '=', res.headers['x-request-id'] as string)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_id: auditor.id, resource_type: 'audit_chain' });
    expect(event.details).toEqual({
      ok: true,
      eventsChecked: res.body.eventsChecked,
      firstBrokenEvent: null,
      chainLegacyEnds: null,
    });
  });

  it('refuses unknown query parameters', async () => {
    await request(t.app).get('/v1/audit/verify?full=1').set(bearer(auditor.token)).expect(400);
  });
});

describe('sealAuditAfterResponse', () => {
  it('seals what a request wrote once its response has gone out', async () => {
    const app = express();
    app.use(sealAuditAfterResponse(t.ctx));
    app.post('/write', async (_req, res) => {
      await transact(t.ctx.db, (trx) =>
        recordAudit(trx, { actor: null, action: 'after.response', resourceType: 'test' }),
      );
      res.status(204).end();
    });
    await request(app).post('/write').expect(204);
    let row: { chain_seq: string | null } | undefined;
    for (let i = 0; i < 50; i++) {
      row = await t.ctx.db
        .selectFrom('audit_events')
        .select('chain_seq')
        .where('action', '=', 'after.response')
        .executeTakeFirstOrThrow();
      if (row.chain_seq !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(row?.chain_seq).not.toBeNull();
  });
});
