import { sql } from 'kysely';
import type { Db } from './lib/db';

/** The operations routes' SQL: readiness asks the database for the smallest answer it has. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
