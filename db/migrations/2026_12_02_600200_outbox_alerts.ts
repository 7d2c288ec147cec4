import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// One row per outbox message that admins were alerted about (its job ran out of attempts, or it
// stayed undelivered too long): the primary key makes the alert happen once per message however
// many workers notice. Reason and error category only, never an address or content.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table outbox_alerts (
    outbox_id bigint primary key references outbox(id),
    reason text not null check (reason in ('attempts_exhausted', 'undelivered_too_long')),
    error_category text,
    alerted_at timestamptz not null default now()
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists outbox_alerts`.execute(db);
}
