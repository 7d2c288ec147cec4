import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Where scripts/ensure-postgres.sh writes the URL of the private cluster it starts when the
 * machine's PostgreSQL does not let the tests in without a password (it never loosens that).
 */
export const PRIVATE_URL_FILE = path.join(__dirname, '..', '..', '.test-database-url');

function baseUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (fs.existsSync(PRIVATE_URL_FILE)) return fs.readFileSync(PRIVATE_URL_FILE, 'utf8').trim();
  return 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Server-level connection string (no database) for the test PostgreSQL. */
export function adminUrl(database = 'postgres'): string {
  const url = new URL(baseUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
