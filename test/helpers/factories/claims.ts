import request from 'supertest';
import type { TestApp } from '../test-app';
import type { TestUser } from './people';

/**
 * Claims, filed through POST /v1/claims by the victim's legal aid worker.
 *
 *   const claimId = await aClaim(t, worker, { victimId, route: 'state_fund', fundId, heads });
 *
 * Jurisdiction and currency default to TH and THB; the rest is the route's own business.
 */
export interface ClaimBody extends Record<string, unknown> {
  victimId: string;
  route: 'civil' | 'labour' | 'criminal' | 'state_fund';
  heads: Array<{ head: string; amount: string; description?: string }>;
}

export async function aClaim(t: TestApp, worker: TestUser, body: ClaimBody): Promise<string> {
  const res = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({ jurisdiction: 'TH', currency: 'THB', ...body });
  if (res.status !== 201) throw new Error(`claim: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
