import crypto from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest, type MigrateResult } from './migrate';

/**
 * The two roles of a PostgreSQL deployment, created by a superuser once:
 * - the owner (MIGRATION_DATABASE_URL) owns the database and every object in it and runs
 *   migrations; it is no superuser, so it cannot bypass anything either;
 * - the app role (DATABASE_URL) owns nothing and gets only the privileges of db/privileges.ts.
 * Neither may create roles or databases, bypass row security or replicate.
 */
const ATTRIBUTES = 'login nosuperuser nocreatedb nocreaterole nobypassrls noreplication';

export interface EnsuredRole {
  name: string;
  /** Set only when this call created the role (an existing role keeps its password). */
  password?: string;
}

/**
 * Creates `name` unless it exists; safe to run twice or from several processes at once (roles
 * are cluster-wide). An existing role is brought to the attributes above, unless it is a
 * superuser: that is refused rather than demoted, as it may be the cluster's own admin.
 */
export async function ensureServiceRole(
  client: pg.ClientBase,
  name: string,
  options: { password?: boolean } = {},
): Promise<EnsuredRole> {
  const existing = await client.query<{ rolsuper: boolean; ready: boolean }>(
    `select rolsuper, rolcanlogin and not (rolcreatedb or rolcreaterole or rolbypassrls or rolreplication) as ready
       from pg_roles where rolname = $1`,
    [name],
  );
  const found = existing.rows[0];
  if (found?.rolsuper) throw new Error(`role "${name}" exists and is a superuser: choose another name`);
  const role = client.escapeIdentifier(name);
  let password: string | undefined;
  if (!found) {
    password = options.password === false ? undefined : crypto.randomBytes(24).toString('base64url');
    const withPassword = password ? ` password ${client.escapeLiteral(password)}` : '';
    try {
      await client.query(`create role ${role} ${ATTRIBUTES}${withPassword}`);
    } catch (err) {
      // Another process created it since the check (duplicate_object, or unique_violation in
      // the catalog when both ran at once): as good as done, with the other's password.
      const code = (err as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw err;
      password = undefined;
    }
  }
  // Only for an existing role that lacks them (a new one was created with them): two ALTER
  // ROLEs at once may fail with "tuple concurrently updated".
  if (found && !found.ready) await client.query(`alter role ${role} ${ATTRIBUTES}`);
  return { name, password };
}

/**
 * Makes `owner` own `database` (created if missing) and everything in its current schema: the
 * step that moves a deployment that ran as a superuser onto the two roles.
 */
export async function handOverDatabase(superuserUrl: string, database: string, owner: string): Promise<void> {
  const admin = new pg.Client({ connectionString: superuserUrl });
  await admin.connect();
  try {
    const exists = await admin.query(`select 1 from pg_database where datname = $1`, [database]);
    const db = admin.escapeIdentifier(database);
    const role = admin.escapeIdentifier(owner);
    if (exists.rows.length === 0) await admin.query(`create database ${db} owner ${role}`);
    else await admin.query(`alter database ${db} owner to ${role}`);
  } finally {
    await admin.end();
  }
  const inside = new pg.Client({ connectionString: withDatabase(superuserUrl, database) });
  await inside.connect();
  try {
    const role = inside.escapeIdentifier(owner);
    // PostgreSQL < 15: the public schema belongs to the bootstrap superuser.
    await inside.query(`grant usage, create on schema ${await schemaOf(inside)} to ${role}`);
    // Sequences owned by a column follow their table.
    const { rows } = await inside.query<{ statement: string }>(
      `select format('alter %s %s owner to %I',
                case c.relkind when 'S' then 'sequence' when 'v' then 'view'
                               when 'm' then 'materialized view' else 'table' end,
                c.oid::regclass, $1::text) as statement
         from pg_class c
        where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
          and c.relowner <> (select oid from pg_roles where rolname = $1)
          and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.objid = c.oid
                   and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')))
       union all
       select format('alter function %s owner to %I', p.oid::regprocedure, $1::text)
         from pg_proc p
        where p.pronamespace = current_schema()::regnamespace and p.prokind = 'f'
          and p.proowner <> (select oid from pg_roles where rolname = $1)`,
      [owner],
    );
    for (const { statement } of rows) await inside.query(statement);
  } finally {
    await inside.end();
  }
}

/** Migrates `database` as `owner` (SET ROLE from the superuser) and grants `app` its privileges. */
export async function migrateAs(
  superuserUrl: string,
  database: string,
  owner: string,
  app: string,
): Promise<MigrateResult> {
  const pool = new pg.Pool({ connectionString: withDatabase(superuserUrl, database), max: 1 });
  pool.on('connect', (c) => void c.query(`set role ${c.escapeIdentifier(owner)}`));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  try {
    return await migrateToLatest(db, { appRole: app });
  } finally {
    await db.destroy();
  }
}

export function withDatabase(url: string, database: string, user?: string, password?: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  if (user !== undefined) {
    u.username = encodeURIComponent(user);
    u.password = password ? encodeURIComponent(password) : '';
  }
  return u.toString();
}

async function schemaOf(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ schema: string }>(`select current_schema() as schema`);
  return client.escapeIdentifier(rows[0]!.schema);
}
