import type { Express } from 'express';
import request from 'supertest';
import { accountKeyOf } from '../../src/auth/auth';
import { retryAfterSeconds } from '../../src/auth/login.repository';
import { aUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Staff e-mail addresses are no secret. Failed logins are limited per (account, client address)
 * and per address, with growing delays, so a stranger's wrong passwords cannot lock the owner out.
 */
const PER_ACCOUNT = 3;
const WINDOW_MINUTES = 15;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
    LOGIN_MAX_FAILURES_PER_ADDRESS: '20',
    LOGIN_WINDOW_MINUTES: String(WINDOW_MINUTES),
    TRUST_PROXY: 'true',
  });
});
afterAll(async () => {
  await t.close();
});

let addressCounter = 0;
const newAddress = () => `192.0.2.${++addressCounter}`;
const login = (app: Express, address: string, email: string, password: string) =>
  request(app).post('/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });

describe('a stranger failing to log in as someone else', () => {
  it('never keeps the owner out from another address', async () => {
    const owner = await aUser(t, { role: 'fund_admin' });
    const stranger = newAddress();
    for (let i = 0; i < PER_ACCOUNT; i++) await login(t.app, stranger, owner.email, `guess ${i}`).expect(401);
    await login(t.app, stranger, owner.email, 'another guess').expect(429);
    await login(t.app, newAddress(), owner.email, owner.password).expect(200);
  });

  it('waits twice as long for each further allowance used up within a day', async () => {
    const owner = await aUser(t, { role: 'auditor' });
    const stranger = newAddress();
    // an earlier round, outside the window but within the day
    const earlier = new Date(Date.now() - 3 * WINDOW_MINUTES * 60_000);
    await t.ctx.db
      .insertInto('login_attempts')
      .values(
        Array.from({ length: PER_ACCOUNT }, () => ({
          account_key: accountKeyOf(owner.email),
          address: stranger,
          succeeded: false,
          at: earlier,
        })),
      )
      .execute();
    for (let i = 0; i < PER_ACCOUNT; i++) await login(t.app, stranger, owner.email, `guess ${i}`).expect(401);
    const res = await login(t.app, stranger, owner.email, owner.password).expect(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(2 * WINDOW_MINUTES * 60 - 60);
    expect(retryAfter).toBeLessThanOrEqual(2 * WINDOW_MINUTES * 60);
    // the owner is still welcome elsewhere
    await login(t.app, newAddress(), owner.email, owner.password).expect(200);
  });
});

describe('the growing delay', () => {
  const limits = { max: 3, windowMinutes: 15 };
  const now = new Date('2026-12-02T12:00:00Z');
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);

  it('is nothing below the limit and the rest of the window at it', () => {
    expect(retryAfterSeconds(2, at(1), now, limits)).toBe(0);
    expect(retryAfterSeconds(3, at(1), now, limits)).toBe(14 * 60);
    expect(retryAfterSeconds(3, at(16), now, limits)).toBe(0);
  });

  it('doubles per further full allowance, up to a day', () => {
    expect(retryAfterSeconds(6, at(0), now, limits)).toBe(30 * 60);
    expect(retryAfterSeconds(9, at(0), now, limits)).toBe(60 * 60);
    expect(retryAfterSeconds(300, at(0), now, limits)).toBe(24 * 60 * 60);
  });
});
