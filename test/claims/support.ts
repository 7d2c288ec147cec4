import type { OrganizationKind } from '../../src/auth/auth';
import type { Role } from '../../src/lib/auth';
import { aFund, aReceipt, aUser, anOffice, unique, type TestUser } from '../helpers/factories';
import type { TestApp } from '../helpers/test-app';

export { victimBody } from '../helpers/factories';

/** @deprecated a user from `aUser(t, { role, office, direct: true })`; `auth` is its `authHeader`. */
export type Person = TestUser & { auth: string };

/** @deprecated use `anOffice(t, kind, { direct: true })`. */
export async function organization(t: TestApp, kind: OrganizationKind): Promise<string> {
  return (await anOffice(t, kind, { direct: true })).id;
}

/** @deprecated use `aUser(t, { role, office, direct: true })`. */
export async function person(t: TestApp, role: Role, organizationId: string | null = null): Promise<Person> {
  const user = await aUser(t, { role, office: organizationId, direct: true });
  return { ...user, auth: user.authHeader };
}

/** @deprecated use `aFundWithMoney(t, admin, { currency, currencies })` from the factories. */
export async function fund(
  t: TestApp,
  admin: TestUser,
  currency = 'THB',
  currencies: string[] = [],
): Promise<string> {
  const fundId = await aFund(t, admin, {
    name: `Fund ${unique()}`,
    currency,
    ...(currencies.length ? { currencies } : {}),
  });
  await aReceipt(
    t,
    admin,
    fundId,
    { source: 'state_appropriation', amount: '1000000', currency, receivedOn: '2025-01-02' },
    `seed-${unique()}`,
  );
  return fundId;
}

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
