import { sql } from 'kysely';
import type { Db } from '../lib/db';

/** The scheduled job whose absence the reconciliation reports (jobs/queues.ts names it so). */
export const DEADLINE_SCAN_JOB = 'scan.deadlines';
const DAY_MS = 24 * 3600 * 1000;

export interface ScheduledRun {
  name: string;
  lastRunAt: string;
  lastOk: boolean;
  lastSucceededAt: string | null;
  lastDetail: string;
}

/** Records one run of a scheduled job (its detail holds counts and categories, never people). */
export async function recordScheduledRun(
  db: Db,
  name: string,
  run: { startedAt: Date; ok: boolean; detail: string },
): Promise<void> {
  const finishedAt = new Date();
  await db
    .insertInto('scheduled_job_runs')
    .values({
      name,
      last_started_at: run.startedAt,
      last_finished_at: finishedAt,
      last_ok: run.ok,
      last_succeeded_at: run.ok ? finishedAt : null,
      last_detail: run.detail.slice(0, 500),
    })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        last_started_at: run.startedAt,
        last_finished_at: finishedAt,
        last_ok: run.ok,
        // A failed run keeps the time of the last one that succeeded.
        last_succeeded_at: run.ok ? finishedAt : sql<Date | null>`scheduled_job_runs.last_succeeded_at`,
        last_detail: run.detail.slice(0, 500),
      }),
    )
    .execute();
}

export async function scheduledRuns(db: Db): Promise<ScheduledRun[]> {
  const rows = await db.selectFrom('scheduled_job_runs').selectAll().orderBy('name').execute();
  return rows.map((r) => ({
    name: r.name,
    lastRunAt: r.last_finished_at.toISOString(),
    lastOk: r.last_ok,
    lastSucceededAt: r.last_succeeded_at?.toISOString() ?? null,
    lastDetail: r.last_detail,
  }));
}

/**
 * For the nightly reconciliation: null when the deadline scan succeeded within the last day.
 * A database that never recorded a scan is flagged only once reconciliations have run there
 * for more than a day (a fresh install has not reached its first scan yet).
 */
export async function deadlineScanProblem(db: Db, now: Date): Promise<string | null> {
  const row = await db
    .selectFrom('scheduled_job_runs')
    .select(['last_succeeded_at'])
    .where('name', '=', DEADLINE_SCAN_JOB)
    .executeTakeFirst();
  const dayAgo = new Date(now.getTime() - DAY_MS);
  if (row?.last_succeeded_at) {
    return row.last_succeeded_at >= dayAgo
      ? null
      : `the deadline scan last succeeded at ${row.last_succeeded_at.toISOString()}, more than a day ago`;
  }
  const first = await db
    .selectFrom('reconciliation_runs')
    .select((eb) => eb.fn.min('started_at').as('first'))
    .executeTakeFirst();
  const since = first?.first ? new Date(first.first) : undefined;
  return since && since < dayAgo ? 'the deadline scan has not succeeded in more than a day' : null;
}
