import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A move into a hearing stage may carry the day the hearing is scheduled (often in the future,
// unlike occurred_on). The row stays append-only: a new date comes with a new transition.
// The reminder table also takes reminders about a victim rather than a claim (the reflection
// period), and reminders addressed to a group (fund administrators) rather than one assignee.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table claim_transitions add column hearing_on date`.execute(db);
  await sql`create index claim_transitions_hearing on claim_transitions (hearing_on, claim_id)
    where hearing_on is not null`.execute(db);

  await sql`alter table deadline_reminders alter column claim_id drop not null`.execute(db);
  await sql`alter table deadline_reminders alter column assignee_id drop not null`.execute(db);
  await sql`alter table deadline_reminders add column victim_id uuid references victims(id)`.execute(db);
  await sql`alter table deadline_reminders add constraint deadline_reminders_one_subject
    check ((claim_id is null) <> (victim_id is null))`.execute(db);
  await sql`create unique index deadline_reminders_victim_once
    on deadline_reminders (victim_id, kind, due_on, offset_days) where victim_id is not null`.execute(db);
  await sql`create index victims_reflection_end on victims ((identified_on + reflection_days))
    where identified_on is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists victims_reflection_end`.execute(db);
  await sql`delete from deadline_reminders where victim_id is not null or assignee_id is null`.execute(db);
  await sql`drop index if exists deadline_reminders_victim_once`.execute(db);
  await sql`alter table deadline_reminders drop constraint if exists deadline_reminders_one_subject`.execute(
    db,
  );
  await sql`alter table deadline_reminders drop column if exists victim_id`.execute(db);
  await sql`alter table deadline_reminders alter column assignee_id set not null`.execute(db);
  await sql`alter table deadline_reminders alter column claim_id set not null`.execute(db);
  await sql`drop index if exists claim_transitions_hearing`.execute(db);
  await sql`alter table claim_transitions drop column if exists hearing_on`.execute(db);
}
