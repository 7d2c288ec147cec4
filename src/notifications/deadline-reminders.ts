import Joi from 'joi';
import { bigintId } from '../lib/schemas';
import { transact, type Db, type Trx } from '../lib/db';
import { daysBetween, todayUtc } from '../lib/dates';
import { enqueueOutbox, type OutboxPayloads } from '../lib/outbox';
import type { MailKey, Mailer } from './mailer';
import {
  findActiveUser,
  findReminder,
  insertReminderOnce,
  openDeadlinesDueBy,
  setReminderOutbox,
} from './notifications.repository';
import { mailTranslator, renderMail } from './templates';

/** Reminders go out 30, 7 and 1 day(s) before a deadline; -1 stands for the overdue notice. */
export const REMINDER_OFFSETS = [30, 7, 1] as const;
export const OVERDUE = -1;

/**
 * Which reminder a deadline `daysLeft` away is due for. Buckets rather than exact days: a scan
 * that did not run on the 7th day before (a stopped worker) still sends the 7-day reminder the
 * day after, and each bucket is sent once whatever the number of scans.
 */
export function reminderOffsetFor(daysLeft: number): number | undefined {
  if (daysLeft < 0) return OVERDUE;
  for (const offset of [...REMINDER_OFFSETS].reverse()) if (daysLeft <= offset) return offset;
  return undefined;
}

/**
 * The daily scan: one deadline_reminders row per (claim, deadline kind, due date, offset),
 * inserted ON CONFLICT DO NOTHING together with its outbox row in one transaction, so a second
 * scan the same day (or two workers scanning at once) enqueues nothing more.
 */
export async function scanDeadlines(
  db: Db,
  today = todayUtc(),
): Promise<{ enqueued: number; outboxIds: string[] }> {
  const outboxIds = await transact(db, async (trx) => {
    const ids: string[] = [];
    for (const d of await openDeadlinesDueBy(trx, today, Math.max(...REMINDER_OFFSETS))) {
      const offsetDays = reminderOffsetFor(d.daysLeft);
      if (offsetDays === undefined) continue;
      const reminderId = await insertReminderOnce(trx, {
        claimId: d.claimId,
        kind: d.kind,
        dueOn: d.dueOn,
        offsetDays,
        scannedOn: today,
        assigneeId: d.assigneeId,
      });
      if (!reminderId) continue;
      const outboxId = await enqueueOutbox(trx, 'deadline.reminder', { reminderId });
      await setReminderOutbox(trx, reminderId, outboxId);
      ids.push(outboxId);
    }
    return ids;
  });
  return { enqueued: outboxIds.length, outboxIds };
}

export type ReminderPayload = OutboxPayloads['deadline.reminder'];

export const reminderPayloadSchema = Joi.object<ReminderPayload, true>({
  reminderId: bigintId().required(),
});

/**
 * The reminder to the claim's assignee, in the language chosen for their account. Not sent when
 * the deadline has since been met or moved: the reminder would be wrong.
 */
export async function sendReminderEmail(
  deps: { trx: Trx; mailer: Mailer },
  payload: ReminderPayload,
  key: MailKey,
): Promise<string> {
  const r = await findReminder(deps.trx, payload.reminderId);
  if (!r) return 'skipped: reminder not found';
  if (r.met_on !== null) return 'skipped: deadline met';
  if (r.current_due_on !== r.due_on) return 'skipped: deadline moved or gone';
  const user = r.assignee_id ? await findActiveUser(deps.trx, r.assignee_id) : undefined;
  if (!user) return 'skipped: assignee inactive';
  const t = mailTranslator(user.preferred_language);
  const vars = {
    kind: t(`kind.${r.kind}`),
    reference: r.reference,
    dueOn: r.due_on,
    days: Math.max(0, daysBetween(r.scanned_on, r.due_on)),
  };
  const overdue = r.offset_days === OVERDUE;
  const message = renderMail(user.preferred_language, user.email, {
    subject: overdue ? t('overdue.subject') : t('reminder.subject', vars),
    paragraphs: [t(overdue ? 'overdue.body' : 'reminder.body', vars), t('reminder.action')],
  });
  const sent = await deps.mailer.send(message, key);
  return `assignee ${user.id}: ${sent.detail}`;
}
