import request from 'supertest';
import type { TestApp } from '../test-app';
import type { TestUser } from './people';

/**
 * Victims, registered through POST /v1/victims by a legal aid worker (their office then owns
 * them), so every derived row (blind indexes, witness history, audit) is the real one.
 *
 *   const victim = await aVictim(t, worker, { preferredLanguage: 'th' });
 *
 * A key given as `undefined` is left out of the body.
 */
export const victimBody = (over: Record<string, unknown> = {}) => ({
  fullName: 'Somchai Kaewkla',
  dateOfBirth: '1994-03-17',
  nationality: 'MM',
  preferredLanguage: 'my',
  contact: { phone: '+66 81 234 5678', email: 'kaew.s@example.net', safeToContact: true },
  consent: { shareWithFundAgency: true, contactByEmail: false },
  identityDocuments: [{ type: 'passport', number: 'MA 1234567', issuingCountry: 'MM' }],
  jurisdiction: 'TH',
  identifiedOn: '2025-01-10',
  ...over,
});

export interface TestVictim {
  id: string;
  reference: string;
}

export async function aVictim(
  t: TestApp,
  worker: TestUser,
  over: Record<string, unknown> = {},
): Promise<TestVictim> {
  const res = await request(t.app)
    .post('/v1/victims')
    .set('Authorization', worker.authHeader)
    .send(victimBody(over));
  if (res.status !== 201) throw new Error(`victim: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, reference: res.body.reference as string };
}
