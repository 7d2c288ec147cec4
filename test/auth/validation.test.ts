import request from 'supertest';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, { role: 'admin' });
});
afterAll(async () => {
  await t.close();
});

const TABLES = ['organizations', 'users', 'auth_tokens', 'login_attempts', 'audit_events', 'outbox'] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    out[table] = (await t.ctx.db.selectFrom(table).select('id').execute()).length;
  }
  return out;
}

const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
const good = { email: 'valid@test.example.org', name: 'Valid', password: 'twelve chars!', role: 'auditor' };

type Case = [label: string, method: 'get' | 'post', path: string, body: unknown, paths: string[]];

const CASES: Case[] = [
  ['login without fields', 'post', '/v1/auth/login', {}, ['email', 'password']],
  [
    'login with a malformed e-mail',
    'post',
    '/v1/auth/login',
    { email: 'not-an-email', password: 'x' },
    ['email'],
  ],
  [
    'login with an empty password',
    'post',
    '/v1/auth/login',
    { email: 'a@b.org', password: '' },
    ['password'],
  ],
  [
    'login with a huge password',
    'post',
    '/v1/auth/login',
    { email: 'a@b.org', password: 'x'.repeat(1025) },
    ['password'],
  ],
  ['login with wrong types', 'post', '/v1/auth/login', { email: 42, password: ['x'] }, ['email', 'password']],
  [
    'login with an unknown field',
    'post',
    '/v1/auth/login',
    { email: 'a@b.org', password: 'x', remember: true },
    ['remember'],
  ],
  ['logout with an unknown field', 'post', '/v1/auth/logout', { everywhere: true }, ['everywhere']],
  ['an organization without fields', 'post', '/v1/organizations', {}, ['name', 'kind']],
  [
    'an organization with a blank name',
    'post',
    '/v1/organizations',
    { name: '   ', kind: 'other' },
    ['name'],
  ],
  [
    'an organization with a too long name',
    'post',
    '/v1/organizations',
    { name: 'x'.repeat(201), kind: 'other' },
    ['name'],
  ],
  ['an organization of an unknown kind', 'post', '/v1/organizations', { name: 'X', kind: 'court' }, ['kind']],
  [
    'an organization with an id',
    'post',
    '/v1/organizations',
    { name: 'X', kind: 'other', id: 'mine' },
    ['id'],
  ],
  ['organizations with limit 0', 'get', '/v1/organizations?limit=0', undefined, ['limit']],
  ['organizations with limit 501', 'get', '/v1/organizations?limit=501', undefined, ['limit']],
  ['organizations with a word for a limit', 'get', '/v1/organizations?limit=ten', undefined, ['limit']],
  ['organizations with a made-up cursor', 'get', '/v1/organizations?cursor=garbage', undefined, ['cursor']],
  [
    'organizations with a forged cursor',
    'get',
    `/v1/organizations?cursor=${cursorOf(['a', 'not-a-uuid'])}`,
    undefined,
    ['cursor'],
  ],
  ['organizations with an unknown parameter', 'get', '/v1/organizations?sort=name', undefined, ['sort']],
  ['a user without fields', 'post', '/v1/users', {}, ['email', 'name', 'password', 'role']],
  [
    'a user with an 11-character password',
    'post',
    '/v1/users',
    { ...good, password: 'eleven char' },
    ['password'],
  ],
  ['a user with an unknown role', 'post', '/v1/users', { ...good, role: 'superuser' }, ['role']],
  [
    'a user with a malformed e-mail',
    'post',
    '/v1/users',
    { ...good, email: 'valid.test.example.org' },
    ['email'],
  ],
  [
    'a user with a malformed organization id',
    'post',
    '/v1/users',
    { ...good, organizationId: 'abc' },
    ['organizationId'],
  ],
  [
    'a user with a password hash',
    'post',
    '/v1/users',
    { ...good, passwordHash: 'scrypt$1$1$1$a$b' },
    ['passwordHash'],
  ],
  ['a user with a numeric name', 'post', '/v1/users', { ...good, name: 7 }, ['name']],
  ['users of an unknown role', 'get', '/v1/users?role=root', undefined, ['role']],
  [
    'users of a malformed organization id',
    'get',
    '/v1/users?organizationId=xyz',
    undefined,
    ['organizationId'],
  ],
  ['users with a made-up cursor', 'get', '/v1/users?cursor=!!!', undefined, ['cursor']],
  ['users with a forged cursor', 'get', `/v1/users?cursor=${cursorOf([1])}`, undefined, ['cursor']],
  ['users with a negative limit', 'get', '/v1/users?limit=-1', undefined, ['limit']],
];

describe('bad input on every identity endpoint', () => {
  it.each(CASES)(
    'refuses %s with a 400 naming the fields, writing nothing',
    async (_label, method, path, body, paths) => {
      const before = await counts();
      let req = request(t.app)[method](path).set('Authorization', admin.authHeader);
      if (body !== undefined) req = req.send(body as object);
      const res = await req;
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
      const reported = (res.body.errors as Array<{ path: string; message: string }>).map((e) => e.path);
      expect([...new Set(reported)].sort()).toEqual([...paths].sort());
      for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
      expect(await counts()).toEqual(before);
    },
  );

  it.each(['/v1/auth/login', '/v1/auth/logout', '/v1/organizations', '/v1/users'])(
    'answers malformed JSON and a non-JSON body on POST %s with 400 and 415, writing nothing',
    async (path) => {
      const before = await counts();
      const malformed = await request(t.app)
        .post(path)
        .set('Authorization', admin.authHeader)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.title).toBe('Malformed JSON');
      const text = await request(t.app)
        .post(path)
        .set('Authorization', admin.authHeader)
        .set('Content-Type', 'text/plain')
        .send('name=x');
      expect(text.status).toBe(415);
      expect(text.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await counts()).toEqual(before);
    },
  );

  it('leaves the session open after a refused logout body', async () => {
    await request(t.app).get('/v1/users').set('Authorization', admin.authHeader).expect(200);
  });
});
