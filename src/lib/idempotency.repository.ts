import { sql } from 'kysely';
import type { Trx } from './db';

/** The idempotency keys' SQL (see idempotency.ts for what the rows mean). */

/**
 * Inserts the key row, or nothing when (user, key) exists: then undefined. A concurrent insert
 * of the same key blocks here until the first transaction ends.
 */
export async function claimIdempotencyKey(
  trx: Trx,
  claim: { userId: string; key: string; endpoint: string; hash: string },
): Promise<{ started_at: Date } | undefined> {
  return trx
    .insertInto('idempotency_keys')
    .values({
      user_id: claim.userId,
      key: claim.key,
      endpoint: claim.endpoint,
      request_hash: claim.hash,
      status: 0,
      response: '{}',
    })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .returning(sql<Date>`now()`.as('started_at'))
    .executeTakeFirst();
}

export async function findIdempotencyRecord(trx: Trx, userId: string, key: string) {
  return trx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'response'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
}

/** Stores the first answer and reads it back in its stored form. */
export async function storeIdempotentResponse(
  trx: Trx,
  userId: string,
  key: string,
  result: { status: number; body: unknown },
): Promise<unknown> {
  const stored = await trx
    .updateTable('idempotency_keys')
    .set({ status: result.status, response: JSON.stringify(result.body) })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .returning('response')
    .executeTakeFirstOrThrow();
  return stored.response;
}
