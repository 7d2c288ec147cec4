import crypto from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../test-app';
import { unique, type TestUser } from './people';

/**
 * Funds and the money they receive, through the funds API as the agency's administrator.
 *
 *   const fundId = await aFund(t, admin, { currencies: ['USD'] });
 *   await aReceipt(t, admin, fundId, { amount: '5000.00', pot: 'medical' });
 */

/** A fund of `admin`'s agency (THB, unrestricted pot only, unless the body says otherwise). */
export async function aFund(
  t: TestApp,
  admin: TestUser,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await request(t.app)
    .post('/v1/funds')
    .set('Authorization', admin.authHeader)
    .send({ name: `Fund ${unique()}`, currency: 'THB', ...body });
  if (res.status !== 201) throw new Error(`fund: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const today = () => new Date().toISOString().slice(0, 10);

/**
 * Money received into a fund (a fine, today, 10.00 THB into the unrestricted pot unless the body
 * says otherwise); answers the created receipt.
 */
export async function aReceipt(
  t: TestApp,
  admin: TestUser,
  fundId: string,
  body: Record<string, unknown> = {},
  idempotencyKey = `receipt-${crypto.randomUUID()}`,
): Promise<Record<string, any>> {
  const res = await request(t.app)
    .post(`/v1/funds/${fundId}/receipts`)
    .set('Authorization', admin.authHeader)
    .set('Idempotency-Key', idempotencyKey)
    .send({ source: 'fine', amount: '10.00', currency: 'THB', receivedOn: today(), ...body });
  if (res.status !== 201) throw new Error(`receipt: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, any>;
}

/**
 * A fund (as `aFund`) with 1,000,000 received into its unrestricted pot: a decided award is
 * committed against the fund's money, so a fund that claims are decided on needs some.
 */
export async function aFundWithMoney(
  t: TestApp,
  admin: TestUser,
  body: Record<string, unknown> = {},
): Promise<string> {
  const fundId = await aFund(t, admin, body);
  const currency = typeof body.currency === 'string' ? body.currency : 'THB';
  await aReceipt(t, admin, fundId, {
    source: 'state_appropriation',
    amount: '1000000',
    currency,
    receivedOn: '2025-01-02',
  });
  return fundId;
}
