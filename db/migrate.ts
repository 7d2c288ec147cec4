import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from './migrations';
import { grantAppPrivileges, roleExists } from './privileges';

export interface MigrateOptions {
  /**
   * The role the API and worker connect as, when it is not the one migrating: after every run
   * (even one with nothing to apply) it gets exactly the privileges of db/privileges.ts.
   */
  appRole?: string;
}

export interface MigrateResult extends MigrationResultSet {
  /** What happened to the app role's privileges; absent when no app role was given. */
  appRole?: { role: string; granted: boolean; unlisted: string[] };
}

export async function migrateToLatest(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, {
      cause: result.error,
    });
  }
  if (!options.appRole) return result;
  const role = options.appRole;
  // A role not created yet gets its privileges at the next run (migrations run on every start).
  if (!(await roleExists(db, role))) return { ...result, appRole: { role, granted: false, unlisted: [] } };
  const { unlisted } = await grantAppPrivileges(db, role);
  return { ...result, appRole: { role, granted: true, unlisted } };
}
