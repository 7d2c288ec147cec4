import type Bull from 'bull';
import type { Config } from '../src/config';
import type { AppContext } from '../src/context';
import { scheduleAuditSeal } from '../src/audit/audit-chain';
import { setJobsAdmin } from '../src/notifications/jobs-admin';
import { createMailer, type Mailer } from '../src/notifications/mailer';
import { alertOverdueMessages, raiseDeliveryAlert } from '../src/notifications/delivery-alerts';
import { reduceJobError } from '../src/notifications/delivery-errors';
import { bullJobsAdmin, inlineJobsAdmin } from './admin';
import { createQueueSet, type QueueSet } from './bull';
import { executeOutboxJob, PermanentJobError, type JobDeps } from './execute';
import { checkJobRegistry, JOB_HANDLERS, JOB_NAMES, type QueuedJobData } from './queues';
import { InlineRetries, relayInline, relayToQueues, startRelayLoop, type RelayLoop } from './relay';
import { startBullSchedule, startInlineSchedule } from './schedule';
import { requeueLostJobs, startPeriodicTask } from './sweep';

/**
 * - `embedded`: no Redis; the relay runs each handler in this process.
 * - `relay`: move outbox rows into Bull; a worker process runs them (the API with REDIS_URL).
 * - `worker`: relay and run the Bull jobs (`npm run worker`).
 */
export type JobsMode = 'embedded' | 'relay' | 'worker';

export interface Jobs {
  mode: JobsMode;
  relay: RelayLoop;
  queues?: QueueSet;
  mailer?: Mailer;
  stop(): Promise<void>;
}

/**
 * What the API process runs. With Redis it relays too, not only the worker: a pass is one
 * indexed query when nothing is pending, SKIP LOCKED keeps any number of relays apart, and
 * `ctx.outbox.kick()` after a commit then puts the job into Redis at once, even while no worker
 * is up. On the embedded database a separate worker cannot open the same files, so the API
 * process runs the Bull jobs itself.
 */
export function jobsModeFor(config: Config, dbKind: AppContext['dbKind']): JobsMode {
  if (!config.redisUrl) return 'embedded';
  return dbKind === 'pglite' ? 'worker' : 'relay';
}

/**
 * Starts the relay loop (and, in worker mode, the Bull processors) for `ctx`, and points
 * `ctx.outbox.kick()` at it. Nothing runs until this is called, so tests that build a runtime
 * start jobs explicitly and stop them with `stop()`.
 */
export interface StartJobsOptions {
  mode: JobsMode;
  mailer?: Mailer;
  /** Run the scheduled jobs (deadline scan, reconciliation): on unless a test turns it off. */
  schedule?: boolean;
}

export function startJobs(ctx: AppContext, options: StartJobsOptions): Jobs {
  const jobs = startJobRunners(ctx, options);
  // The API seals audit events after each response; this sweep catches what a crashed process
  // left unsealed, so the chain never lags by more than a minute.
  const sweep = setInterval(() => void scheduleAuditSeal(ctx.db, ctx.logger), 60_000);
  sweep.unref();
  return {
    ...jobs,
    stop: async () => {
      clearInterval(sweep);
      await jobs.stop();
    },
  };
}

function startJobRunners(ctx: AppContext, options: StartJobsOptions): Jobs {
  checkJobRegistry();
  const { config, logger, db } = ctx;
  const loopOptions = { intervalMs: config.relayIntervalMs, batchSize: config.relayBatchSize, logger };

  if (options.mode === 'embedded') {
    const mailer = options.mailer ?? createMailer(config);
    const retries = new InlineRetries(config);
    const cipher = ctx.cipher;
    const relay = startRelayLoop(
      () => relayInline({ db, config, logger, mailer, cipher, retries }),
      loopOptions,
    );
    ctx.outbox = { kick: () => relay.kick() };
    setJobsAdmin(
      ctx,
      inlineJobsAdmin(db, retries, () => relay),
    );
    const stopSchedule = options.schedule === false ? undefined : startInlineSchedule({ db, logger, config });
    const overdue = startPeriodicTask('overdue alerts', () => alertOverdue(ctx), {
      intervalMs: config.outboxSweepIntervalMs,
      logger,
    });
    return {
      mode: 'embedded',
      relay,
      mailer,
      stop: async () => {
        ctx.outbox = { kick: () => undefined };
        setJobsAdmin(ctx, undefined);
        await overdue.stop();
        await stopSchedule?.();
        await relay.stop();
        if (!options.mailer) mailer.close();
      },
    };
  }

  if (!config.redisUrl) throw new Error(`jobs mode "${options.mode}" needs REDIS_URL`);
  const queues = createQueueSet(config.redisUrl, { prefix: config.queuePrefix, logger });
  ctx.readinessChecks.redis = () => queues.ping();
  const mailer = options.mode === 'worker' ? (options.mailer ?? createMailer(config)) : undefined;
  if (mailer) startProcessors(queues, { config, logger, mailer, cipher: ctx.cipher }, ctx);
  const stopSchedule =
    mailer && options.schedule !== false ? startBullSchedule(queues, { db, logger, config }) : undefined;
  const relay = startRelayLoop(() => relayToQueues({ db, config, logger, queues }), loopOptions);
  ctx.outbox = { kick: () => relay.kick() };
  setJobsAdmin(ctx, bullJobsAdmin(queues));
  // Redis may come back empty: every reconnect, and a periodic sweep, re-queue lost jobs.
  const sweep = startPeriodicTask(
    'outbox sweep',
    async () => {
      // Overdue alerts are recorded even while Redis is away (that may be why mail is late).
      const [requeue] = await Promise.allSettled([
        requeueLostJobs({ db, config, queues }),
        alertOverdue(ctx),
      ]);
      if (requeue.status === 'rejected') throw requeue.reason;
      if (requeue.value.requeued.length > 0)
        logger.warn(
          { count: requeue.value.requeued.length, outboxIds: requeue.value.requeued.slice(0, 50) },
          'undelivered messages re-queued: their jobs were gone from Redis',
        );
    },
    { intervalMs: config.outboxSweepIntervalMs, logger },
  );
  const stopSweepOnReady = queues.onReady(() => sweep.trigger());
  return {
    mode: options.mode,
    relay,
    queues,
    mailer,
    stop: async () => {
      ctx.outbox = { kick: () => undefined };
      setJobsAdmin(ctx, undefined);
      stopSchedule?.();
      stopSweepOnReady();
      delete ctx.readinessChecks.redis;
      await sweep.stop();
      await relay.stop();
      await queues.close(config.shutdownGraceMs);
      if (mailer && !options.mailer) mailer.close();
    },
  };
}

