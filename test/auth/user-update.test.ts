import request from 'supertest';
import { aUser, type UserWithPassword } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

// PATCH /v1/users/:id: deactivating an account signs it out everywhere and keeps it out.

let t: TestApp;
let admin: UserWithPassword;
beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, { role: 'admin' });
});
afterAll(() => t.close());

const patch = (by: UserWithPassword, id: string, body: unknown) =>
  request(t.app)
    .patch(`/v1/users/${id}`)
    .set('Authorization', by.authHeader)
    .send(body as object);
const me = (user: UserWithPassword) => request(t.app).get('/v1/claims').set('Authorization', user.authHeader);
const login = (user: UserWithPassword) =>
  request(t.app).post('/v1/auth/login').send({ email: user.email, password: user.password });

describe('deactivating and reactivating an account', () => {
  it('revokes every token at once, refuses sign-in while inactive, and lets sign-in work again after reactivation', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const second = (await login(worker).expect(200)).body.token as string;
    await me(worker).expect(200); // the token is now in this process's cache

    const res = await patch(admin, worker.id, { active: false }).expect(200);
    expect(res.body).toMatchObject({ id: worker.id, active: false });
    await me(worker).expect(401);
    await request(t.app).get('/v1/claims').set('Authorization', `Bearer ${second}`).expect(401);
    await login(worker).expect(401);
    const live = await t.ctx.db
      .selectFrom('auth_tokens')
      .select('id')
      .where('user_id', '=', worker.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);

    await patch(admin, worker.id, { active: true }).expect(200);
    const again = (await login(worker).expect(200)).body.token as string;
    await request(t.app).get('/v1/claims').set('Authorization', `Bearer ${again}`).expect(200);

    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id', 'details'])
      .where('resource_type', '=', 'user')
      .where('resource_id', '=', worker.id)
      .where('action', 'in', ['user.deactivate', 'user.activate'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'user.deactivate', actor_id: admin.id, details: { active: false, tokensRevoked: 2 } },
      { action: 'user.activate', actor_id: admin.id, details: { active: true } },
    ]);
  });

  it('lets only an administrator change `active`, never on their own account, and refuses an empty change', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const res = await patch(worker, worker.id, { active: false }).expect(403);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await patch(admin, admin.id, { active: false }).expect(409);
    await patch(admin, worker.id, {}).expect(400);
    await patch(admin, worker.id, { active: 'no' }).expect(400);
    const rows = await t.ctx.db
      .selectFrom('users')
      .select(['id', 'active'])
      .where('id', 'in', [worker.id, admin.id])
      .execute();
    expect(rows.every((r) => r.active)).toBe(true);
    await me(worker).expect(200);
  });

  it.each([
    ['an empty change', {}],
    ['an unknown language', { preferredLanguage: 'xx' }],
    ['active as a string', { active: 'no' }],
    ['a field that does not exist', { role: 'admin' }],
    ['an array', [{ active: false }]],
  ])('refuses %s with 400 problem+json and changes nothing', async (_label, body) => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const row = () =>
      t.ctx.db.selectFrom('users').selectAll().where('id', '=', worker.id).executeTakeFirstOrThrow();
    const before = await row();
    const res = await patch(admin, worker.id, body).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400 });
    expect(await row()).toEqual(before);
    await me(worker).expect(200);
  });

  it('refuses an id that is not a UUID with 400 problem+json', async () => {
    const res = await patch(admin, 'not-a-uuid', { preferredLanguage: 'th' }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
