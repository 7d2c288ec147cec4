import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Failed status checks lock a (reference, client address) pair ('p:<reference> <address>'), no
// longer the reference itself, so whoever knows a victim's reference cannot lock the victim out.
// 'r:' rows keep only the count the legal aid worker reads; 'a:' rows still limit an address.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table status_guard drop constraint if exists status_guard_key_check`.execute(db);
  await sql`alter table status_guard add constraint status_guard_key_check
    check (key ~ '^[rap]:' and length(key) <= 120)`.execute(db);
  // a lock on a reference alone would now never be lifted by a right code: let it go
  await sql`update status_guard set locked_until = null, failures = 0 where key like 'r:%'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from status_guard where key like 'p:%'`.execute(db);
  await sql`alter table status_guard drop constraint if exists status_guard_key_check`.execute(db);
  await sql`alter table status_guard add constraint status_guard_key_check
    check (key ~ '^[ra]:' and length(key) <= 120)`.execute(db);
}
