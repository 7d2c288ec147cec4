import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A deadline reminder is keyed by what it is about (claim, deadline kind, due date, offset):
// the daily scan inserts it ON CONFLICT DO NOTHING together with its outbox row, so running the
// scan twice, or on two workers at once, never sends a reminder twice.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table deadline_reminders (
    id bigserial primary key,
    claim_id uuid not null references claims(id),
    kind text not null,
    due_on date not null,
    offset_days integer not null check (offset_days in (-1, 1, 7, 30)),
    scanned_on date not null,
    assignee_id uuid not null references users(id),
    outbox_id bigint references outbox(id),
    created_at timestamptz not null default now(),
    unique (claim_id, kind, due_on, offset_days)
  )`.execute(db);

  // One row per nightly reconciliation: what was checked and what failed (no identifying data).
  await sql`create table reconciliation_runs (
    id bigserial primary key,
    run_on date not null,
    started_at timestamptz not null,
    finished_at timestamptz not null default now(),
    ok boolean not null,
    checks jsonb not null
  )`.execute(db);
  await sql`create index reconciliation_runs_by_day on reconciliation_runs (run_on, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists reconciliation_runs`.execute(db);
  await sql`drop table if exists deadline_reminders`.execute(db);
}
