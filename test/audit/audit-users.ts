import type { Db } from '../../src/lib/db';
import type { Role } from '../../src/lib/auth';
import { insertUserWithToken } from '../helpers/sql-users';

/** A user with a live bearer token, inserted directly (independent of the login endpoint). */
export async function userWithToken(db: Db, role: Role): Promise<{ id: string; token: string }> {
  const { userId, token } = await insertUserWithToken(db, role, null);
  return { id: userId, token };
}
