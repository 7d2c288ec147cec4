import os from 'node:os';
import { migrateToLatest, type MigrateResult } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { openDatabase, type DatabaseSettings, type DbHandle } from './db';
import { appliedMigrationNames } from './db-migrate.repository';
import type { Logger } from './logger';

/** The database settings plus the migrating owner's URL (MIGRATION_DATABASE_URL). */
export interface MigrationSettings extends DatabaseSettings {
  migrationDatabaseUrl: string | undefined;
}

/**
 * The role the API and worker connect as when it is not the migrating owner: the user of
 * DATABASE_URL when MIGRATION_DATABASE_URL names another one. Undefined with one role for both
 * (or on the embedded database, which has one superuser).
 */
export function appRoleOf(config: MigrationSettings): string | undefined {
  if (!config.databaseUrl || !config.migrationDatabaseUrl) return undefined;
  const app = userOf(config.databaseUrl);
  return app !== userOf(config.migrationDatabaseUrl) ? app : undefined;
}

/** As node-postgres picks it: the URL's user, else PGUSER, else the operating-system user. */
function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || process.env.PGUSER || os.userInfo().username;
}

/**
 * Brings the database to the latest schema as the owner role (MIGRATION_DATABASE_URL, on a
 * connection of its own that is closed afterwards), then grants the app role its privileges.
 * `handle` (DATABASE_URL) is used only when both URLs are the same, or on PGlite.
 */
export async function migrateAsOwner(
  config: MigrationSettings,
  handle: DbHandle,
  logger: Logger,
): Promise<MigrateResult> {
  if (
    handle.kind === 'pglite' ||
    !config.migrationDatabaseUrl ||
    config.migrationDatabaseUrl === config.databaseUrl
  ) {
    return migrateToLatest(handle.db);
  }
  const owner = await openDatabase({ ...config, databaseUrl: config.migrationDatabaseUrl, dbPoolMax: 1 });
  try {
    const result = await migrateToLatest(owner.db, { appRole: appRoleOf(config) });
    if (result.appRole && !result.appRole.granted) {
      logger.warn(
        { role: result.appRole.role },
        'the DATABASE_URL role does not exist; no privileges granted',
      );
    }
    if (result.appRole?.unlisted.length) {
      logger.error(
        { tables: result.appRole.unlisted },
        'tables missing from db/privileges.ts: the DATABASE_URL role gets no access to them',
      );
    }
    return result;
  } finally {
    await owner.close();
  }
}

/**
 * MIGRATE_ON_START=false: the schema must already be the one this code was written for (the
 * app role may read the migrator's table, nothing more).
 */
export async function assertSchemaCurrent(handle: DbHandle): Promise<void> {
  let applied: string[];
  try {
    applied = await appliedMigrationNames(handle.db);
  } catch (err) {
    throw new Error('MIGRATE_ON_START=false but the database has no migrations: run `npm run migrate`', {
      cause: err,
    });
  }
  const pending = Object.keys(migrations).filter((name) => !applied.includes(name));
  if (pending.length > 0) {
    throw new Error(
      `MIGRATE_ON_START=false and migrations are pending (${pending.join(', ')}): run \`npm run migrate\``,
    );
  }
}
