import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/lib/db';

/** `npm run migrate`: brings the configured database to the latest schema; non-zero exit on failure. */
async function main(): Promise<void> {
  const handle = await openDatabase(loadConfig());
  try {
    const result = await migrateToLatest(handle.db);
    const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
