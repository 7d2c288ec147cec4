import crypto from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../src/lib/auth';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * "A 500 is a bug": every registered endpoint, called by every role with hostile or malformed
 * input, must answer with a deliberate status (never 5xx), and errors as problem+json.
 */
let t: TestApp;
const users = {} as Record<Role, TestUser>;

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ['admin', 'legal_aid', 'fund_admin', 'auditor'] as const) {
    users[role] = await aUser(t, { role });
  }
}, 60000);
afterAll(async () => {
  await t.close();
});

/** Request bodies as the JSON text sent. */
const HOSTILE_BODIES: string[] = [
  {},
  [],
  { amount: 12.5, currency: 'THB' },
  { amount: '1e400', currency: 'XXX', heads: 'x', postings: [{}], to: null },
  { id: "1' or '1'='1", name: 'x'.repeat(5000), victimId: 'not-a-uuid', fundId: -1 },
  'just a string',
  null,
].map((body) => JSON.stringify(body));

/**
 * Prototype keys as raw JSON text: an object literal `{ __proto__: … }` sets the literal's
 * prototype instead of making an own key, so JSON.stringify would send `{}`. No route may
 * accept these: each must be refused with a 4xx.
 */
const PROTOTYPE_PROBES: string[] = [
  '{"__proto__":{"admin":true},"name":"x"}',
  '{"constructor":{"prototype":{"admin":true}},"name":"x"}',
];

function fillPath(path: string, value: string): string {
  return path.replace(/:(\w+)/g, value);
}

/** What is wrong with one call's answer, or null when it is a deliberate non-5xx answer. */
async function probe(
  route: { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string },
  path: string,
  role: Role,
  body: string | undefined,
): Promise<{ status: number; failure: string | null }> {
  const call = request(t.app);
  let req = call[route.method](`${path}?limit=abc&cursor=%00&asOf=yesterday&from=2026-13-45`)
    .set('Authorization', users[role].authHeader)
    .set('Idempotency-Key', crypto.randomUUID());
  if (body !== undefined) req = req.set('content-type', 'application/json').send(body);
  const res = await req;
  const what = `${route.method.toUpperCase()} ${path} as ${role}`;
  if (res.status >= 500)
    return { status: res.status, failure: `${what} with ${body} → ${res.status} ${res.text.slice(0, 200)}` };
  // The HTML status page answers in HTML; everything under /v1 speaks problem+json.
  if (
    res.status >= 400 &&
    !path.startsWith('/status') &&
    !/application\/problem\+json/.test(String(res.headers['content-type']))
  )
    return { status: res.status, failure: `${what} → ${res.status} ${String(res.headers['content-type'])}` };
  return { status: res.status, failure: null };
}

describe('no endpoint answers 5xx to malformed or hostile input', () => {
  const pathValues = () => [crypto.randomUUID(), 'not-a-uuid', '0', '%27%3B--', '99999999999999999999'];

  it('holds for every route, every role and every hostile body', async () => {
    const routes = t.ctx.openapi.list();
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const route of routes) {
      for (const role of Object.keys(users) as Role[]) {
        for (const value of pathValues()) {
          const path = fillPath(route.path, value);
          for (const body of route.method === 'get' ? [undefined] : HOSTILE_BODIES) {
            const { failure } = await probe(route, path, role, body);
            if (failure) failures.push(failure);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240000);

  it('never answers 5xx to prototype keys sent as raw JSON text, nor takes them', async () => {
    const routes = t.ctx.openapi.list().filter((r) => r.method !== 'get');
    expect(routes.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const route of routes) {
      const path = fillPath(route.path, crypto.randomUUID());
      for (const role of Object.keys(users) as Role[]) {
        for (const body of PROTOTYPE_PROBES) {
          const { status, failure } = await probe(route, path, role, body);
          if (failure) failures.push(failure);
          else if (status < 400)
            failures.push(`${route.method.toUpperCase()} ${path} as ${role} took ${body} → ${status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240000);

  it('refuses a body the route would take, for its prototype key alone', async () => {
    const organizations = async () =>
      (await t.ctx.db.selectFrom('organizations').select('id').execute()).length;
    const send = (text: string) =>
      request(t.app)
        .post('/v1/organizations')
        .set('Authorization', users.admin.authHeader)
        .set('content-type', 'application/json')
        .send(text);
    for (const key of ['__proto__', 'constructor']) {
      const before = await organizations();
      const res = await send(`{"${key}":{"kind":"other"},"name":"Probe office","kind":"legal_aid"}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: key, message: expect.any(String) }]);
      expect(await organizations()).toBe(before);
    }
    // the same body without the key is taken: the key alone made the difference
    await send('{"name":"Probe office","kind":"legal_aid"}').expect(201);
  });
});
