import pg from 'pg';
import { ensureServiceRole, handOverDatabase, migrateAs, withDatabase } from '../db/roles';

export interface CreateRolesInput {
  superuserUrl: string;
  database: string;
  owner: string;
  app: string;
}

/**
 * `npm run cli -- db:create-roles`: with a superuser connection, creates the owner and app
 * roles (new roles get a random password), makes the owner own the database and all in it,
 * migrates as the owner and grants the app role its privileges. Safe to run again. Prints the
 * two connection strings to configure (with the password only for a role it created).
 */
export async function createRoles(input: CreateRolesInput): Promise<string> {
  const client = new pg.Client({ connectionString: input.superuserUrl });
  await client.connect();
  let owner, app;
  try {
    const superuser = await client.query<{ rolsuper: boolean }>(
      `select rolsuper from pg_roles where rolname = current_user`,
    );
    if (!superuser.rows[0]?.rolsuper)
      throw new Error('the connection for db:create-roles must be a superuser');
    owner = await ensureServiceRole(client, input.owner);
    app = await ensureServiceRole(client, input.app);
  } finally {
    await client.end();
  }
  await handOverDatabase(input.superuserUrl, input.database, owner.name);
  const result = await migrateAs(input.superuserUrl, input.database, owner.name, app.name);
  const url = (r: { name: string; password?: string }) =>
    withDatabase(input.superuserUrl, input.database, r.name, r.password ?? 'PASSWORD-UNCHANGED');
  const lines = [`MIGRATION_DATABASE_URL=${url(owner)}`, `DATABASE_URL=${url(app)}`];
  if (result.appRole?.unlisted.length) {
    lines.push(`# not in db/privileges.ts, so not granted: ${result.appRole.unlisted.join(', ')}`);
  }
  return lines.join('\n');
}
