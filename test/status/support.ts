import request from 'supertest';
import { aClaim, aUser, anOffice, aVictim, type TestUser, type TestVictim } from '../helpers/factories';
import type { TestApp } from '../helpers/test-app';

/**
 * Victims, claims and access codes for the status tests, made through their HTTP endpoints.
 * Every identifying value here is one the status answers must never contain.
 */
export const SECRET = {
  fullName: 'Somchai Kaewkla',
  dateOfBirth: '1994-03-17',
  phone: '+66 81 234 5678',
  email: 'kaew.s@example.net',
  passport: 'MA 1234567',
  respondent: 'Golden Net Co.',
  caseNumber: 'Por.1234/2568',
  forum: 'Bangkok South Civil Court',
  note: 'Hearing moved after the employer threatened the family',
};

export interface World {
  worker: TestUser;
  outsider: TestUser;
  fundAdmin: TestUser;
}

export async function world(t: TestApp): Promise<World> {
  const office = await anOffice(t, 'legal_aid', { direct: true });
  return {
    worker: await aUser(t, { role: 'legal_aid', office, direct: true }),
    outsider: await aUser(t, { role: 'legal_aid', direct: true }),
    fundAdmin: await aUser(t, { role: 'fund_admin', direct: true }),
  };
}

export const post = (t: TestApp, path: string, by: TestUser | null, body: object) => {
  const r = request(t.app).post(path);
  if (by) r.set('Authorization', by.authHeader);
  return r.send(body);
};

export function newVictim(t: TestApp, worker: TestUser, preferredLanguage = 'th'): Promise<TestVictim> {
  return aVictim(t, worker, {
    fullName: SECRET.fullName,
    dateOfBirth: SECRET.dateOfBirth,
    preferredLanguage,
    contact: { phone: SECRET.phone, email: SECRET.email, safeToContact: true },
    identityDocuments: [],
  });
}

export async function issueCode(t: TestApp, worker: TestUser, victimId: string) {
  const res = await post(t, `/v1/victims/${victimId}/access-code`, worker, {}).expect(201);
  return res.body as { reference: string; accessCode: string; cardHtml: string };
}

/**
 * A civil claim at `judgment` with 50000.00 THB awarded and 20000.00 received, and a labour
 * claim just filed: what a victim typically has at once.
 */
export async function claimsFor(t: TestApp, worker: TestUser, victimId: string): Promise<void> {
  const id = await aClaim(t, worker, {
    victimId,
    route: 'civil',
    forum: SECRET.forum,
    caseNumber: SECRET.caseNumber,
    respondent: SECRET.respondent,
    heads: [
      { head: 'lost_opportunities', amount: '80000.50' },
      { head: 'other', amount: '1500.00', description: 'Travel to hearings' },
    ],
    filedOn: '2025-06-01',
  });
  await post(t, `/v1/claims/${id}/transitions`, worker, {
    to: 'hearing',
    occurredOn: '2025-06-10',
    note: SECRET.note,
  }).expect(200);
  await post(t, `/v1/claims/${id}/transitions`, worker, {
    to: 'judgment',
    occurredOn: '2025-07-01',
    award: { heads: [{ head: 'lost_opportunities', amount: '50000.00' }] },
  }).expect(200);
  await request(t.app)
    .post(`/v1/claims/${id}/payments-received`)
    .set('Authorization', worker.authHeader)
    .set('Idempotency-Key', `pay-${id}`)
    .send({
      head: 'lost_opportunities',
      amount: '20000.00',
      receivedOn: '2025-07-10',
      payer: 'perpetrator',
      paidTo: 'victim',
    })
    .expect(201);
  await aClaim(t, worker, {
    victimId,
    route: 'labour',
    respondent: SECRET.respondent,
    heads: [{ head: 'unpaid_wages', amount: '42000.00' }],
    filedOn: '2025-08-01',
  });
}

/** Forgets every failed check, so one test's guessing does not lock the next one out. */
export async function forgetFailures(t: TestApp): Promise<void> {
  await t.ctx.db.deleteFrom('status_guard').execute();
}

/** "trafficking" as each supported language says it, and the words around it. */
export const FORBIDDEN_WORDS = [
  'trafficking',
  'trafficked',
  'trafficker',
  'human trafficking',
  'ค้ามนุษย์',
  'การค้ามนุษย์',
  'perdagangan orang',
  'perdagangan manusia',
  'mua bán người',
  'buôn người',
  'ជួញដូរមនុស្ស',
  'ការជួញដូរ',
  'လူကုန်ကူး',
  'pagbebenta ng tao',
  'buôn bán người',
  'human smuggling',
  'victim',
];
