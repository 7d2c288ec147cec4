import crypto from 'node:crypto';
import type { OrganizationKind } from '../../../src/auth/auth';
import { issueSessionFor } from '../../../src/auth/login.service';
import { hashPassword } from '../../../src/auth/passwords';
import { createOrganization, createUserIn } from '../../../src/auth/users.service';
import { hashToken, newToken, type Actor, type Role } from '../../../src/lib/auth';
import { transact, type Db } from '../../../src/lib/db';
import type { TestApp } from '../test-app';

/**
 * Offices (organizations) and signed-in users.
 *
 *   const office = await anOffice(t, 'legal_aid');
 *   const worker = await aUser(t, { role: 'legal_aid', office });
 *   await request(t.app).get('/v1/victims').set('Authorization', worker.authHeader).expect(200);
 *
 * By default they are made through the services, as an admin's request would make them (an audit
 * event each, a real password hash), but with no welcome e-mail and no login (the login limiter
 * and the outbox stay as the test leaves them). `direct: true` writes the rows straight into the
 * tables instead: no audit event, no password, nothing of the user service — for tests whose
 * subject is what those would disturb (audit trails, the user service, the jobs that follow it)
 * or that only have a database handle:
 *
 *   const staff = await aUser({ ctx: { db } }, { role: 'legal_aid', office: null, direct: true });
 */

/** Anything holding a database: a TestApp, or `{ ctx: { db } }` around a handle of one's own. */
export interface HasDb {
  ctx: { db: Db };
}

export interface TestOffice {
  id: string;
  name: string;
  kind: OrganizationKind;
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  organizationId: string | null;
  /** A live bearer token for this user. */
  token: string;
  tokenId: string;
  /** `Bearer <token>`, ready for `.set('Authorization', user.authHeader)`. */
  authHeader: string;
  /** The caller a service function sees for this user's requests. */
  actor: Actor;
}

/** A user made through the user service, with the clear password for tests that log in. */
export interface UserWithPassword extends TestUser {
  password: string;
}

export interface UserOptions {
  role: Role;
  /**
   * The user's office (or its id). Left out, a legal_aid or fund_admin user gets a new office of
   * the fitting kind (legal_aid, resp. fund_agency); admins and auditors get none. `null`: none.
   */
  office?: TestOffice | string | null;
  email?: string;
  name?: string;
  password?: string;
}

/** What only a directly inserted user can be: one already deactivated. */
export interface DirectUserOptions extends UserOptions {
  direct: true;
  /** false: inserted as a deactivated user. */
  active?: boolean;
}

export const unique = () => crypto.randomBytes(5).toString('hex');

/** The office kind a role's user needs when the test does not name one. */
const KIND_FOR_ROLE: Record<Role, OrganizationKind | null> = {
  admin: null,
  auditor: null,
  legal_aid: 'legal_aid',
  fund_admin: 'fund_agency',
};

export async function anOffice(
  t: HasDb,
  kind: OrganizationKind = 'legal_aid',
  options: { name?: string; direct?: boolean } = {},
): Promise<TestOffice> {
  const name = options.name ?? `Test ${kind} ${unique()}`;
  if (!options.direct) {
    const office = await createOrganization(
      (t as TestApp).ctx,
      { name, kind },
      {
        actor: null,
        via: 'seed',
      },
    );
    return { id: office.id, name: office.name, kind: office.kind };
  }
  const row = await t.ctx.db
    .insertInto('organizations')
    .values({ name, kind })
    .returning(['id', 'name', 'kind'])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, kind: row.kind };
}

const defaultEmail = (role: Role) => `${role.replace('_', '-')}-${unique()}@test.example.org`;

async function officeIdFor(t: HasDb, options: UserOptions & { direct?: boolean }): Promise<string | null> {
  const { office } = options;
  if (office === null) return null;
  if (typeof office === 'string') return office;
  if (office) return office.id;
  const kind = KIND_FOR_ROLE[options.role];
  return kind === null ? null : (await anOffice(t, kind, { direct: options.direct })).id;
}

function withToken(
  user: { id: string; email: string; name: string; role: Role; organizationId: string | null },
  token: string,
  tokenId: string,
): TestUser {
  const actor = { userId: user.id, role: user.role, organizationId: user.organizationId, tokenId };
  return { ...user, token, tokenId, authHeader: `Bearer ${token}`, actor };
}

/** A new, signed-in user; see the module comment for `direct`. */
export async function aUser(t: HasDb, options: DirectUserOptions): Promise<TestUser>;
export async function aUser(t: TestApp, options: UserOptions & { direct?: false }): Promise<UserWithPassword>;
export async function aUser(
  t: HasDb,
  options: UserOptions & { direct?: boolean; active?: boolean },
): Promise<TestUser | UserWithPassword> {
  const { role } = options;
  const organizationId = await officeIdFor(t, options);
  const email = options.email ?? defaultEmail(role);
  const name = options.name ?? `Test ${role}`;
  if (options.direct) {
    return insertUser(t.ctx.db, { email, name, role, organizationId, active: options.active ?? true });
  }
  const ctx = (t as TestApp).ctx;
  const password = options.password ?? `pw-${unique()}-${unique()}`;
  const passwordHash = await hashPassword(password);
  const user = await transact(ctx.db, (trx) =>
    createUserIn(
      trx,
      { email, name, passwordHash, role, organizationId },
      { actor: null, via: 'seed' },
      { welcome: false },
    ),
  );
  const session = await issueSessionFor(ctx, user.id);
  const token = await ctx.db
    .selectFrom('auth_tokens')
    .select('id')
    .where('token_hash', '=', hashToken(session.token))
    .executeTakeFirstOrThrow();
  return { ...withToken(user, session.token, token.id), password };
}

async function insertUser(
  db: Db,
  user: { email: string; name: string; role: Role; organizationId: string | null; active: boolean },
): Promise<TestUser> {
  const row = await db
    .insertInto('users')
    .values({
      email: user.email,
      name: user.name,
      password_hash: 'not-a-real-hash',
      role: user.role,
      organization_id: user.organizationId,
      active: user.active,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = newToken();
  const tokenRow = await db
    .insertInto('auth_tokens')
    .values({
      user_id: row.id,
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + 3_600_000),
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return withToken(
    { id: row.id, email: user.email, name: user.name, role: user.role, organizationId: user.organizationId },
    token,
    tokenRow.id,
  );
}
