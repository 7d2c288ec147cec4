import crypto from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../src/lib/auth';
import { insertUserWithToken } from '../helpers/sql-users';
import type { TestApp } from '../helpers/test-app';

/**
 * People and funds for the victims/claims tests, made directly in SQL (users row + token) so
 * these tests depend on nothing but the schema and their own endpoints.
 */
export interface Person {
  id: string;
  role: Role;
  organizationId: string | null;
  auth: string;
}

const unique = () => crypto.randomBytes(5).toString('hex');

export async function organization(t: TestApp, kind: 'legal_aid' | 'fund_agency' | 'other'): Promise<string> {
  const row = await t.ctx.db
    .insertInto('organizations')
    .values({ name: `Org ${unique()}`, kind })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function person(t: TestApp, role: Role, organizationId: string | null = null): Promise<Person> {
  const { userId, token } = await insertUserWithToken(t.ctx.db, role, organizationId);
  return { id: userId, role, organizationId, auth: `Bearer ${token}` };
}

/** A fund through the funds API (the ledger helper's endpoint), owned by `admin`'s agency. */
export async function fund(
  t: TestApp,
  admin: Person,
  currency = 'THB',
  currencies: string[] = [],
): Promise<string> {
  const res = await request(t.app)
    .post('/v1/funds')
    .set('Authorization', admin.auth)
    .send({ name: `Fund ${unique()}`, currency, ...(currencies.length ? { currencies } : {}) });
  if (res.status !== 201) throw new Error(`fund creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  // A decided award is committed against the fund's money, so the fund needs some to decide.
  const money = await request(t.app)
    .post(`/v1/funds/${res.body.id}/receipts`)
    .set('Authorization', admin.auth)
    .set('Idempotency-Key', `seed-${unique()}`)
    .send({ source: 'state_appropriation', amount: '1000000', currency, receivedOn: '2025-01-02' });
  if (money.status !== 201)
    throw new Error(`fund receipt failed: ${money.status} ${JSON.stringify(money.body)}`);
  return res.body.id as string;
}

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

export async function countRows(t: TestApp, table: string): Promise<number> {
  const res = await t.ctx.db
    .selectFrom(table as any)
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(res.n);
}

/** Row counts of every table this area writes, to prove a refused request changed nothing. */
export async function snapshot(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'victims',
    'victim_document_index',
    'victim_witness_history',
    'claims',
    'claim_heads',
    'claim_transitions',
    'claim_deadlines',
    'payments_received',
    'fund_subrogation_policies',
    'audit_events',
  ])
    out[table] = await countRows(t, table);
  return out;
}
