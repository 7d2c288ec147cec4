import type { Config } from '../src/config';
import { transact, type Db } from '../src/lib/db';
import type { Logger } from '../src/lib/logger';
import { raiseDeliveryAlert } from '../src/notifications/delivery-alerts';
import { reduceJobError } from '../src/notifications/delivery-errors';
import type { OutboxMessage } from '../src/lib/outbox';
import { claimPendingOutbox, markOutboxRelayed } from '../src/lib/outbox.repository';
import { RedisUnavailableError, withTimeout, type QueueSet } from './bull';
import { executeLocked, PermanentJobError, type JobDeps } from './execute';
import {
  JOB_HANDLERS,
  jobForTopic,
  jobOptions,
  knownTopics,
  retryDelayMs,
  type QueuedJobData,
} from './queues';

/**
 * The outbox relay: moves committed outbox rows to where they are carried out, oldest first,
 * and marks them relayed. Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED inside a
 * transaction, so any number of relays (API processes, workers) can run at once without two of
 * them taking the same row.
 */

export interface RelayResult {
  relayed: string[];
  failed: string[];
  /** Set when the pass stopped early (Redis away): the rows stay and a later pass moves them. */
  error?: string;
}

/**
 * With Redis: add each claimed row as a Bull job (jobId = outbox id), then mark the rows
 * relayed in the same transaction. If Redis is unreachable nothing is marked, the transaction
 * rolls back and the rows wait; if it fails after some adds, the next pass adds them again and
 * Bull collapses the duplicates by jobId.
 */
export async function relayToQueues(
  deps: { db: Db; config: Config; logger: Logger; queues: QueueSet },
  options: { readyTimeoutMs?: number; addTimeoutMs?: number } = {},
): Promise<RelayResult> {
  const { db, config, queues } = deps;
  try {
    await queues.ready(options.readyTimeoutMs ?? 1000);
    const relayed = await transact(db, async (trx) => {
      const rows = await claimPendingOutbox(trx, { topics: knownTopics(), limit: config.relayBatchSize });
      if (rows.length === 0) return [];
      await withTimeout(
        Promise.all(
          rows.map((row) => {
            const job = jobForTopic(row.topic)!; // claimPendingOutbox takes known topics only
            const data: QueuedJobData = { outboxId: row.id, topic: row.topic, payload: row.payload };
            return queues.get(JOB_HANDLERS[job].queue).add(job, data, jobOptions(config, row.id));
          }),
        ),
        options.addTimeoutMs ?? 5000,
        'adding jobs to redis',
      );
      const ids = rows.map((r) => r.id);
      await markOutboxRelayed(trx, ids);
      return ids;
    });
    return { relayed, failed: [] };
  } catch (err) {
    if (err instanceof RedisUnavailableError || isRedisError(err)) {
      return { relayed: [], failed: [], error: err instanceof Error ? err.message : String(err) };
    }
    throw err;
  }
}

function isRedisError(err: unknown): boolean {
  // ioredis' own errors (connection closed, max retries per request) name no common class.
  return (
    err instanceof Error && /redis|connection is closed|max retries|stream isn't writeable/i.test(err.message)
  );
}

/** Per-message retry bookkeeping of the in-process runner (there is no Bull to keep it). */
export class InlineRetries {
  private readonly state = new Map<
    string,
    { attempts: number; nextAt: number; gaveUp: boolean; lastError: string; failedAt: number }
  >();

  /** `now` is the clock (a test passes its own, to step through the backoff exactly). */
  constructor(
    private readonly config: Config,
    private readonly now: () => number = Date.now,
  ) {}

  /** Ids not to claim now: waiting for their next attempt, or given up on until restart. */
  blocked(now = this.now()): string[] {
    return [...this.state].filter(([, s]) => s.gaveUp || s.nextAt > now).map(([id]) => id);
  }

  failed(
    id: string,
    permanent: boolean,
    error = '',
  ): { attempts: number; gaveUp: boolean; retryInMs: number } {
    const s = this.state.get(id) ?? { attempts: 0, nextAt: 0, gaveUp: false, lastError: '', failedAt: 0 };
    s.attempts += 1;
    s.lastError = error;
    s.failedAt = this.now();
    s.gaveUp = permanent || s.attempts >= this.config.jobAttempts;
    const retryInMs = retryDelayMs(this.config, s.attempts);
    s.nextAt = s.failedAt + retryInMs;
    this.state.set(id, s);
    return { attempts: s.attempts, gaveUp: s.gaveUp, retryInMs };
  }

