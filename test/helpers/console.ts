import crypto from 'node:crypto';
import request from 'supertest';
import { issueSessionFor } from '../../src/auth/login.service';
import { SESSION_COOKIE } from '../../src/console/cookies';
import { csrfTokenFor } from '../../src/console/csrf';
import type { TestApp } from './test-app';

/**
 * A signed-in console session for supertest, without the slow password check (one real sign-in
 * through the form is tested in test/console/session.test.ts):
 *
 *   const c = await consoleFor(t, worker);
 *   const page = await c.get('/console/victims').expect(200);
 *   await c.post('/console/victims', { fullName: 'A' }).expect(303);
 */
export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string): request.Test;
  /** Posts a form with the CSRF token and a new form key (pass `_formKey` to reuse one). */
  post(path: string, form?: Record<string, unknown>): request.Test;
}

export async function consoleFor(t: TestApp, user: { id: string }): Promise<ConsoleClient> {
  const session = await issueSessionFor(t.ctx, user.id, 'console');
  return consoleWithToken(t, session.token);
}

export function consoleWithToken(t: TestApp, token: string): ConsoleClient {
  const cookie = `${SESSION_COOKIE}=${token}`;
  const csrf = csrfTokenFor(token);
  return {
    cookie,
    csrf,
    get: (path) => request(t.app).get(path).set('Cookie', cookie),
    post: (path, form = {}) =>
      request(t.app)
        .post(path)
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: csrf, _formKey: crypto.randomUUID(), ...form }),
  };
}

/** The flash message a redirect left, as the next page shows it. */
export function flashCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers['set-cookie'] ?? []) as string[];
  return cookies.find((c) => c.startsWith('redress_console_flash='))?.split(';')[0];
}
