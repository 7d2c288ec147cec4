import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
// Indexes for the list filters of issue 13: the audit trail by actor and by period, and a
// fund's receipts newest first by the day received (the period filter and its keyset paging).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists audit_events_actor on audit_events (actor_id, id desc)`.execute(db);
  await sql`create index if not exists audit_events_occurred on audit_events (occurred_at, id)`.execute(db);
  await sql`create index if not exists fund_receipts_fund_received
    on fund_receipts (fund_id, received_on desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists fund_receipts_fund_received`.execute(db);
  await sql`drop index if exists audit_events_occurred`.execute(db);
  await sql`drop index if exists audit_events_actor`.execute(db);
}
