import crypto from 'node:crypto';
import request from 'supertest';
import { ROLES, roleMay, type Permission, type Role } from '../../src/lib/auth';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface RouteCase {
  method: 'get' | 'post' | 'patch';
  path: string;
  /** The URL to call when the path has a parameter (given the caller's own user id). */
  url?: (userId: string) => string;
  permission: Permission;
  /** A valid body, so an allowed role's call succeeds. */
  body?: () => object;
  /** The table a successful call adds a row to (and a refused one must not). */
  writes?: 'organizations' | 'users' | 'auth_tokens';
}

const unique = () => crypto.randomBytes(4).toString('hex');

// Every route of identity and access that needs a token, with the permission it should need.
const ROUTES: RouteCase[] = [
  { method: 'post', path: '/v1/auth/logout', permission: 'auth:session', body: () => ({}) },
  {
    method: 'post',
    path: '/v1/organizations',
    permission: 'organizations:create',
    body: () => ({ name: `Matrix org ${unique()}`, kind: 'other' }),
    writes: 'organizations',
  },
  { method: 'get', path: '/v1/organizations', permission: 'organizations:read' },
  {
    method: 'post',
    path: '/v1/users',
    permission: 'users:create',
    body: () => ({
      email: `matrix-${unique()}@test.example.org`,
      name: 'Matrix',
      password: 'twelve chars!',
      role: 'auditor',
    }),
    writes: 'users',
  },
  { method: 'get', path: '/v1/users', permission: 'users:read' },
  {
    method: 'patch',
    path: '/v1/users/:id',
    url: (userId) => `/v1/users/${userId}`, // everyone may set their own e-mail language
    permission: 'auth:session',
    body: () => ({ preferredLanguage: 'th' }),
  },
];

async function rowCount(table: 'organizations' | 'users' | 'auth_tokens'): Promise<number> {
  return (await t.ctx.db.selectFrom(table).select('id').execute()).length;
}

describe('every role against the permission table', () => {
  it('declares each route with exactly the permission this test expects', () => {
    // the registry behind /openapi.json: what defineRoute enforces is what it documents
    const declared = t.ctx.openapi.list();
    const find = (method: string, path: string) =>
      declared.find((d) => d.method === method && d.path === path);
    for (const r of ROUTES) expect(find(r.method, r.path)?.permission).toBe(r.permission);
    // login is the one public route
    expect(find('post', '/v1/auth/login')?.permission).toBeNull();
    // and no route of these tags escapes this table
    const ours = declared
      .filter((d) => d.tags.some((tag) => ['auth', 'organizations', 'users'].includes(tag)))
      .filter((d) => d.path !== '/v1/auth/login')
      .map((d) => `${d.method} ${d.path}`)
      .sort();
    expect(ours).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  const cases = ROUTES.flatMap((r) =>
    ROLES.map((role) => [role, `${r.method.toUpperCase()} ${r.path}`, r] as [Role, string, RouteCase]),
  );
  it.each(cases)('%s calling %s is allowed or refused as the table says', async (role, _label, r) => {
    const user = await aUser(t, { role });
    const before = r.writes ? await rowCount(r.writes) : 0;
    const url = r.url ? r.url(user.id) : r.path;
    let req = request(t.app)[r.method](url).set('Authorization', user.authHeader);
    if (r.body) req = req.send(r.body());
    const res = await req;

    if (roleMay(role, r.permission)) {
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      if (r.writes) expect(await rowCount(r.writes)).toBe(before + 1);
    } else {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 403, title: 'Forbidden' });
      if (r.writes) expect(await rowCount(r.writes)).toBe(before);
    }
  });

  it('refuses every role-guarded route without a token (401), before looking at the body', async () => {
    for (const r of ROUTES) {
      const call = request(t.app)[r.method](r.url ? r.url('00000000-0000-4000-8000-000000000000') : r.path);
      const res = await call.send(r.body ? { nonsense: true } : undefined);
      expect(res.status).toBe(401);
    }
  });
});
