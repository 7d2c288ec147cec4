import Joi from 'joi';
import { bigintId } from '../lib/schemas';
import { transact, type Db, type Trx } from '../lib/db';
import { enqueueOutbox, type OutboxPayloads } from '../lib/outbox';
import {
  deliveryAlertRowsFor,
  findDeliveryAlert,
  findOutboxMessageState,
  insertOutboxAlertOnce,
  openDeliveryAlertRows,
  overdueUnalertedOutboxIds,
} from './delivery-alerts.repository';
import type { MailKey, Mailer } from './mailer';
import { activeAdminIds, findActiveUser } from './notifications.repository';
import { mailTranslator, renderMail } from './templates';

/**
 * Admins are told when a message cannot get through: its job ran out of attempts, or it is
 * still undelivered UNDELIVERED_ALERT_MINUTES after it was written. Once per message (the
 * outbox_alerts primary key), however many workers notice; the e-mail names the message by id,
 * topic and error category, never by recipient or content.
 */
export type DeliveryAlertReason = 'attempts_exhausted' | 'undelivered_too_long';

export const DELIVERY_ALERT_TOPIC = 'outbox.alert';

/** True when this call recorded the alert (and queued the admins' e-mails). */
export async function raiseDeliveryAlert(
  db: Db,
  input: { outboxId: string; reason: DeliveryAlertReason; errorCategory: string | null },
): Promise<boolean> {
  return transact(db, async (trx) => {
    const message = await findOutboxMessageState(trx, input.outboxId);
    if (!message || message.delivered_at) return false;
    const inserted = await insertOutboxAlertOnce(trx, {
      outboxId: message.id,
      reason: input.reason,
      errorCategory: input.errorCategory,
    });
    if (!inserted) return false;
    // An alert about an alert would go round in circles while mail is down: flagged, not mailed.
    if (message.topic === DELIVERY_ALERT_TOPIC) return true;
    for (const userId of await activeAdminIds(trx))
      await enqueueOutbox(trx, 'outbox.alert', { outboxId: message.id, userId });
    return true;
  });
}

/** Alerts about every message undelivered for more than `minutes` and not alerted yet. */
export async function alertOverdueMessages(db: Db, minutes: number, limit = 100): Promise<string[]> {
  const ids = await overdueUnalertedOutboxIds(db, minutes, limit);
  const raised: string[] = [];
  for (const id of ids) {
    const done = await raiseDeliveryAlert(db, {
      outboxId: id,
      reason: 'undelivered_too_long',
      errorCategory: null,
    });
    if (done) raised.push(id);
  }
  return raised;
}

export interface DeliveryAlertView {
  outboxId: string;
  topic: string;
  reason: DeliveryAlertReason;
  errorCategory: string | null;
  alertedAt: string;
}

/** The alerts about messages still undelivered, newest first: for the failed-jobs list. */
export async function openDeliveryAlerts(db: Db, limit: number): Promise<DeliveryAlertView[]> {
  const rows = await openDeliveryAlertRows(db, limit);
  return rows.map((r) => ({
    outboxId: r.id,
    topic: r.topic,
    reason: r.reason,
    errorCategory: r.error_category,
    alertedAt: r.alerted_at.toISOString(),
  }));
}

/** The alert recorded for each of `outboxIds` that has one. */
export async function deliveryAlertsFor(
  db: Db,
  outboxIds: readonly string[],
): Promise<Map<string, Omit<DeliveryAlertView, 'outboxId' | 'topic'>>> {
  if (outboxIds.length === 0) return new Map();
  const rows = await deliveryAlertRowsFor(db, outboxIds);
  return new Map(
    rows.map((r) => [
      r.outbox_id,
      { reason: r.reason, errorCategory: r.error_category, alertedAt: r.alerted_at.toISOString() },
    ]),
  );
}

export type DeliveryAlertPayload = OutboxPayloads['outbox.alert'];

export const deliveryAlertPayloadSchema = Joi.object<DeliveryAlertPayload, true>({
  outboxId: bigintId().required(),
  userId: Joi.string().guid().required(),
});

/** One administrator's e-mail, in their language. */
export async function sendDeliveryAlert(
  deps: { trx: Trx; mailer: Mailer },
  payload: DeliveryAlertPayload,
  key: MailKey,
): Promise<string> {
  const alert = await findDeliveryAlert(deps.trx, payload.outboxId);
  if (!alert) return 'skipped: no alert recorded';
  if (alert.delivered_at) return 'skipped: delivered since';
  const user = await findActiveUser(deps.trx, payload.userId);
  if (!user || user.role !== 'admin') return 'skipped: not an active administrator';
  const t = mailTranslator(user.preferred_language);
  const about = { id: alert.id, job: alert.topic };
  const body =
    alert.reason === 'attempts_exhausted'
      ? t('delivery_alert.exhausted', { ...about, category: alert.error_category ?? 'unknown' })
      : t('delivery_alert.overdue', {
          ...about,
          minutes: String(Math.floor((alert.alerted_at.getTime() - alert.created_at.getTime()) / 60_000)),
        });
  const message = renderMail(user.preferred_language, user.email, {
    subject: t('delivery_alert.subject'),
    paragraphs: [body, t('delivery_alert.action')],
  });
  const sent = await deps.mailer.send(message, key);
  return `admin ${user.id}: ${sent.detail}`;
}
