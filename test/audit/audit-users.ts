import crypto from 'node:crypto';
import type { Db } from '../../src/lib/db';
import { hashToken, newToken, type Role } from '../../src/lib/auth';

/** A user with a live bearer token, inserted directly (independent of the login endpoint). */
export async function userWithToken(db: Db, role: Role): Promise<{ id: string; token: string }> {
  const user = await db
    .insertInto('users')
    .values({
      email: `${role}-${crypto.randomBytes(6).toString('hex')}@audit.test`,
      name: `Test ${role}`,
      password_hash: 'not-a-real-hash',
      role,
      organization_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = newToken();
  await db
    .insertInto('auth_tokens')
    .values({
      user_id: user.id,
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + 60 * 60 * 1000),
      revoked_at: null,
    })
    .execute();
  return { id: user.id, token };
}
