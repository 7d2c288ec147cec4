import crypto from 'node:crypto';
import type { Db } from '../../src/lib/db';
import { hashToken, newToken, type Role } from '../../src/lib/auth';

/**
 * A user row and a live bearer token inserted straight into the tables: for tests that must not
 * depend on the login flow or the user service (factories.ts goes through those instead).
 */
export async function insertUserWithToken(
  db: Db,
  role: Role,
  organizationId: string | null,
): Promise<{ userId: string; tokenId: string; token: string }> {
  const user = await db
    .insertInto('users')
    .values({
      email: `${role.replace('_', '-')}-${crypto.randomBytes(6).toString('hex')}@test.example.org`,
      name: `Test ${role}`,
      password_hash: 'not-a-real-hash',
      role,
      organization_id: organizationId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = newToken();
  const row = await db
    .insertInto('auth_tokens')
    .values({
      user_id: user.id,
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + 3_600_000),
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: user.id, tokenId: row.id, token };
}
