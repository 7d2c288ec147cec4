import crypto from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { hashToken, TOKEN_CACHE_MS } from '../../src/lib/auth';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_MINUTES: '90' });
});
afterAll(async () => {
  await t.close();
});

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const login = (email: string, password: string) =>
  request(t.app).post('/v1/auth/login').send({ email, password });

describe('POST /v1/auth/login', () => {
  it('signs in with the right password and returns a working, expiring token', async () => {
    const admin = await aUser(t, { role: 'admin' });
    const before = Date.now();
    const res = await login(admin.email, admin.password).expect(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: admin.id, email: admin.email, role: 'admin', organizationId: null },
    });
    // TOKEN_TTL_MINUTES=90 → 5 400 000 ms after the request, within the request's duration
    const expires = Date.parse(res.body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 5_400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 5_400_000 + 1000);

    await request(t.app).get('/v1/users').set('Authorization', `Bearer ${res.body.token}`).expect(200);
  });

  it('finds the account whatever the case of the e-mail address', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const res = await login(`  ${worker.email.toUpperCase()}`, worker.password).expect(200);
    expect(res.body.user).toEqual({
      id: worker.id,
      email: worker.email,
      role: 'legal_aid',
      organizationId: worker.organizationId,
    });
  });

  it('answers a wrong password and an unknown e-mail identically with 401', async () => {
    const user = await aUser(t, { role: 'auditor' });
    const wrong = await login(user.email, `${user.password}x`).expect(401);
    const unknown = await login(`nobody-${crypto.randomUUID()}@test.example.org`, user.password).expect(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.body).toEqual({
      type: expect.any(String),
      title: 'Unauthorized',
      status: 401,
      detail: 'The e-mail address or password is wrong.',
    });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.token).toBeUndefined();
  });

  it('refuses a deactivated account with the same 401, and ends its open sessions', async () => {
    const user = await aUser(t, { role: 'fund_admin' });
    await t.ctx.db.updateTable('users').set({ active: false }).where('id', '=', user.id).execute();
    const res = await login(user.email, user.password).expect(401);
    expect(res.body.detail).toBe('The e-mail address or password is wrong.');
    await request(t.app).post('/v1/auth/logout').set('Authorization', user.authHeader).expect(401);
  });

  it('records the success and the failure in the audit trail, with a hash in place of the e-mail', async () => {
    const user = await aUser(t, { role: 'legal_aid' });
    await login(user.email, 'not the password at all').expect(401);
    await login(user.email, user.password).expect(200);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'action', 'outcome', 'resource_id', 'details'])
      .where('action', '=', 'auth.login')
      .where('resource_id', '=', user.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => [e.outcome, e.actor_id])).toEqual([
      ['failure', null],
      ['success', user.id],
    ]);
    for (const e of events) {
      expect(e.details).toMatchObject({ accountKey: sha256(user.email) });
      expect(JSON.stringify(e.details)).not.toContain(user.email);
      expect(JSON.stringify(e.details)).not.toContain(user.password);
    }
  });

  it('audits a failure for an unknown e-mail with no actor and no resource', async () => {
    const email = `ghost-${crypto.randomUUID()}@test.example.org`;
    await login(email, 'whatever password').expect(401);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'actor_role', 'resource_id', 'outcome', 'details'])
      .where('action', '=', 'auth.login')
      .where(sql<boolean>`details->>'accountKey' = ${sha256(email)}`)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_id: null, actor_role: null, resource_id: null, outcome: 'failure' });
    expect(JSON.stringify(event.details)).not.toContain('ghost-');
  });
});

describe('bearer tokens', () => {
  it('are stored only as their SHA-256, and passwords only as scrypt hashes', async () => {
    const user = await aUser(t, { role: 'admin' });
    const res = await login(user.email, user.password).expect(200);
    const token: string = res.body.token;

    const tokens = await sql<{ row: string }>`select t::text as row from auth_tokens t`.execute(t.ctx.db);
    const users = await sql<{ row: string }>`select u::text as row from users u`.execute(t.ctx.db);
    const everything = [...tokens.rows, ...users.rows].map((r) => r.row).join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(user.token);
    expect(everything).not.toContain(user.password);

    const stored = await t.ctx.db
      .selectFrom('auth_tokens')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(stored.map((s) => s.token_hash).sort()).toEqual([sha256(token), sha256(user.token)].sort());
    const row = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  });

  it('stop working once expired', async () => {
    const admin = await aUser(t, { role: 'admin' });
    await t.ctx.db
      .updateTable('auth_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('token_hash', '=', hashToken(admin.token))
      .execute();
    const res = await request(t.app).get('/v1/users').set('Authorization', admin.authHeader).expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('stop working within the token cache period when expired behind the back of a process that just used them', async () => {
    const admin = await aUser(t, { role: 'admin' });
    await request(t.app).get('/v1/users').set('Authorization', admin.authHeader).expect(200);
    await t.ctx.db
      .updateTable('auth_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('token_hash', '=', hashToken(admin.token))
      .execute();
    await new Promise((r) => setTimeout(r, TOKEN_CACHE_MS + 100));
    await request(t.app).get('/v1/users').set('Authorization', admin.authHeader).expect(401);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['another scheme', 'Basic YWRtaW46cGFzc3dvcmQ='],
    ['a token too short to be one', 'Bearer abc'],
    ['characters a token never has', 'Bearer abc$def/ghi+jkl=mnopqrstuvwxyz'],
    ['two tokens', 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbb'],
    ['a well-formed token nobody was given', `Bearer ${crypto.randomBytes(32).toString('base64url')}`],
  ])('are refused with a problem+json 401 for %s', async (_label, header) => {
    const req = request(t.app).get('/v1/organizations');
    if (header !== undefined) req.set('Authorization', header);
    const res = await req.expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });
});

describe('POST /v1/auth/logout', () => {
  it('answers 204 and the token stops working at once; other sessions go on', async () => {
    const admin = await aUser(t, { role: 'admin' });
    const second = (await login(admin.email, admin.password).expect(200)).body.token as string;

    await request(t.app).post('/v1/auth/logout').set('Authorization', admin.authHeader).expect(204, '');
    await request(t.app).get('/v1/users').set('Authorization', admin.authHeader).expect(401);
    await request(t.app).post('/v1/auth/logout').set('Authorization', admin.authHeader).expect(401);
    await request(t.app).get('/v1/users').set('Authorization', `Bearer ${second}`).expect(200);

    const row = await t.ctx.db
      .selectFrom('auth_tokens')
      .select('revoked_at')
      .where('token_hash', '=', hashToken(admin.token))
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeInstanceOf(Date);
  });

  it('is recorded in the audit trail with the caller as actor', async () => {
    const auditor = await aUser(t, { role: 'auditor' });
    await request(t.app).post('/v1/auth/logout').set('Authorization', auditor.authHeader).expect(204);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'actor_role', 'outcome'])
      .where('action', '=', 'auth.logout')
      .where('resource_id', '=', auditor.id)
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ actor_id: auditor.id, actor_role: 'auditor', outcome: 'success' });
  });
});
