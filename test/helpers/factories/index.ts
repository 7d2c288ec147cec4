/**
 * The one place tests make their data: offices, users, victims, funds, receipts and claims.
 * Each call makes new rows with unique names; nothing is shared between tests.
 *
 *   const worker = await aUser(t, { role: 'legal_aid' });
 *   const admin = await aUser(t, { role: 'fund_admin' });
 *   const fundId = await aFund(t, admin);
 *   await aReceipt(t, admin, fundId, { amount: '5000.00' });
 *   const victim = await aVictim(t, worker);
 *   const claimId = await aClaim(t, worker, { victimId: victim.id, route: 'state_fund', fundId, heads });
 */
import type { OrganizationKind } from '../../../src/auth/auth';
import type { Role } from '../../../src/lib/auth';
import type { TestApp } from '../test-app';
import { aUser, anOffice, type TestOffice, type UserOptions, type UserWithPassword } from './people';

export * from './people';
export * from './victims';
export * from './funds';
export * from './claims';

/** @deprecated the old name of `anOffice`; kept so branches written against it still build. */
export const createOrganization = (t: TestApp, kind: OrganizationKind = 'legal_aid', name?: string) =>
  anOffice(t, kind, { name });

/** @deprecated the old name of `aUser` (`organizationId` is now `office`). */
export const createUser = (
  t: TestApp,
  options: Omit<UserOptions, 'office'> & { organizationId?: string | null },
): Promise<UserWithPassword> => {
  const { organizationId, ...rest } = options;
  return aUser(t, { ...rest, office: organizationId ?? undefined });
};

/** @deprecated use `aUser(t, { role, office })`. */
export const loginAs = (t: TestApp, role: Role, office?: TestOffice | string) => aUser(t, { role, office });
