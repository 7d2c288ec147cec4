import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// The last run of each scheduled job (deadline scan, reconciliation, pruning), so /readyz,
// /metrics and the reconciliation can tell when a job stopped running (its Bull schedule lost
// with Redis, say). One row per job, overwritten by each run; details hold counts, never people.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table scheduled_job_runs (
    name text primary key,
    last_started_at timestamptz not null,
    last_finished_at timestamptz not null,
    last_ok boolean not null,
    last_succeeded_at timestamptz,
    last_detail text not null default ''
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists scheduled_job_runs`.execute(db);
}
