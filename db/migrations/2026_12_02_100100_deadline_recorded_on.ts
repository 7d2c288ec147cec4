import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// The day a deadline (of this kind, with this due date) was first recorded. A deadline whose due
// date had already passed that day (a back-dated award's appeal window) was never missed in
// Redress, so it raises no overdue alarm. Unknown (null) for deadlines recorded before this
// migration: they keep their alarms.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table claim_deadlines add column recorded_on date`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table claim_deadlines drop column if exists recorded_on`.execute(db);
}
