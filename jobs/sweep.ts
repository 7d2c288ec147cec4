import type { Config } from '../src/config';
import type { Db } from '../src/lib/db';
import type { Logger } from '../src/lib/logger';
import { relayedUndelivered } from '../src/lib/outbox.repository';
import { reduceJobError } from '../src/notifications/delivery-errors';
import { withTimeout, type QueueSet } from './bull';
import { JOB_HANDLERS, jobForTopic, jobOptions, knownTopics, type QueuedJobData } from './queues';

const ANSWER_MS = 5000;

/**
 * Puts back into Bull every message that was handed to it but is not delivered and whose job
 * Redis no longer has (a restart without persistence, a failover, a flush). The job keeps its
 * id, the outbox id: if the job is still there, or another sweep re-adds it at the same moment,
 * Bull keeps one job; and the delivery record stops a second send in any case.
 */
export async function requeueLostJobs(deps: {
  db: Db;
  config: Config;
  queues: QueueSet;
}): Promise<{ checked: number; requeued: string[] }> {
  const { db, config, queues } = deps;
  await queues.ready(1000);
  const requeued: string[] = [];
  let checked = 0;
  let afterId: string | undefined;
  for (;;) {
    const rows = await relayedUndelivered(db, {
      topics: knownTopics(),
      limit: config.relayBatchSize,
      afterId,
    });
    const added = await Promise.all(
      rows.map(async (row) => {
        const job = jobForTopic(row.topic)!; // relayedUndelivered returns known topics only
        const queue = queues.get(JOB_HANDLERS[job].queue);
        if (await withTimeout(queue.getJob(row.id), ANSWER_MS, 'finding a job')) return undefined;
        const data: QueuedJobData = { outboxId: row.id, topic: row.topic, payload: row.payload };
        await withTimeout(queue.add(job, data, jobOptions(config, row.id)), ANSWER_MS, 'adding a job');
        return row.id;
      }),
    );
    requeued.push(...added.filter((id): id is string => id !== undefined));
    checked += rows.length;
    if (rows.length < config.relayBatchSize) break;
    afterId = rows[rows.length - 1]!.id;
  }
  return { checked, requeued };
}

export interface PeriodicTask {
  /** Asks for a run soon (a run in progress is followed by one more). */
  trigger(): void;
  stop(): Promise<void>;
}

/** Runs `task` every `intervalMs` and when triggered; runs never overlap; errors are logged. */
export function startPeriodicTask(
  name: string,
  task: () => Promise<void>,
  options: { intervalMs: number; logger: Logger },
): PeriodicTask {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = task()
      .catch((err: unknown) => {
        options.logger.warn(
          { task: name, err: reduceJobError(err).summary },
          'periodic task failed; retried later',
        );
      })
      .finally(() => {
        running = undefined;
        if (again) run();
      });
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    trigger: () => setImmediate(run),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
