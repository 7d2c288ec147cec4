import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Staff choose the language of the e-mails they get (welcome, reminders, notices, alerts), like
// victims do. English stays the default, so nothing changes for existing accounts. The list is
// the languages with full catalogs at this migration; a new language needs a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column preferred_language text not null default 'en'
    constraint users_preferred_language check (preferred_language in ('en', 'th', 'id', 'vi', 'fil', 'km', 'my'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column if exists preferred_language`.execute(db);
}
