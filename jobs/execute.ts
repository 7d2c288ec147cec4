import type { Config } from '../src/config';
import type { FieldCipher } from '../src/lib/crypto';
import { transact, type Db, type Trx } from '../src/lib/db';
import type { Logger } from '../src/lib/logger';
import type { OutboxMessage } from '../src/lib/outbox';
import { findOutboxDelivery, lockOutboxMessage, recordOutboxDelivery } from '../src/lib/outbox.repository';
import type { Mailer } from '../src/notifications/mailer';
import { JOB_HANDLERS, jobForTopic, type JobName } from './queues';

/** A failure that no retry can fix (unknown topic, malformed payload, missing row). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface JobDeps {
  config: Config;
  logger: Logger;
  mailer: Mailer;
  /** For handlers that decrypt a victim's contact (in memory only). */
  cipher?: FieldCipher;
}

export type JobOutcome =
  { outcome: 'delivered'; job: JobName; detail: string } | { outcome: 'already-delivered'; job: JobName };

/**
 * Runs the job for one outbox message whose row `trx` holds locked, at most once per message:
 * an existing outbox_deliveries row means the effect already happened, so a retry after a
 * success does nothing.
 *
 * The delivery row is written in the same transaction, right after the handler returns, and
 * commits with it. The remaining window: the process dies, or the commit fails, after the SMTP
 * server accepted the message but before the commit. Then the retry sends it again. No
 * protocol closes that window (SMTP and PostgreSQL share no transaction); it is one commit
 * round-trip wide, and the resend carries the same Message-ID so mail systems can collapse it.
 * For the .eml transport a resend overwrites the same file, so the effect is exactly once.
 */
export async function executeLocked(trx: Trx, deps: JobDeps, message: OutboxMessage): Promise<JobOutcome> {
  const job = jobForTopic(message.topic);
  if (!job) throw new PermanentJobError(`no job carries out topic "${message.topic}"`);
  if (await findOutboxDelivery(trx, message.id)) return { outcome: 'already-delivered', job };

  const definition = JOB_HANDLERS[job];
  const { value, error } = definition.payload.validate(message.payload, { abortEarly: false });
  if (error)
    throw new PermanentJobError(`outbox ${message.id}: invalid payload for ${job}: ${error.message}`);

  const detail = await definition.handle(
    {
      trx,
      outboxId: message.id,
      config: deps.config,
      logger: deps.logger,
      mailer: deps.mailer,
      cipher: deps.cipher,
      mailKey: { key: `outbox-${message.id}`, unique: String(message.createdAt.getTime()) },
    },
    value,
  );
  await recordOutboxDelivery(trx, message.id, detail);
  return { outcome: 'delivered', job, detail };
}

/**
 * The worker's side: lock the message's row for the whole run, so a second run of the same
 * job (Bull taking over a job it thinks stalled) waits and then finds the delivery row.
 */
export async function executeOutboxJob(db: Db, deps: JobDeps, outboxId: string): Promise<JobOutcome> {
  return transact(db, async (trx) => {
    const message = await lockOutboxMessage(trx, outboxId);
    if (!message) throw new PermanentJobError(`outbox ${outboxId} does not exist`);
    return executeLocked(trx, deps, message);
  });
}