function startProcessors(queues: QueueSet, deps: JobDeps, ctx: AppContext): void {
  const { logger } = deps;
  // One processor per queue for all its job names: Bull adds up the concurrency of every
  // process() call on a queue, so one call per name would multiply JOB_CONCURRENCY.
  const outboxQueues = new Set(JOB_NAMES.map((name) => JOB_HANDLERS[name].queue));
  for (const queueName of outboxQueues) {
    const processor = async (job: Bull.Job<QueuedJobData>): Promise<string> => {
      try {
        const result = await executeOutboxJob(ctx.db, deps, job.data.outboxId);
        return result.outcome === 'delivered' ? result.detail : 'already delivered';
      } catch (err) {
        // Bull keeps what is thrown (failedReason, stacktrace) and admins read it: only the
        // category and code go on, never an SMTP reply that names the recipient.
        const reduced = reduceJobError(err);
        // No retry can fix it: fail now and keep the job for an admin to look at.
        if (err instanceof PermanentJobError || reduced.permanent) await job.discard();
        throw reduced;
      }
    };
    // Resolves only when the queue closes: not awaited.
    queues
      .get(queueName)
      .process('*', deps.config.jobConcurrency, processor)
      .catch((err: unknown) => {
        logger.error(
          { err: err instanceof Error ? err.message : String(err), queue: queueName },
          'job processor stopped',
        );
      });
  }
  for (const queue of queues.all()) {
    queue.on('failed', (job: Bull.Job<QueuedJobData>, err: Error) => {
      const reduced = reduceJobError(err);
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || reduced.permanent;
      if (final && job.data.outboxId) alertAdmins(ctx, job.data.outboxId, reduced.summary.category);
      logger[final ? 'error' : 'warn'](
        {
          job: job.name,
          outboxId: job.data.outboxId,
          attemptsMade: job.attemptsMade,
          err: reduced.summary,
        },
        final ? 'job failed for good' : 'job failed; will retry',
      );
    });
  }
}

/** A message that will not be tried again by itself: admins hear of it (once per message). */
function alertAdmins(ctx: AppContext, outboxId: string, errorCategory: string): void {
  raiseDeliveryAlert(ctx.db, { outboxId, reason: 'attempts_exhausted', errorCategory }).then(
    (raised) => {
      if (raised) {
        ctx.logger.warn({ outboxId, errorCategory }, 'admins alerted: a message ran out of attempts');
        ctx.outbox.kick();
      }
    },
    (err: unknown) =>
      // The overdue sweep alerts later if this fails: nothing is lost.
      ctx.logger.error({ outboxId, err: reduceJobError(err).summary }, 'could not record a delivery alert'),
  );
}

async function alertOverdue(ctx: AppContext): Promise<void> {
  let raised: string[];
  try {
    raised = await alertOverdueMessages(ctx.db, ctx.config.undeliveredAlertMinutes);
  } catch (err) {
    ctx.logger.warn({ err: reduceJobError(err).summary }, 'overdue message check failed; retried later');
    return;
  }
  if (raised.length > 0) {
    ctx.logger.warn(
      { count: raised.length, outboxIds: raised.slice(0, 50) },
      'admins alerted: messages undelivered for too long',
    );
    ctx.outbox.kick();
  }
}
