import pino from 'pino';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/lib/db';
import { migrateAsOwner } from '../src/lib/db-migrate';

/** `npm run migrate`: brings the configured database to the latest schema; non-zero exit on failure. */
async function main(): Promise<void> {
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    const result = await migrateAsOwner(
      config,
      handle,
      pino({ level: config.logLevel }, pino.destination(2)),
    );
    const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
    if (result.appRole?.granted) process.stdout.write(`Privileges granted to ${result.appRole.role}.\n`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
