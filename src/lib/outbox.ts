import type { Trx } from './db';
import { insertOutboxMessage } from './outbox.repository';

/**
 * What each outbox topic carries. Payloads hold ids, never identifying data: they are copied
 * into Redis and shown to admins with failed jobs. The handler loads what it needs by id.
 * Adding a topic here makes jobs/queues.ts fail to compile until it is mapped to a job.
 */
export interface OutboxPayloads {
  'user.welcome': { userId: string };
  /** A claim changed status: the victim (or guardian) may be told, neutrally. */
  'claim.status_changed': { claimId: string; status: string };
  /** A row of deadline_reminders: the assignee is reminded of a claim deadline. */
  'deadline.reminder': { reminderId: string };
  /** One administrator told that a reconciliation run failed. */
  'reconciliation.alert': { runId: string; userId: string };
  /** A disbursement request waits for a (second) fund administrator's approval. */
  'disbursement.awaiting_approval': { disbursementId: string };
  /** A disbursement was marked failed: its requester and approvers are told. */
  'disbursement.payout_failed': { disbursementId: string };
  /** A row of deadline_reminders (kind 'hearing'): the assignee is reminded of a hearing. */
  'hearing.reminder': { reminderId: string };
  /** A row of deadline_reminders (kind 'reflection'): a victim's reflection period ends soon. */
  'reflection.reminder': { reminderId: string };
  /** A row of deadline_reminders (kind 'fund_decision'): the fund's administrators must decide. */
  'fund_decision.due': { reminderId: string };
  /** Money reached the victim (a payment recorded as paid to them, or a disbursement paid). */
  'victim.payment_made': { victimId: string; paymentId?: string; disbursementId?: string };
  /** One administrator told that a message could not be delivered (outbox_alerts holds why). */
  'outbox.alert': { outboxId: string; userId: string };
}

export type OutboxTopic = keyof OutboxPayloads;

/** A message read back from the outbox (the payload is whatever was stored: validate it). */
export interface OutboxMessage {
  id: string;
  topic: string;
  payload: unknown;
  createdAt: Date;
}

/**
 * Records a message to send, in the same transaction as the change that causes it: if the
 * change commits the message exists, if it rolls back it never did. The relay (jobs/relay.ts)
 * moves it to the queue; call `ctx.outbox.kick()` after the commit so that happens at once.
 */
export async function enqueueOutbox<T extends OutboxTopic>(
  trx: Trx,
  topic: T,
  payload: OutboxPayloads[T],
): Promise<string> {
  return insertOutboxMessage(trx, topic, payload);
}
