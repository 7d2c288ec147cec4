import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
// The staff console signs in with the same server-side tokens as the API, kept in an HttpOnly
// cookie. `channel` tells console sessions apart (only they have an idle timeout), and
// `last_used_at` is what the idle timeout measures. A console form's key (`console_form_keys`)
// makes a double-submitted form run once: the second submission finds the first's row.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table auth_tokens add column if not exists channel text not null default 'api'
    check (channel in ('api', 'console'))`.execute(db);
  await sql`alter table auth_tokens add column if not exists last_used_at timestamptz`.execute(db);
  await sql`create table if not exists console_form_keys (
    user_id uuid not null references users (id),
    form_key text not null check (length(form_key) between 16 and 100),
    action text not null,
    outcome text check (outcome is null or length(outcome) <= 2000),
    created_at timestamptz not null default now(),
    primary key (user_id, form_key)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists console_form_keys`.execute(db);
  await sql`alter table auth_tokens drop column if exists last_used_at`.execute(db);
  await sql`alter table auth_tokens drop column if exists channel`.execute(db);
}
