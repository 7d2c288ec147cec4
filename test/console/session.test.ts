import request from 'supertest';
import { sql } from 'kysely';
import { CONSOLE_CSP } from '../../src/console/render';
import { aUser } from '../helpers/factories';
import { consoleFor } from '../helpers/console';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Sign-in, sign-out, idle timeout, deactivation, CSRF and the language switch of the console. */
let t: TestApp;

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const cookieOf = (res: request.Response, name: string) =>
  ((res.headers['set-cookie'] ?? []) as unknown as string[]).find((c) => c.startsWith(`${name}=`));
const formToken = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('signing in to the console', () => {
  it('sends a visitor without a session to the sign-in page, coming back to where they were going', async () => {
    const res = await request(t.app).get('/console/funds').expect(303);
    expect(res.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Ffunds');
  });

  it('serves the sign-in page with a strict CSP, no inline script or style, and the chosen language', async () => {
    const res = await request(t.app).get('/console/sign-in?language=th').expect(200);
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(res.text).toContain('<html lang="th"');
    expect(res.text).not.toMatch(/<script|style=|<style/i);
  });

  it('refuses a sign-in without the form token (CSRF) and opens no session', async () => {
    const user = await aUser(t, { role: 'admin' });
    const res = await request(t.app)
      .post('/console/sign-in')
      .type('form')
      .send({ email: user.email, password: user.password })
      .expect(403);
    expect(cookieOf(res, 'redress_console')).toBeUndefined();
  });

  it('signs in through the form with the API login (cookie HttpOnly, SameSite) and out again, revoking it', async () => {
    const user = await aUser(t, { role: 'admin' });
    const agent = request.agent(t.app);
    const page = await agent.get('/console/sign-in').expect(200);
    const wrong = await agent
      .post('/console/sign-in')
      .type('form')
      .send({ _csrf: formToken(page.text), email: user.email, password: 'not-the-password' })
      .expect(401);
    expect(wrong.text).toContain('The e-mail address or the password is not right.');

    const again = await agent.get('/console/sign-in').expect(200);
    const ok = await agent
      .post('/console/sign-in')
      .type('form')
      .send({ _csrf: formToken(again.text), email: user.email, password: user.password })
      .expect(303);
    expect(ok.headers.location).toBe('/console/admin/users');
    const session = cookieOf(ok, 'redress_console')!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\/console/);
    const cookie = session.split(';')[0]!;

    const home = await request(t.app).get('/console/no-such-page').set('Cookie', cookie).expect(404);
    const csrf = formToken(home.text)!;
    // without its token the sign-out form is refused and the session stays
    await request(t.app).post('/console/sign-out').set('Cookie', cookie).type('form').send({}).expect(403);
    await request(t.app).get('/console/no-such-page').set('Cookie', cookie).expect(404);

    await request(t.app)
      .post('/console/sign-out')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, _formKey: 'sign-out-key-0123456789' })
      .expect(303);
    const after = await request(t.app).get('/console/no-such-page').set('Cookie', cookie).expect(303);
    expect(after.headers.location).toMatch(/^\/console\/sign-in/);
    const row = await t.ctx.db
      .selectFrom('auth_tokens')
      .select(['revoked_at', 'channel'])
      .where('user_id', '=', user.id)
      .where('channel', '=', 'console')
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
  });
});

describe('a console session', () => {
  it('ends when the user is deactivated', async () => {
    const admin = await aUser(t, { role: 'admin' });
    const worker = await aUser(t, { role: 'legal_aid' });
    const c = await consoleFor(t, worker);
    await c.get('/console/no-such-page').expect(404);
    await request(t.app)
      .patch(`/v1/users/${worker.id}`)
      .set('Authorization', admin.authHeader)
      .send({ active: false })
      .expect(200);
    const res = await c.get('/console/no-such-page').expect(303);
    expect(res.headers.location).toMatch(/^\/console\/sign-in/);
  });

  it('ends after the idle timeout, but not before', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const c = await consoleFor(t, worker);
    const idle = t.config.consoleIdleMinutes;
    await sql`update auth_tokens set last_used_at = now() - make_interval(mins => ${idle - 1})
      where user_id = ${worker.id} and channel = 'console'`.execute(t.ctx.db);
    await c.get('/console/no-such-page').expect(404);
    await sql`update auth_tokens set last_used_at = now() - make_interval(mins => ${idle + 1})
      where user_id = ${worker.id} and channel = 'console'`.execute(t.ctx.db);
    await c.get('/console/no-such-page').expect(303);
  });

  it('opens no console page with an API token', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    await request(t.app)
      .get('/console/no-such-page')
      .set('Cookie', `redress_console=${worker.token}`)
      .expect(303);
  });

  it('switches the language for every page and keeps it as the user preference', async () => {
    const worker = await aUser(t, { role: 'fund_admin' });
    const c = await consoleFor(t, worker);
    const res = await c
      .post('/console/language', { language: 'km', back: '/console/no-such-page' })
      .expect(303);
    expect(res.headers.location).toBe('/console/no-such-page');
    const page = await c.get('/console/no-such-page').expect(404);
    expect(page.text).toContain('<html lang="km"');
    // an outside address is never a redirect target
    const outside = await c
      .post('/console/language', { language: 'en', back: 'https://evil.example/' })
      .expect(303);
    expect(outside.headers.location).toBe('/console/funds');
  });

  it('refuses a form without its CSRF token and changes nothing', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const c = await consoleFor(t, worker);
    await c.post('/console/language', { language: 'th', _csrf: 'forged' }).expect(403);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('preferred_language')
      .where('id', '=', worker.id)
      .executeTakeFirstOrThrow();
    expect(row.preferred_language).toBe('en');
  });

  it('runs a form sent twice with the same key once, and tells the second time so', async () => {
    const worker = await aUser(t, { role: 'legal_aid' });
    const c = await consoleFor(t, worker);
    const form = { language: 'vi', back: '/console/no-such-page', _formKey: 'double-submit-key-0001' };
    const [a, b] = await Promise.all([c.post('/console/language', form), c.post('/console/language', form)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const rows = await t.ctx.db
      .selectFrom('console_form_keys')
      .select(['form_key', 'outcome'])
      .where('user_id', '=', worker.id)
      .execute();
    expect(rows).toEqual([{ form_key: 'double-submit-key-0001', outcome: '/console/no-such-page' }]);
  });
});
