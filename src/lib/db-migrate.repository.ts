import { sql } from 'kysely';
import type { Db } from './db';

/** The migrator's own table, read by the app role to check the schema is current (db-migrate.ts). */
export async function appliedMigrationNames(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return rows.map((r) => r.name);
}
