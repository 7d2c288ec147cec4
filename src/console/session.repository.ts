import { sql } from 'kysely';
import type { Db } from '../lib/db';
import type { Role } from '../lib/auth';
import type { Language } from '../lib/i18n';

/** The signed-in person behind a console cookie, as the console needs them on every page. */
export interface ConsoleSessionRow {
  tokenId: string;
  userId: string;
  role: Role;
  organizationId: string | null;
  name: string;
  language: Language;
  lastUsedAt: Date | null;
}

/**
 * A console session that is still good: a console token, not revoked, not expired, its user
 * active, and used within the idle timeout. Read on every console request (no cache): a sign-out
 * or a deactivation takes effect on the next click, in every process.
 */
export async function findConsoleSession(
  db: Db,
  tokenHash: string,
  idleMinutes: number,
): Promise<ConsoleSessionRow | undefined> {
  return db
    .selectFrom('auth_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id as tokenId',
      't.last_used_at as lastUsedAt',
      'u.id as userId',
      'u.role',
      'u.organization_id as organizationId',
      'u.name',
      'u.preferred_language as language',
    ])
    .where('t.token_hash', '=', tokenHash)
    .where('t.channel', '=', 'console')
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('u.active', '=', true)
    .where(
      sql<boolean>`coalesce(t.last_used_at, t.created_at) > now() - make_interval(mins => ${idleMinutes})`,
    )
    .executeTakeFirst();
}

/** Moves the idle clock on; called at most about once a minute per session. */
export async function touchConsoleSession(db: Db, tokenId: string): Promise<void> {
  await db
    .updateTable('auth_tokens')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', tokenId)
    .execute();
}

export async function setPreferredLanguage(db: Db, userId: string, language: Language): Promise<void> {
  await db.updateTable('users').set({ preferred_language: language }).where('id', '=', userId).execute();
}
