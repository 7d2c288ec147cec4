import { sql } from 'kysely';
import type { Db } from '../lib/db';

/** The scheduled jobs' run records' SQL (see scheduled-runs.ts). */

export async function upsertScheduledRun(
  db: Db,
  name: string,
  run: { startedAt: Date; finishedAt: Date; ok: boolean; detail: string },
): Promise<void> {
  await db
    .insertInto('scheduled_job_runs')
    .values({
      name,
      last_started_at: run.startedAt,
      last_finished_at: run.finishedAt,
      last_ok: run.ok,
      last_succeeded_at: run.ok ? run.finishedAt : null,
      last_detail: run.detail,
    })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        last_started_at: run.startedAt,
        last_finished_at: run.finishedAt,
        last_ok: run.ok,
        // A failed run keeps the time of the last one that succeeded.
        last_succeeded_at: run.ok ? run.finishedAt : sql<Date | null>`scheduled_job_runs.last_succeeded_at`,
        last_detail: run.detail,
      }),
    )
    .execute();
}

export async function scheduledRunRows(db: Db) {
  return db.selectFrom('scheduled_job_runs').selectAll().orderBy('name').execute();
}

export async function lastSucceededRunOf(db: Db, name: string) {
  return db
    .selectFrom('scheduled_job_runs')
    .select(['last_succeeded_at'])
    .where('name', '=', name)
    .executeTakeFirst();
}

/** When the first reconciliation on this database started. */
export async function firstReconciliationStart(db: Db) {
  return db
    .selectFrom('reconciliation_runs')
    .select((eb) => eb.fn.min('started_at').as('first'))
    .executeTakeFirst();
}
