import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A message is done when its delivery is recorded, not when its job reached Redis: Redis can
// lose a job (restart without persistence, failover, flush). delivered_at mirrors
// outbox_deliveries on the row itself, so the sweep that re-queues lost jobs reads one index.
// Rows delivered before this migration take their delivery time.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox add column delivered_at timestamptz`.execute(db);
  await sql`update outbox set delivered_at = d.delivered_at
    from outbox_deliveries d where d.outbox_id = outbox.id`.execute(db);
  await sql`create index outbox_undelivered on outbox (id) where delivered_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists outbox_undelivered`.execute(db);
  await sql`alter table outbox drop column if exists delivered_at`.execute(db);
}
