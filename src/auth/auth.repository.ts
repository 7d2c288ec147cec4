import type { Language } from '../lib/i18n';
import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { Role } from '../lib/auth';
import type { OrganizationKind } from './auth';
import type { OrganizationsTable, UsersTable } from './auth.table';

export type OrganizationRow = Selectable<OrganizationsTable>;
/** Every column but the password hash, which only the login path ever reads. */
export type UserRow = Omit<Selectable<UsersTable>, 'password_hash'>;

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'organization_id',
  'active',
  'created_at',
  'preferred_language',
] as const;

export async function insertOrganization(
  trx: Trx,
  values: { name: string; kind: OrganizationKind },
): Promise<OrganizationRow> {
  return trx.insertInto('organizations').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ordered by (name, id): alphabetical for people, and a total order for the cursor. */
export async function listOrganizations(
  db: Db,
  page: { limit: number; after: [name: string, id: string] | null },
): Promise<OrganizationRow[]> {
  let q = db.selectFrom('organizations').selectAll().orderBy('name').orderBy('id').limit(page.limit);
  const after = page.after;
  if (after) {
    q = q.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(after[0], after[1])));
  }
  return q.execute();
}

export async function insertUser(
  trx: Trx,
  values: {
    email: string;
    name: string;
    passwordHash: string;
    role: Role;
    organizationId: string | null;
    preferredLanguage: Language;
  },
): Promise<UserRow> {
  return trx
    .insertInto('users')
    .values({
      email: values.email,
      name: values.name,
      password_hash: values.passwordHash,
      role: values.role,
      organization_id: values.organizationId,
      preferred_language: values.preferredLanguage,
    })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function userExistsWithEmail(db: Db, email: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  return row !== undefined;
}

export async function anyUserWithRole(db: Db, role: Role): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', role).executeTakeFirst();
  return row !== undefined;
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** For the login path only: the one query that reads a password hash. */
export async function findCredentials(
  db: Db,
  email: string,
): Promise<(UserRow & { password_hash: string }) | undefined> {
  return db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Ordered by e-mail, which is unique, so it alone is the cursor. */
export async function listUsers(
  db: Db,
  filter: {
    limit: number;
    afterEmail: string | null;
    role?: Role;
    organizationId?: string;
  },
): Promise<UserRow[]> {
  let q = db.selectFrom('users').select(USER_COLUMNS).orderBy('email').limit(filter.limit);
  if (filter.afterEmail !== null) q = q.where('email', '>', filter.afterEmail);
  if (filter.role) q = q.where('role', '=', filter.role);
  if (filter.organizationId) q = q.where('organization_id', '=', filter.organizationId);
  return q.execute();
}

export async function updateUserRow(
  trx: Trx,
  id: string,
  changes: { preferred_language?: Language; active?: boolean },
): Promise<UserRow | undefined> {
  return trx
    .updateTable('users')
    .set(changes)
    .where('id', '=', id)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

/** Every live token of the user revoked: a deactivated account is signed out everywhere. */
export async function revokeUserTokens(trx: Trx, userId: string): Promise<number> {
  const rows = await trx
    .updateTable('auth_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** Held until the transaction ends: of several processes starting at once, one creates the admin. */
export async function lockBootstrapAdmin(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('redress:bootstrap-admin', 0))`.execute(trx);
}
