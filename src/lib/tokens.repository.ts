import type { Db } from './db';

/** The bearer tokens' SQL (see auth.ts for the cache in front of it). */

/** An unrevoked, unexpired token and its user (active or not: the caller decides). */
export async function findLiveToken(db: Db, tokenHash: string) {
  return db
    .selectFrom('auth_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id as tokenId', 't.expires_at', 'u.id as userId', 'u.role', 'u.organization_id', 'u.active'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', new Date())
    .executeTakeFirst();
}
