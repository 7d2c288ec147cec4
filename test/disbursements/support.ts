import crypto from 'node:crypto';
import request from 'supertest';
import {
  aClaim,
  aFund,
  anOffice,
  aReceipt,
  aUser,
  aVictim,
  type TestUser,
  type TestVictim,
} from '../helpers/factories';
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
  const agency = await anOffice(t, 'fund_agency');
  const maker = await aUser(t, { role: 'fund_admin', office: agency });
  const checker = await aUser(t, { role: 'fund_admin', office: agency });
  const checker2 = await aUser(t, { role: 'fund_admin', office: agency });
  const auditor = await aUser(t, { role: 'auditor' });
  const worker = await aUser(t, { role: 'legal_aid' });
  const outsider = await aUser(t, { role: 'fund_admin' });
  const fundId = await aFund(t, maker, { name: 'Victim assistance fund', ...fundBody });
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

/** A victim of `worker`'s office named VICTIM_NAME, with a phone number and no identity documents. */
export function newVictim(t: TestApp, worker: TestUser): Promise<TestVictim> {
  return aVictim(t, worker, {
    fullName: VICTIM_NAME,
    dateOfBirth: '1996-08-02',
    contact: { phone: '+66 81 555 0101', safeToContact: true },
    identityDocuments: undefined,
    jurisdiction: undefined,
    identifiedOn: undefined,
  });
}

/** A State-fund claim: what lets the fund's administrators see (and pay) the victim at all. */
export function stateFundClaim(
  t: TestApp,
  worker: TestUser,
  victimId: string,
  fundId: string,
): Promise<string> {
  return aClaim(t, worker, {
    victimId,
    route: 'state_fund',
    fundId,
    heads: [{ head: 'medical_expenses', amount: '50000.00' }],
  });
}

export async function receipt(
  t: TestApp,
  w: World,
  body: { amount: string; source?: string; pot?: string; donor?: string; currency?: string },
): Promise<void> {
  await aReceipt(t, w.maker, w.fundId, body, key());
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
