import type { Db, Trx } from '../../lib/db';
import type { Role } from '../../lib/auth';

/** One feed per user: a new token replaces the old one, which stops working at once. */
export async function putFeed(trx: Trx, userId: string, tokenHash: string): Promise<Date> {
  const row = await trx
    .insertInto('calendar_feeds')
    .values({ user_id: userId, token_hash: tokenHash })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: tokenHash, created_at: new Date() }))
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return row.created_at;
}

export async function deleteFeed(trx: Trx, userId: string): Promise<boolean> {
  const res = await trx.deleteFrom('calendar_feeds').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function feedOf(db: Db | Trx, userId: string): Promise<{ created_at: Date } | undefined> {
  return db
    .selectFrom('calendar_feeds')
    .select('created_at')
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The active user a feed token belongs to. */
export async function feedOwner(
  db: Db | Trx,
  tokenHash: string,
): Promise<{ id: string; role: Role; organization_id: string | null } | undefined> {
  return db
    .selectFrom('calendar_feeds as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .select(['u.id', 'u.role', 'u.organization_id'])
    .where('f.token_hash', '=', tokenHash)
    .where('u.active', '=', true)
    .executeTakeFirst();
}
