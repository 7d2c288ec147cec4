import crypto from 'node:crypto';
import request from 'supertest';
import { anOffice, aUser, type TestUser } from '../helpers/factories';
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

const post = (path: string, body: object) =>
  request(t.app).post(path).set('Authorization', admin.authHeader).send(body);
const get = (path: string) => request(t.app).get(path).set('Authorization', admin.authHeader);
const uniqueEmail = (tag: string) => `${tag}-${crypto.randomBytes(4).toString('hex')}@test.example.org`;

describe('organizations', () => {
  it('creates an organization (201) and audits it', async () => {
    const res = await post('/v1/organizations', { name: '  Northern Legal Aid  ', kind: 'legal_aid' }).expect(
      201,
    );
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Northern Legal Aid',
      kind: 'legal_aid',
      createdAt: expect.any(String),
    });
    const row = await t.ctx.db
      .selectFrom('organizations')
      .select(['name', 'kind'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'Northern Legal Aid', kind: 'legal_aid' });
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'outcome', 'request_id'])
      .where('action', '=', 'organization.create')
      .where('resource_id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(event).toEqual({
      actor_id: admin.id,
      outcome: 'success',
      request_id: res.headers['x-request-id'],
    });
  });

  it('lists organizations by name, a page at a time, every one exactly once', async () => {
    const tag = crypto.randomBytes(3).toString('hex');
    for (const letter of ['E', 'B', 'D', 'A', 'C']) {
      await post('/v1/organizations', { name: `Paging ${tag} ${letter}`, kind: 'other' }).expect(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await get(
        `/v1/organizations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((o: { name: string }) => o.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 50);
    const ours = seen.filter((n) => n.startsWith(`Paging ${tag}`));
    expect(ours).toEqual(['A', 'B', 'C', 'D', 'E'].map((l) => `Paging ${tag} ${l}`));
    expect(new Set(seen).size).toBe(seen.length);

    const all = await get('/v1/organizations?limit=500').expect(200);
    expect(all.body.items.map((o: { name: string }) => o.name)).toEqual(seen);
    expect(all.body.nextCursor).toBeNull();
  });
});

describe('users', () => {
  it('creates a user (201), stores only a password hash, queues a welcome e-mail with only the id, and audits it', async () => {
    const office = await anOffice(t, 'legal_aid');
    const password = 'a long enough passphrase';
    const email = uniqueEmail('Worker');
    const kicks: Array<Promise<number>> = [];
    const originalOutbox = t.ctx.outbox;
    // kick() must come after the commit: another connection must already see the message
    t.ctx.outbox = {
      kick: () => {
        kicks.push(
          t.ctx.db
            .selectFrom('outbox')
            .select('id')
            .where('topic', '=', 'user.welcome')
            .execute()
            .then((rows) => rows.length),
        );
      },
    };
    let res: request.Response;
    try {
      res = await post('/v1/users', {
        email,
        name: 'Wanjiru Worker',
        password,
        role: 'legal_aid',
        organizationId: office.id,
      }).expect(201);
    } finally {
      t.ctx.outbox = originalOutbox;
    }
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: email.toLowerCase(),
      name: 'Wanjiru Worker',
      role: 'legal_aid',
      organizationId: office.id,
      active: true,
      createdAt: expect.any(String),
      preferredLanguage: 'en',
    });

    const row = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain(password);

    const messages = await t.ctx.db
      .selectFrom('outbox')
      .select(['topic', 'payload'])
      .where('topic', '=', 'user.welcome')
      .execute();
    expect(messages).toEqual([{ topic: 'user.welcome', payload: { userId: res.body.id } }]);
    expect(kicks).toHaveLength(1);
    await expect(kicks[0]).resolves.toBe(1);

    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'details'])
      .where('action', '=', 'user.create')
      .where('resource_id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(event.actor_id).toBe(admin.id);
    expect(event.details).toMatchObject({ role: 'legal_aid', organizationId: office.id });
    expect(JSON.stringify(event.details)).not.toContain(email.toLowerCase());

    // and the new user can sign in with that password
    await request(t.app).post('/v1/auth/login').send({ email, password }).expect(200);
  });

  it('refuses a second user with the same e-mail in any case with 409, writing nothing', async () => {
    const email = uniqueEmail('dup');
    await post('/v1/users', { email, name: 'First', password: 'first password!!', role: 'auditor' }).expect(
      201,
    );
    const count = async () => (await t.ctx.db.selectFrom('users').select('id').execute()).length;
    const before = await count();
    const res = await post('/v1/users', {
      email: email.toUpperCase(),
      name: 'Second',
      password: 'second password!',
      role: 'admin',
    }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 409,
      detail: 'A user with this e-mail address already exists.',
    });
    expect(await count()).toBe(before);
  });

  it('lets admins and auditors exist without an organization', async () => {
    for (const role of ['admin', 'auditor']) {
      const res = await post('/v1/users', {
        email: uniqueEmail(role),
        name: role,
        password: 'twelve chars!',
        role,
      }).expect(201);
      expect(res.body.organizationId).toBeNull();
    }
    const auditorInOffice = await post('/v1/users', {
      email: uniqueEmail('auditor'),
      name: 'Inspector',
      password: 'twelve chars!',
      role: 'auditor',
      organizationId: (await anOffice(t, 'other')).id,
    });
    expect(auditorInOffice.status).toBe(201);
  });

  it.each([
    ['a legal_aid user without an organization', 'legal_aid', null, 'is required for a legal_aid user'],
    ['a fund_admin user without an organization', 'fund_admin', null, 'is required for a fund_admin user'],
    [
      'a fund_admin user in a legal aid office',
      'fund_admin',
      'legal_aid',
      'a fund_admin user must belong to an organization of kind fund_agency, not legal_aid',
    ],
    [
      'a legal_aid user in a fund agency',
      'legal_aid',
      'fund_agency',
      'a legal_aid user must belong to an organization of kind legal_aid or other, not fund_agency',
    ],
    ['a user in an organization that does not exist', 'legal_aid', 'missing', 'no such organization'],
  ] as const)('refuses %s with 400 on organizationId', async (_label, role, orgKind, message) => {
    const organizationId =
      orgKind === null
        ? undefined
        : orgKind === 'missing'
          ? crypto.randomUUID()
          : (await anOffice(t, orgKind)).id;
    const email = uniqueEmail('refused');
    const res = await post('/v1/users', {
      email,
      name: 'X',
      password: 'twelve chars!',
      role,
      organizationId,
    }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path: 'organizationId', message }]);
    const row = await t.ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('lists users by e-mail without any password hash, filtered and a page at a time', async () => {
    const office = await anOffice(t, 'fund_agency');
    const created: string[] = [];
    for (const name of ['c', 'a', 'b']) {
      const res = await post('/v1/users', {
        email: `${name}-${office.id.slice(0, 8)}@list.example.org`,
        name,
        password: 'twelve chars!',
        role: 'fund_admin',
        organizationId: office.id,
      }).expect(201);
      created.push(res.body.email);
    }
    const first = await get(`/v1/users?organizationId=${office.id}&limit=2`).expect(200);
    expect(first.body.items.map((u: { email: string }) => u.email)).toEqual([...created].sort().slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(
      `/v1/users?organizationId=${office.id}&limit=2&cursor=${first.body.nextCursor}`,
    ).expect(200);
    expect(second.body.items.map((u: { email: string }) => u.email)).toEqual([[...created].sort()[2]]);
    expect(second.body.nextCursor).toBeNull();

    const all = await get('/v1/users?limit=500').expect(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(all.body);
    expect(text).not.toMatch(/password|scrypt/i);
    for (const u of all.body.items) {
      expect(Object.keys(u).sort()).toEqual([
        'active',
        'createdAt',
        'email',
        'id',
        'name',
        'organizationId',
        'preferredLanguage',
        'role',
      ]);
    }
    const auditors = await get('/v1/users?role=auditor').expect(200);
    expect(auditors.body.items.length).toBeGreaterThan(0);
    expect(auditors.body.items.every((u: { role: string }) => u.role === 'auditor')).toBe(true);
  });
});
