import crypto from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { claimsFor, newVictim, SECRET, world, type World } from '../status/support';

/**
 * A victim or claim outside the caller's need-to-know is answered as if it did not exist (404),
 * but the attempt is evidence: it leaves a "denied" audit event with the record's id only.
 */
let t: TestApp;
let w: World;
let victimId: string;
let claimId: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  victimId = (await newVictim(t, w.worker)).id;
  await claimsFor(t, w.worker, victimId);
  const claims = await t.ctx.db.selectFrom('claims').select('id').where('victim_id', '=', victimId).execute();
  claimId = claims[0]!.id;
});
afterAll(async () => {
  await t.close();
});

const denied = (requestId: string) =>
  t.ctx.db
    .selectFrom('audit_events')
    .select(['actor_id', 'action', 'resource_type', 'resource_id', 'outcome', 'details'])
    .where('request_id', '=', requestId)
    .execute();

describe('out-of-reach identity records', () => {
  it.each([
    ['a victim', () => `/v1/victims/${victimId}`, 'victim', () => victimId],
    ['a victim’s figures', () => `/v1/victims/${victimId}/compensation`, 'victim', () => victimId],
    ['a victim’s access code', () => `/v1/victims/${victimId}/access-code`, 'victim', () => victimId],
    ['a claim', () => `/v1/claims/${claimId}`, 'claim', () => claimId],
  ])('leaves a denied event when another office reads %s', async (_what, path, type, id) => {
    const requestId = `out-of-reach-${crypto.randomUUID()}`;
    const res = await request(t.app)
      .get(path())
      .set('Authorization', w.outsider.authHeader)
      .set('X-Request-Id', requestId)
      .expect(404);
    expect(res.body.status).toBe(404);
    const events = await denied(requestId);
    expect(events).toEqual([
      {
        actor_id: expect.any(String),
        action: expect.stringMatching(/^[a-z-]+:[a-z]+$/),
        resource_type: type,
        resource_id: id(),
        outcome: 'denied',
        details: {},
      },
    ]);
    const text = JSON.stringify(events);
    for (const secret of [SECRET.fullName, SECRET.email, SECRET.passport, SECRET.caseNumber])
      expect(text).not.toContain(secret);
  });

  it('records nothing for an id that exists nowhere', async () => {
    const requestId = `no-such-${crypto.randomUUID()}`;
    await request(t.app)
      .get(`/v1/victims/${crypto.randomUUID()}`)
      .set('Authorization', w.outsider.authHeader)
      .set('X-Request-Id', requestId)
      .expect(404);
    expect(await denied(requestId)).toEqual([]);
  });

  it('records nothing when the owner reads it', async () => {
    const requestId = `owner-${crypto.randomUUID()}`;
    await request(t.app)
      .get(`/v1/victims/${victimId}`)
      .set('Authorization', w.worker.authHeader)
      .set('X-Request-Id', requestId)
      .expect(200);
    const events = await denied(requestId);
    expect(events.filter((e) => e.outcome === 'denied')).toEqual([]);
  });
});

describe('headers on what may carry identity data', () => {
  it('sends Cache-Control: no-store on /v1 answers, errors included', async () => {
    const ok = await request(t.app)
      .get(`/v1/victims/${victimId}`)
      .set('Authorization', w.worker.authHeader)
      .expect(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const list = await request(t.app).get('/v1/claims').set('Authorization', w.worker.authHeader).expect(200);
    expect(list.headers['cache-control']).toBe('no-store');
    const missing = await request(t.app)
      .get(`/v1/victims/${victimId}`)
      .set('Authorization', w.outsider.authHeader)
      .expect(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('gives /docs the same security headers as the rest', async () => {
    const res = await request(t.app).get('/docs/').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });
});
