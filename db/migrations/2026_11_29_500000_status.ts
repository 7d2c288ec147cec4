import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A victim's status access code is kept only as a keyed hash; issuing a new one replaces the
// row, so the old code stops working at once. Failed checks are counted per key ('r:<reference>'
// and 'a:<client address>') in their own table, apart from staff logins.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table status_access_codes (
    victim_id uuid primary key references victims(id) on delete cascade,
    code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
    issued_at timestamptz not null default now(),
    issued_by uuid not null references users(id)
  )`.execute(db);

  await sql`create table status_guard (
    key text primary key check (key ~ '^[ra]:' and length(key) <= 120),
    failures integer not null default 0 check (failures >= 0),
    total_failures integer not null default 0 check (total_failures >= 0),
    lockouts integer not null default 0 check (lockouts >= 0),
    window_started_at timestamptz not null default now(),
    locked_until timestamptz,
    last_failure_at timestamptz
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists status_guard`.execute(db);
  await sql`drop table if exists status_access_codes`.execute(db);
}
