import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Every posting rewrites its account's row (the running balance), so a busy pot's row gets a new
// version per entry. Leave half of each page free so those versions stay on the same page (HOT
// updates: no new index entries, pruned in place), and have autovacuum visit the small table
// after a thousand changes rather than after 20% of it.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger_accounts set (fillfactor = 50, autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger_accounts reset (fillfactor, autovacuum_vacuum_scale_factor,
    autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)`.execute(db);
}
