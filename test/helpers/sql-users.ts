import type { Db } from '../../src/lib/db';
import type { Role } from '../../src/lib/auth';
import { aUser } from './factories';

/** @deprecated use `aUser({ ctx: { db } }, { role, office, direct: true })` from ./factories. */
export async function insertUserWithToken(
  db: Db,
  role: Role,
  organizationId: string | null,
): Promise<{ userId: string; tokenId: string; token: string }> {
  const user = await aUser({ ctx: { db } }, { role, office: organizationId, direct: true });
  return { userId: user.id, tokenId: user.tokenId, token: user.token };
}
