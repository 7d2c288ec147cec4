import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// The hash chains show any change to a sealed row, but not the loss of the newest rows: a chain
// cut short is still a valid chain. Each nightly reconciliation now records where both chains
// ended (sequence number and hash) and the next one checks that those rows are still there,
// unchanged. The runs become append-only, so moving an anchor takes the same privilege
// (disabling triggers) as cutting the chain; the anchors are also written to the log, which
// lives outside the database.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table reconciliation_runs add column anchors jsonb`.execute(db);
  await sql`create trigger reconciliation_runs_append_only before update or delete on reconciliation_runs
    for each row execute function redress_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists reconciliation_runs_append_only on reconciliation_runs`.execute(db);
  await sql`alter table reconciliation_runs drop column if exists anchors`.execute(db);
}