  succeeded(id: string): void {
    this.state.delete(id);
  }

  /** The messages given up on, for the admins' failed-jobs list. */
  gaveUp(): Array<{ id: string; attempts: number; lastError: string; failedAt: number }> {
    return [...this.state]
      .filter(([, s]) => s.gaveUp)
      .map(([id, s]) => ({ id, attempts: s.attempts, lastError: s.lastError, failedAt: s.failedAt }));
  }

  /** An admin's retry: the message is tried again on the next pass, with a fresh budget. */
  reset(id: string): boolean {
    const s = this.state.get(id);
    if (!s?.gaveUp) return false;
    this.state.delete(id);
    return true;
  }
}

/**
 * Without Redis (embedded mode): run each message's handler right here, one transaction per
 * message that holds the row lock, writes the delivery record and marks the row relayed, so a
 * failure undoes only that message. A failed message is retried on the Bull schedule; after
 * the last attempt it stays unrelayed (and is logged) until the process restarts.
 */
export async function relayInline(deps: JobDeps & { db: Db; retries: InlineRetries }): Promise<RelayResult> {
  const { db, config, logger, retries } = deps;
  const result: RelayResult = { relayed: [], failed: [] };
  for (let i = 0; i < config.relayBatchSize; i++) {
    let claimed: OutboxMessage | undefined;
    try {
      const done = await transact(db, async (trx) => {
        [claimed] = await claimPendingOutbox(trx, {
          topics: knownTopics(),
          limit: 1,
          skipIds: retries.blocked(),
        });
        if (!claimed) return false;
        await executeLocked(trx, deps, claimed);
        await markOutboxRelayed(trx, [claimed.id]);
        return true;
      });
      if (!done) break;
      retries.succeeded(claimed!.id);
      result.relayed.push(claimed!.id);
    } catch (err) {
      if (!claimed) throw err;
      // Only the category and code: an SMTP reply can name the recipient (admins see lastError).
      const reduced = reduceJobError(err);
      const permanent = err instanceof PermanentJobError || reduced.permanent;
      const state = retries.failed(claimed.id, permanent, reduced.message);
      result.failed.push(claimed.id);
      const log = {
        outboxId: claimed.id,
        topic: claimed.topic,
        attempts: state.attempts,
        err: reduced.summary,
      };
      if (state.gaveUp) {
        logger.error(log, 'outbox message failed for good; it stays pending until restart');
        await raiseDeliveryAlert(db, {
          outboxId: claimed.id,
          reason: 'attempts_exhausted',
          errorCategory: reduced.summary.category,
        }).catch((alertErr: unknown) =>
          logger.error({ err: reduceJobError(alertErr).summary }, 'could not record a delivery alert'),
        );
      } else logger.warn({ ...log, retryInMs: state.retryInMs }, 'outbox message failed; will retry');
    }
  }
  return result;
}

export interface RelayLoop {
  /** Asks for a pass soon; calls during a pass collapse into one more pass after it. */
  kick(): void;
  /** Stops the timer and waits for a running pass to end. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` on start, every `intervalMs`, and when kicked (after a commit that wrote to the
 * outbox). Passes never overlap; a full batch is followed at once by another pass.
 */
export function startRelayLoop(
  pass: () => Promise<RelayResult>,
  options: { intervalMs: number; batchSize: number; logger: Logger },
): RelayLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let lastError: string | undefined;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = pass()
      .then((r) => {
        if (r.error && r.error !== lastError)
          options.logger.warn({ err: r.error }, 'outbox relay paused; rows stay pending');
        if (!r.error && lastError) options.logger.info('outbox relay resumed');
        lastError = r.error;
        if (r.relayed.length + r.failed.length >= options.batchSize) again = true;
      })
      .catch((err: unknown) => {
        options.logger.error({ err: errorMessage(err) }, 'outbox relay pass failed');
      })
      .finally(() => {
        running = undefined;
        schedule(again ? 0 : options.intervalMs);
      });
  };

  schedule(0);
  return {
    kick: () => {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
