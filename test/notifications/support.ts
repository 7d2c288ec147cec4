import crypto from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../helpers/test-app';
import { aClaim, aUser, aVictim, type TestUser } from '../helpers/factories';

/**
 * Victims and claims for the notification tests, made through the API (so the outbox rows
 * come from the real transitions), and a claim's running deadline read back from the table.
 */
export interface Office {
  worker: TestUser;
  workerEmail: string;
}

export async function office(t: TestApp): Promise<Office> {
  const worker = await aUser(t, { role: 'legal_aid', direct: true });
  return { worker, workerEmail: worker.email };
}

export const uniqueEmail = (tag: string) =>
  `${tag}-${crypto.randomBytes(4).toString('hex')}@mail.example.net`;

export async function victim(t: TestApp, o: Office, over: Record<string, unknown> = {}): Promise<string> {
  return (await aVictim(t, o.worker, { identityDocuments: [], ...over })).id;
}

/** A labour claim in Thailand: its decision deadline runs 60 days from filing. */
export function labourClaim(t: TestApp, o: Office, victimId: string, filedOn: string): Promise<string> {
  return aClaim(t, o.worker, {
    victimId,
    route: 'labour',
    filedOn,
    respondent: 'Harbour Works Ltd.',
    heads: [{ head: 'unpaid_wages', amount: '1000.00' }],
  });
}

export async function move(t: TestApp, o: Office, claimId: string, to: string): Promise<void> {
  const res = await request(t.app)
    .post(`/v1/claims/${claimId}/transitions`)
    .set('Authorization', o.worker.authHeader)
    .send({ to });
  if (res.status !== 200) throw new Error(`transition: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function deliveryDetail(t: TestApp, outboxId: string): Promise<string | null | undefined> {
  const row = await t.ctx.db
    .selectFrom('outbox_deliveries')
    .select('detail')
    .where('outbox_id', '=', outboxId)
    .executeTakeFirst();
  return row?.detail;
}

export async function statusOutboxIds(t: TestApp, claimId: string): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom('outbox')
    .select(['id', 'payload'])
    .where('topic', '=', 'claim.status_changed')
    .orderBy('id')
    .execute();
  return rows.filter((r) => (r.payload as { claimId?: string }).claimId === claimId).map((r) => r.id);
}

/** Words no victim-facing or staff subject may carry. */
export const FORBIDDEN = /traffick|exploit|victim|trafic|perdagangan|buôn|ค้ามนุษย์/i;

export function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The four people the victim-contact rules must treat differently: no consent, an unsafe
 * contact, a child without a guardian, and a child whose recorded contact is the guardian.
 */
export async function contactRuleCases(t: TestApp, o: Office) {
  const addresses = {
    noConsent: uniqueEmail('noconsent'),
    unsafe: uniqueEmail('unsafe'),
    childAlone: uniqueEmail('child'),
    guardian: uniqueEmail('guardian'),
  };
  const base = { preferredLanguage: 'vi', consent: { shareWithFundAgency: false, contactByEmail: true } };
  const people = {
    noConsent: await victim(t, o, {
      ...base,
      contact: { email: addresses.noConsent, safeToContact: true },
      consent: { shareWithFundAgency: true, contactByEmail: false },
    }),
    unsafe: await victim(t, o, { ...base, contact: { email: addresses.unsafe, safeToContact: false } }),
    childAlone: await victim(t, o, {
      ...base,
      dateOfBirth: '2013-06-01',
      isChild: true,
      contact: { email: addresses.childAlone, safeToContact: true },
    }),
    guardian: await victim(t, o, {
      ...base,
      dateOfBirth: '2014-02-11',
      isChild: true,
      guardian: { name: 'Tran Thi Mai', relationship: 'aunt' },
      contact: { email: addresses.guardian, safeToContact: true },
    }),
  };
  return { addresses, people };
}
