import { sql } from 'kysely';
import type { Db, Trx } from './db';
import type { OutboxMessage } from './outbox';

/** The outbox's SQL: the message rows, the relay's claims on them, and their deliveries. */

export async function insertOutboxMessage(trx: Trx, topic: string, payload: unknown): Promise<string> {
  const row = await trx
    .insertInto('outbox')
    .values({ topic, payload: JSON.stringify(payload), relayed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Takes up to `limit` unrelayed messages, oldest first, locking them for this transaction.
 * SKIP LOCKED: a second relay running at the same moment takes the next rows instead of
 * waiting, so two relays never move the same message. Only `topics` this process knows are
 * taken: a message from a newer release waits for a worker that understands it.
 */
export async function claimPendingOutbox(
  trx: Trx,
  options: { topics: readonly string[]; limit: number; skipIds?: readonly string[] },
): Promise<OutboxMessage[]> {
  if (options.topics.length === 0) return [];
  let query = trx
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'created_at'])
    .where('relayed_at', 'is', null)
    .where('topic', 'in', [...options.topics]);
  if (options.skipIds && options.skipIds.length > 0) {
    query = query.where('id', 'not in', [...options.skipIds]);
  }
  const rows = await query.orderBy('id').limit(options.limit).forUpdate().skipLocked().execute();
  return rows.map(rowToMessage);
}

export async function markOutboxRelayed(trx: Trx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('outbox')
    .set({ relayed_at: sql<Date>`now()` })
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * Locks one message for the rest of the transaction, so two runs of the same job (a stalled
 * Bull job taken over while the first is still sending) take turns: the second sees the first's
 * delivery row and does nothing.
 */
export async function lockOutboxMessage(trx: Trx, id: string): Promise<OutboxMessage | undefined> {
  const row = await trx
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'created_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ? rowToMessage(row) : undefined;
}

export async function findOutboxDelivery(
  trx: Trx,
  id: string,
): Promise<{ deliveredAt: Date; detail: string | null } | undefined> {
  const row = await trx
    .selectFrom('outbox_deliveries')
    .select(['delivered_at', 'detail'])
    .where('outbox_id', '=', id)
    .executeTakeFirst();
  return row ? { deliveredAt: row.delivered_at, detail: row.detail } : undefined;
}

/** The message is done: its delivery row, and delivered_at on the row, in the caller's transaction. */
export async function recordOutboxDelivery(trx: Trx, id: string, detail: string): Promise<void> {
  await trx
    .insertInto('outbox_deliveries')
    .values({ outbox_id: id, detail: detail.slice(0, 1000) })
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .execute();
  await trx
    .updateTable('outbox')
    .set({ delivered_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .execute();
}

/**
 * Messages handed to the queue but not delivered yet, oldest first, after `afterId`: their job
 * may have been lost with Redis. Only `topics` this process knows.
 */
export async function relayedUndelivered(
  db: Db,
  options: { topics: readonly string[]; limit: number; afterId?: string },
): Promise<OutboxMessage[]> {
  if (options.topics.length === 0) return [];
  let query = db
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'created_at'])
    .where('delivered_at', 'is', null)
    .where('relayed_at', 'is not', null)
    .where('topic', 'in', [...options.topics]);
  if (options.afterId) query = query.where('id', '>', options.afterId);
  const rows = await query.orderBy('id').limit(options.limit).execute();
  return rows.map(rowToMessage);
}

/** How far behind the relay and the deliveries are: for readiness and metrics. */
export async function outboxBacklog(db: Db): Promise<{
  pending: number;
  oldestAgeSeconds: number | null;
  undelivered: number;
  oldestUndeliveredAgeSeconds: number | null;
}> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<string>`count(*) filter (where relayed_at is null)`.as('pending'),
      sql<
        string | null
      >`extract(epoch from now() - min(created_at) filter (where relayed_at is null))::int8`.as('oldest'),
      sql<string>`count(*)`.as('undelivered'),
      sql<string | null>`extract(epoch from now() - min(created_at))::int8`.as('oldestUndelivered'),
    ])
    .where('delivered_at', 'is', null)
    .executeTakeFirstOrThrow();
  const age = (v: string | null) => (v === null ? null : Number(v));
  return {
    pending: Number(row.pending),
    oldestAgeSeconds: age(row.oldest),
    undelivered: Number(row.undelivered),
    oldestUndeliveredAgeSeconds: age(row.oldestUndelivered),
  };
}

function rowToMessage(row: { id: string; topic: string; payload: unknown; created_at: Date }): OutboxMessage {
  return { id: row.id, topic: row.topic, payload: row.payload, createdAt: row.created_at };
}
