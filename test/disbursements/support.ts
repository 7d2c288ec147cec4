import crypto from 'node:crypto';
import request from 'supertest';
import { createOrganization, createUser, type TestUser } from '../helpers/factories';
import type { TestApp } from '../helpers/test-app';

/**
 * A paying agency with three fund administrators (a maker and two checkers), an auditor, and a
 * legal aid office whose victim has a State-fund claim on the agency's fund — everything made
 * through the owners' HTTP endpoints.
 */
export interface World {
  maker: TestUser;
  checker: TestUser;
  checker2: TestUser;
  auditor: TestUser;
  worker: TestUser;
  outsider: TestUser;
  fundId: string;
  victimId: string;
  victimReference: string;
  claimId: string;
}

let n = 0;
export const key = () => `dk-${process.pid}-${++n}-${crypto.randomBytes(3).toString('hex')}`;

export const post = (
  t: TestApp,
  path: string,
  user: TestUser,
  body: unknown,
  idempotencyKey: string | null = key(),
) => {
  const r = request(t.app).post(path).set('Authorization', user.authHeader);
  if (idempotencyKey !== null) r.set('Idempotency-Key', idempotencyKey);
  return r.send(body as object);
};

export const get = (t: TestApp, path: string, user: TestUser) =>
  request(t.app).get(path).set('Authorization', user.authHeader);

export const VICTIM_NAME = 'Mya Thandar Win';

export async function makeWorld(
  t: TestApp,
  fundBody: Record<string, unknown> = {
    restrictions: [{ code: 'medical', name: 'Medical care', purposes: ['medical'] }],
  },
): Promise<World> {
  const agency = await createOrganization(t, 'fund_agency');
  const maker = await createUser(t, { role: 'fund_admin', organizationId: agency.id });
  const checker = await createUser(t, { role: 'fund_admin', organizationId: agency.id });
  const checker2 = await createUser(t, { role: 'fund_admin', organizationId: agency.id });
  const auditor = await createUser(t, { role: 'auditor' });
  const worker = await createUser(t, { role: 'legal_aid' });
  const outsider = await createUser(t, { role: 'fund_admin' });
  const fund = await request(t.app)
    .post('/v1/funds')
    .set('Authorization', maker.authHeader)
    .send({ name: 'Victim assistance fund', currency: 'THB', ...fundBody });
  if (fund.status !== 201) throw new Error(`fund: ${fund.status} ${JSON.stringify(fund.body)}`);
  const fundId = fund.body.id as string;
  const victim = await newVictim(t, worker);
  const claimId = await stateFundClaim(t, worker, victim.id, fundId);
  return {
    maker,
    checker,
    checker2,
    auditor,
    worker,
    outsider,
    fundId,
    victimId: victim.id,
    victimReference: victim.reference,
    claimId,
  };
}

export async function newVictim(t: TestApp, worker: TestUser): Promise<{ id: string; reference: string }> {
  const res = await request(t.app)
    .post('/v1/victims')
    .set('Authorization', worker.authHeader)
    .send({
      fullName: VICTIM_NAME,
      dateOfBirth: '1996-08-02',
      nationality: 'MM',
      preferredLanguage: 'my',
      contact: { phone: '+66 81 555 0101', safeToContact: true },
      consent: { shareWithFundAgency: true, contactByEmail: false },
    });
  if (res.status !== 201) throw new Error(`victim: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, reference: res.body.reference };
}

/** A State-fund claim: what lets the fund's administrators see (and pay) the victim at all. */
export async function stateFundClaim(
  t: TestApp,
  worker: TestUser,
  victimId: string,
  fundId: string,
): Promise<string> {
  const res = await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({
      victimId,
      route: 'state_fund',
      fundId,
      jurisdiction: 'TH',
      currency: 'THB',
      heads: [{ head: 'medical_expenses', amount: '50000.00' }],
    });
  if (res.status !== 201) throw new Error(`claim: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function receipt(
  t: TestApp,
  w: World,
  body: { amount: string; source?: string; pot?: string; donor?: string; currency?: string },
): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  await post(t, `/v1/funds/${w.fundId}/receipts`, w.maker, {
    source: 'fine',
    currency: 'THB',
    receivedOn: today,
    ...body,
  }).expect(201);
}

export const bankBody = (w: World, over: Record<string, unknown> = {}) => ({
  fundId: w.fundId,
  victimId: w.victimId,
  purpose: 'medical',
  amount: '100.00',
  currency: 'THB',
  rationale: 'Hospital invoice for treatment after rescue',
  channel: 'bank_transfer',
  payee: {
    accountName: VICTIM_NAME,
    accountNumber: '123-4-56789-0',
    bankName: 'Kasikornbank',
    country: 'TH',
  },
  ...over,
});

export async function requested(t: TestApp, w: World, over: Record<string, unknown> = {}): Promise<string> {
  const res = await post(t, '/v1/disbursements', w.maker, bankBody(w, over));
  if (res.status !== 201) throw new Error(`request: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function pots(t: TestApp, w: World, user: TestUser = w.maker) {
  const res = await get(t, `/v1/funds/${w.fundId}/balances`, user).expect(200);
  return Object.fromEntries(
    (res.body.pots as Array<{ code: string; posted: string; pending: string; available: string }>).map(
      (p) => [p.code, { posted: p.posted, pending: p.pending, available: p.available }],
    ),
  );
}

/** Row counts of the tables a disbursement call may write: proof that a refusal wrote nothing. */
export async function footprint(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'disbursements',
    'disbursement_approvals',
    'disbursement_policies',
    'disbursement_thresholds',
    'ledger_reservations',
    'ledger_entries',
    'idempotency_keys',
    'audit_events',
  ]) {
    const r = await t.ctx.db
      .selectFrom(table as 'disbursements')
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  // A refused request may leave exactly one trace: its 'denied' audit event.
  const denied = await t.ctx.db
    .selectFrom('audit_events')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('outcome', '=', 'denied')
    .executeTakeFirstOrThrow();
  out.audit_events! -= Number(denied.n);
  return out;
}
