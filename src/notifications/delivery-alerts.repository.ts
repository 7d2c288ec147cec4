import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { DeliveryAlertReason } from './delivery-alerts';

/** The delivery alerts' SQL: outbox_alerts, one row per message admins were told about. */

export async function findOutboxMessageState(trx: Trx, outboxId: string) {
  return trx
    .selectFrom('outbox')
    .select(['id', 'topic', 'delivered_at'])
    .where('id', '=', outboxId)
    .executeTakeFirst();
}

/** True when this call recorded the alert; false when the message already had one. */
export async function insertOutboxAlertOnce(
  trx: Trx,
  alert: { outboxId: string; reason: DeliveryAlertReason; errorCategory: string | null },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('outbox_alerts')
    .values({ outbox_id: alert.outboxId, reason: alert.reason, error_category: alert.errorCategory })
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .returning('outbox_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Ids of messages undelivered for more than `minutes` and not alerted yet, oldest first. */
export async function overdueUnalertedOutboxIds(db: Db, minutes: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('id')
    .where('delivered_at', 'is', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('outbox_alerts').select('outbox_id').whereRef('outbox_id', '=', 'outbox.id')),
      ),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Alerts about messages still undelivered, newest first. */
export async function openDeliveryAlertRows(db: Db, limit: number) {
  return db
    .selectFrom('outbox_alerts')
    .innerJoin('outbox', 'outbox.id', 'outbox_alerts.outbox_id')
    .select(['outbox.id', 'outbox.topic', 'reason', 'error_category', 'alerted_at'])
    .where('outbox.delivered_at', 'is', null)
    .orderBy('alerted_at', 'desc')
    .orderBy('outbox.id', 'desc')
    .limit(limit)
    .execute();
}

export async function deliveryAlertRowsFor(db: Db, outboxIds: readonly string[]) {
  return db
    .selectFrom('outbox_alerts')
    .select(['outbox_id', 'reason', 'error_category', 'alerted_at'])
    .where('outbox_id', 'in', [...outboxIds])
    .execute();
}

/** An alert with what its e-mail says about the message. */
export async function findDeliveryAlert(trx: Trx, outboxId: string) {
  return trx
    .selectFrom('outbox_alerts')
    .innerJoin('outbox', 'outbox.id', 'outbox_alerts.outbox_id')
    .select([
      'outbox.id',
      'outbox.topic',
      'outbox.created_at',
      'outbox.delivered_at',
      'reason',
      'error_category',
      'alerted_at',
    ])
    .where('outbox_alerts.outbox_id', '=', outboxId)
    .executeTakeFirst();
}
