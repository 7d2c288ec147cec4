import type { Trx } from './db';

/**
 * Records a message to send, in the same transaction as the change that causes it: if the
 * change commits the message exists, if it rolls back it never did. The relay (jobs/relay.ts)
 * moves it to the queue.
 */
export async function enqueueOutbox(
  trx: Trx,
  topic: string,
  payload: Record<string, unknown>,
): Promise<string> {
  const row = await trx
    .insertInto('outbox')
    .values({ topic, payload: JSON.stringify(payload), relayed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
