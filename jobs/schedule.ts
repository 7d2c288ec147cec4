import type Bull from 'bull';
import type { Config } from '../src/config';
import type { Db } from '../src/lib/db';
import type { Logger } from '../src/lib/logger';
import { lastReconciliationOn } from '../src/notifications/notifications.repository';
import { todayUtc } from '../src/lib/dates';
import { reduceJobError } from '../src/notifications/delivery-errors';
import { recordScheduledRun } from '../src/notifications/scheduled-runs';
import type { QueueSet } from './bull';
import { SCHEDULED_JOB_NAMES, SCHEDULED_JOBS, type QueuedJobData, type ScheduledJobName } from './queues';

interface ScheduleDeps {
  db: Db;
  logger: Logger;
  config: Config;
}

const SCHEDULED_DATA: QueuedJobData = { outboxId: '', topic: 'schedule', payload: null };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * With Redis: each scheduled job is a Bull repeatable job. Bull keys a repeatable job by name
 * and cron, so every worker registering it at start-up still yields one run per tick; a run
 * that throws is retried with backoff and, after the last attempt, kept with the failed jobs.
 * Registration happens each time the connection to Redis becomes ready, and is retried every
 * minute if it fails.
 */
export function startBullSchedule(queues: QueueSet, deps: ScheduleDeps, concurrency = 1): () => void {
  const queue = queues.get('schedule');
  // One processor for every name (Bull adds up the concurrency of each process() call).
  queue
    .process('*', concurrency, async (job: Bull.Job<QueuedJobData>) => {
      const name = SCHEDULED_JOB_NAMES.find((n) => n === job.name);
      if (!name) throw new Error(`unknown scheduled job "${job.name}"`);
      return runScheduledJob(name, deps);
    })
    .catch((err: unknown) => deps.logger.error({ err: message(err) }, 'scheduled processor stopped'));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const register = async () => {
    try {
      await queues.ready(5000);
      for (const name of SCHEDULED_JOB_NAMES) {
        await queue.add(name, SCHEDULED_DATA, {
          repeat: { cron: SCHEDULED_JOBS[name].cron, tz: 'UTC' },
          jobId: name,
          attempts: 5,
          backoff: { type: 'exponential', delay: 60_000 },
          removeOnComplete: 50,
          removeOnFail: false,
        });
      }
    } catch (err) {
      deps.logger.warn({ err: message(err) }, 'scheduled jobs not registered yet; retrying in a minute');
      if (!stopped) {
        timer = setTimeout(() => void register(), 60_000);
        timer.unref();
      }
    }
  };
  // Redis may come back empty (no persistence, failover, flush) and forget the repeatable jobs:
  // register them again on every reconnect (Bull keeps one per name and cron).
  const stopListening = queues.onReady(() => {
    clearTimeout(timer);
    void register();
  });
  return () => {
    stopped = true;
    stopListening();
    clearTimeout(timer);
  };
}

/**
 * Runs a scheduled job and records the run (scheduled_job_runs), so /readyz, /metrics and the
 * reconciliation see when it last ran. What it throws is reduced to a category and code.
 */
export async function runScheduledJob(name: ScheduledJobName, deps: ScheduleDeps): Promise<string> {
  const startedAt = new Date();
  let detail: string;
  try {
    detail = await SCHEDULED_JOBS[name].run(deps);
  } catch (err) {
    const reduced = reduceJobError(err);
    await recordScheduledRun(deps.db, name, { startedAt, ok: false, detail: reduced.message }).catch(
      () => undefined, // the database may be what failed: the run's error is what matters
    );
    throw reduced;
  }
  await recordScheduledRun(deps.db, name, { startedAt, ok: true, detail });
  return detail;
}

/** Whether the job already ran on `today` according to the database (survives restarts). */
async function ranToday(name: ScheduledJobName, db: Db, today: string): Promise<boolean> {
  // The deadline scan and the pruning need no such check: running them again changes nothing.
  return name === 'reconcile' ? lastReconciliationOn(db, today) : false;
}

/**
 * Without Redis: a timer checks every few minutes and runs each job once a day, at or after
 * its hour (UTC). A restart runs the deadline scan and the pruning again, which is harmless.
 */
export function startInlineSchedule(deps: ScheduleDeps, checkEveryMs = 5 * 60_000): () => Promise<void> {
  const lastRun = new Map<ScheduledJobName, string>();
  let running: Promise<void> | undefined;
  const tick = async () => {
    const now = new Date();
    const today = todayUtc(now);
    for (const name of SCHEDULED_JOB_NAMES) {
      const job = SCHEDULED_JOBS[name];
      if (lastRun.get(name) === today || now.getUTCHours() < job.hourUtc) continue;
      try {
        if (!(await ranToday(name, deps.db, today))) {
          const detail = await runScheduledJob(name, deps);
          deps.logger.info({ job: name, detail }, 'scheduled job done');
        }
        lastRun.set(name, today);
      } catch (err) {
        deps.logger.error(
          { job: name, err: message(err) },
          'scheduled job failed; retried on the next check',
        );
      }
    }
  };
  const run = () => {
    running ??= tick().finally(() => {
      running = undefined;
    });
  };
  const first = setTimeout(run, 1000);
  const timer = setInterval(run, checkEveryMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
