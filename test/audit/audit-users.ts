import type { Db } from '../../src/lib/db';
import type { Role } from '../../src/lib/auth';
import { aUser } from '../helpers/factories';

/** @deprecated use `aUser(t, { role, office: null, direct: true })`. */
export async function userWithToken(db: Db, role: Role): Promise<{ id: string; token: string }> {
  const { id, token } = await aUser({ ctx: { db } }, { role, office: null, direct: true });
  return { id, token };
}
