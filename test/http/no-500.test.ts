import crypto from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../src/lib/auth';
import { createUser, type TestUser } from '../helpers/factories';
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
    users[role] = await createUser(t, { role });
  }
}, 60000);
afterAll(async () => {
  await t.close();
});

const HOSTILE_BODIES: unknown[] = [
  {},
  [],
  { amount: 12.5, currency: 'THB' },
  { amount: '1e400', currency: 'XXX', heads: 'x', postings: [{}], to: null },
  { id: "1' or '1'='1", name: 'x'.repeat(5000), victimId: 'not-a-uuid', fundId: -1 },
  { __proto__: { admin: true }, constructor: { prototype: { x: 1 } } },
  'just a string',
  null,
];

function fillPath(path: string, value: string): string {
  return path.replace(/:(\w+)/g, value);
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
          const bodies = route.method === 'get' ? [undefined] : HOSTILE_BODIES;
          for (const body of bodies) {
            const call = request(t.app);
            let req = call[route.method](`${path}?limit=abc&cursor=%00&asOf=yesterday&from=2026-13-45`)
              .set('Authorization', users[role].authHeader)
              .set('Idempotency-Key', crypto.randomUUID());
            if (body !== undefined)
              req = req.set('content-type', 'application/json').send(JSON.stringify(body));
            const res = await req;
            if (res.status >= 500) {
              failures.push(
                `${route.method.toUpperCase()} ${path} as ${role} with ${JSON.stringify(body)} → ${res.status} ${res.text.slice(0, 200)}`,
              );
            } else if (res.status >= 400 && !path.startsWith('/status')) {
              // The HTML status page answers in HTML; everything under /v1 speaks problem+json.
              if (!/application\/problem\+json/.test(String(res.headers['content-type']))) {
                failures.push(
                  `${route.method.toUpperCase()} ${path} as ${role} → ${res.status} ${String(res.headers['content-type'])}`,
                );
              }
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240000);
});
