import type { Db } from '../lib/db';
import {
  firstReconciliationStart,
  lastSucceededRunOf,
  scheduledRunRows,
  upsertScheduledRun,
} from './scheduled-runs.repository';

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
  await upsertScheduledRun(db, name, {
    startedAt: run.startedAt,
    finishedAt,
    ok: run.ok,
    detail: run.detail.slice(0, 500),
  });
}

export async function scheduledRuns(db: Db): Promise<ScheduledRun[]> {
  const rows = await scheduledRunRows(db);
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
  const row = await lastSucceededRunOf(db, DEADLINE_SCAN_JOB);
  const dayAgo = new Date(now.getTime() - DAY_MS);
  if (row?.last_succeeded_at) {
    return row.last_succeeded_at >= dayAgo
      ? null
      : `the deadline scan last succeeded at ${row.last_succeeded_at.toISOString()}, more than a day ago`;
  }
  const first = await firstReconciliationStart(db);
  const since = first?.first ? new Date(first.first) : undefined;
  return since && since < dayAgo ? 'the deadline scan has not succeeded in more than a day' : null;
}
