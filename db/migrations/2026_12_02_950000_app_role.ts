import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// The API and worker may connect as a role that owns nothing (DATABASE_URL), apart from the
// owner that runs migrations (MIGRATION_DATABASE_URL); db/privileges.ts grants it what each
// table needs after every migration run. Two things here make that grant enough:
// - Balances move only in the posting and reservation triggers. They now run as the owner
//   (SECURITY DEFINER), so the app role needs no UPDATE on posted/pending and cannot set a
//   balance by hand. search_path is pinned (with pg_temp last) so that no temporary table of
//   the caller can stand in for ledger_accounts inside them.
// - Nobody but the owner creates objects in the schema (the PostgreSQL 15 default, made sure of
//   for older clusters; a no-op warning when the migrating role does not own the schema).
// With one role for everything (a single DATABASE_URL, or PGlite) nothing changes.

const BALANCE_TRIGGERS = [
  'ledger_posting_apply()',
  'ledger_reservation_line_apply()',
  'ledger_reservation_guard()',
];

export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]!.schema;
  for (const fn of BALANCE_TRIGGERS) {
    await sql
      .raw(`alter function ${fn} security definer set search_path = ${quoteIdent(schema)}, pg_temp`)
      .execute(db);
  }
  await sql.raw(`revoke create on schema ${quoteIdent(schema)} from public`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const fn of BALANCE_TRIGGERS) {
    await sql.raw(`alter function ${fn} security invoker reset search_path`).execute(db);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
