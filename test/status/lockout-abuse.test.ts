import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { issueCode, newVictim, world, type World } from './support';

/**
 * The reference is printed on the victim's card, so anyone may know it. Failures are limited per
 * (reference, client address) and per address, never per reference alone: a stranger's guesses
 * must not keep the victim out. TRUST_PROXY lets each request name its client address in
 * X-Forwarded-For, as it would arrive through the production load balancer.
 */
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: 'true' });
  w = await world(t);
});
afterAll(async () => {
  await t.close();
});

let addressCounter = 0;
const newAddress = () => `203.0.113.${++addressCounter}`;
const WRONG = 'ABCD-EFGH-JKMN-PQRS-TV';

const check = (address: string, reference: string, accessCode: string) =>
  request(t.app).post('/v1/status').set('X-Forwarded-For', address).send({ reference, accessCode });

async function victimWithCode() {
  const v = await newVictim(t, w.worker);
  return { ...v, accessCode: (await issueCode(t, w.worker, v.id)).accessCode };
}

const summary = async (victimId: string) =>
  (
    await request(t.app)
      .get(`/v1/victims/${victimId}/access-code`)
      .set('Authorization', w.worker.authHeader)
      .expect(200)
  ).body as { failedAttempts: number; lastFailedAttemptAt: string | null; lockedAddresses: number };

describe('a stranger who knows the reference', () => {
  it('locks only their own address out; the victim elsewhere gets in with the right code', async () => {
    const victim = await victimWithCode();
    const stranger = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await check(stranger, victim.reference, WRONG)).status);
    expect(statuses).toEqual([...Array(10).fill(404), ...Array(5).fill(429)]);
    // not even a lucky guess from the stranger's address is answered meanwhile
    await check(stranger, victim.reference, victim.accessCode).expect(429);

    const res = await check(newAddress(), victim.reference, victim.accessCode).expect(200);
    expect(res.body.reference).toBe(victim.reference);

    // the worker sees the attempts (the refused ones were never compared, so not counted)
    const seen = await summary(victim.id);
    expect(seen).toMatchObject({ failedAttempts: 10, lockedAddresses: 1 });
    expect(Date.now() - Date.parse(seen.lastFailedAttemptAt!)).toBeLessThan(60_000);
  });

  it('lifts every lock on the reference when a new code is issued', async () => {
    const victim = await victimWithCode();
    const shared = newAddress(); // say the victim's own phone, which mistyped ten times
    for (let i = 0; i < 10; i++) await check(shared, victim.reference, WRONG).expect(404);
    await check(shared, victim.reference, victim.accessCode).expect(429);

    const { accessCode } = await issueCode(t, w.worker, victim.id);
    await check(shared, victim.reference, accessCode).expect(200);
    expect(await summary(victim.id)).toMatchObject({ failedAttempts: 0, lockedAddresses: 0 });
  });

  it('makes each following lock of the same address twice as long', async () => {
    const victim = await victimWithCode();
    const stranger = newAddress();
    for (let i = 0; i < 10; i++) await check(stranger, victim.reference, WRONG).expect(404);
    const first = await check(stranger, victim.reference, WRONG).expect(429);
    expect(Number(first.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // the first lock runs out
    await t.ctx.db
      .updateTable('status_guard')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('key', '=', `p:${victim.reference} ${stranger}`)
      .execute();
    for (let i = 0; i < 10; i++) await check(stranger, victim.reference, WRONG).expect(404);
    const second = await check(stranger, victim.reference, WRONG).expect(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(29 * 60);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(30 * 60);
  });

  it('still locks an address that guesses at many references', async () => {
    const victim = await victimWithCode();
    const scanner = newAddress();
    for (let i = 0; i < 30; i++) {
      const ref = `V-${'23456789ABCDEFGHJKMNPQRSTVWXYZ'[i]!.repeat(8)}`;
      await check(scanner, ref, WRONG).expect(404);
    }
    await check(scanner, victim.reference, victim.accessCode).expect(429);
    await check(newAddress(), victim.reference, victim.accessCode).expect(200);
  });
});

describe('a reference that is not well-formed text', () => {
  it('is refused like any wrong reference and counted against the address, not a 500', async () => {
    const address = newAddress();
    for (const reference of ['V-\\ud800AAAAAAA', '\\udc00', 'V-AAAA\\u0000AAAA']) {
      const res = await request(t.app)
        .post('/v1/status')
        .set('X-Forwarded-For', address)
        .set('content-type', 'application/json')
        .send(`{"reference":"${reference}","accessCode":"${WRONG}"}`);
      expect(res.status).toBe(404);
    }
    const row = await t.ctx.db
      .selectFrom('status_guard')
      .select(['failures', 'total_failures'])
      .where('key', '=', `a:${address}`)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failures: 3, total_failures: 3 });
  });
});
