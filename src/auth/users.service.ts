import { DEFAULT_LANGUAGE, type Language } from '../lib/i18n';
import type { AppContext } from '../context';
import { recordAudit } from '../audit/audit.service';
import { forgetUserTokens, roleMay, type Actor, type Role } from '../lib/auth';
import { transact, type Db, type Trx } from '../lib/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { CannotDeactivateSelf, EmailTaken } from './auth.errors';
import { enqueueOutbox } from '../lib/outbox';
import {
  encodeCursor,
  normalizeEmail,
  ORGANIZATION_RULES,
  organizationMismatch,
  type Organization,
  type OrganizationKind,
  type Page,
  type User,
} from './auth';
import {
  findOrganization,
  insertOrganization,
  insertUser,
  listOrganizations as selectOrganizations,
  listUsers as selectUsers,
  revokeUserTokens,
  updateUserRow,
  userExistsWithEmail,
  type OrganizationRow,
  type UserRow,
} from './auth.repository';
import { passwordProblem } from './password-policy';
import { hashPassword } from './passwords';
import { fundsUnableToApprove } from '../disbursements/approval-capacity.service';

/** Who asked: a signed-in admin, or null for start-up and command-line tools. */
export interface Caller {
  actor: Pick<Actor, 'userId' | 'role'> | null;
  requestId?: string | null;
  via?: 'http' | 'cli' | 'bootstrap' | 'seed';
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  organizationId?: string | null;
  preferredLanguage?: Language;
}

export function organizationRowToOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, kind: row.kind, createdAt: row.created_at.toISOString() };
}

export function userRowToUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organizationId: row.organization_id,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    preferredLanguage: row.preferred_language,
  };
}

/** POST /v1/organizations's body. */
export interface NewOrganization {
  name: string;
  kind: OrganizationKind;
}

export async function createOrganization(
  ctx: AppContext,
  input: NewOrganization,
  caller: Caller,
): Promise<Organization> {
  return transact(ctx.db, (trx) => createOrganizationIn(trx, input, caller));
}

/** The same, inside a caller's transaction (the demo seed creates several things at once). */
export async function createOrganizationIn(
  trx: Trx,
  input: NewOrganization,
  caller: Caller,
): Promise<Organization> {
  const row = await insertOrganization(trx, { name: input.name.trim(), kind: input.kind });
  await recordAudit(trx, {
    actor: caller.actor,
    action: 'organization.create',
    resourceType: 'organization',
    resourceId: row.id,
    requestId: caller.requestId,
    details: { kind: row.kind, via: caller.via ?? 'http' },
  });
  return organizationRowToOrganization(row);
}

export async function listOrganizations(
  db: Db,
  page: { limit: number; after: [string, string] | null },
): Promise<Page<Organization>> {
  // one extra row tells whether another page follows
  const rows = await selectOrganizations(db, { limit: page.limit + 1, after: page.after });
  const items = rows.slice(0, page.limit).map(organizationRowToOrganization);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > page.limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}

/**
 * Creates a staff account and, in the same transaction, the welcome e-mail's outbox message
 * (its payload carries only the user id: the handler reads the rest when it runs).
 */
export async function createUser(ctx: AppContext, input: NewUser, caller: Caller): Promise<User> {
  // the HTTP schema checks this too; the command line comes through here only
  const weak = passwordProblem(input.password, [input.email, input.name]);
  if (weak) throw new ValidationError([{ path: 'password', message: `password ${weak}` }]);
  // scrypt is slow: hash before the transaction so no connection waits on it
  const passwordHash = await hashPassword(input.password);
  const user = await transact(ctx.db, (trx) =>
    createUserIn(trx, { ...input, passwordHash }, caller, { welcome: true }),
  );
  ctx.outbox.kick();
  return user;
}

export async function createUserIn(
  trx: Trx,
  input: Omit<NewUser, 'password'> & { passwordHash: string },
  caller: Caller,
  options: { welcome: boolean },
): Promise<User> {
  const email = normalizeEmail(input.email);
  const organizationId = input.organizationId ?? null;
  await checkOrganization(trx, input.role, organizationId);
  // checked first for a clear answer; the unique index settles a race (see isDuplicateEmail)
  if (await userExistsWithEmail(trx, email)) throw duplicateEmail();
  let row: UserRow;
  try {
    row = await insertUser(trx, {
      email,
      name: input.name.trim(),
      passwordHash: input.passwordHash,
      role: input.role,
      organizationId,
      preferredLanguage: input.preferredLanguage ?? DEFAULT_LANGUAGE,
    });
  } catch (err) {
    throw isDuplicateEmail(err) ? duplicateEmail() : err;
  }
  if (options.welcome) await enqueueOutbox(trx, 'user.welcome', { userId: row.id });
  await recordAudit(trx, {
    actor: caller.actor,
    action: 'user.create',
    resourceType: 'user',
    resourceId: row.id,
    requestId: caller.requestId,
    details: { role: row.role, organizationId, via: caller.via ?? 'http' },
  });
  return userRowToUser(row);
}

async function checkOrganization(trx: Trx, role: Role, organizationId: string | null): Promise<void> {
  if (organizationId === null) {
    if (ORGANIZATION_RULES[role].required) {
      throw new ValidationError([{ path: 'organizationId', message: `is required for a ${role} user` }]);
    }
    return;
  }
  const organization = await findOrganization(trx, organizationId);
  if (!organization) {
    throw new ValidationError([{ path: 'organizationId', message: 'no such organization' }]);
  }
  const mismatch = organizationMismatch(role, organization.kind);
  if (mismatch) throw new ValidationError([{ path: 'organizationId', message: mismatch }]);
}

function duplicateEmail(): EmailTaken {
  return new EmailTaken();
}

function isDuplicateEmail(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (e.constraint === undefined || e.constraint === 'users_email_key');
}

export async function listUsers(
  db: Db,
  filter: { limit: number; afterEmail: string | null; role?: Role; organizationId?: string },
): Promise<Page<User>> {
  const rows = await selectUsers(db, { ...filter, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit).map(userRowToUser);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? encodeCursor([last.email]) : null,
  };
}

/** Something the administrator should act on after a change that was nevertheless made. */
export interface UserWarning {
  code: 'fund_cannot_approve';
  message: string;
  fundId: string;
  fundName: string;
  activeAdministrators: number;
  administratorsNeeded: number;
}

export interface UserPatch {
  preferredLanguage?: Language;
  active?: boolean;
}

/**
 * A person may set their own e-mail language; an administrator may set anyone's and may
 * deactivate or reactivate an account (never their own: someone must be left to undo it).
 * Deactivating revokes every token of the account at once, on this process immediately and on
 * others within the token cache's few seconds. Anyone else is told the account does not exist
 * (404), as for any record out of reach.
 */
export async function updateUser(
  ctx: AppContext,
  id: string,
  patch: UserPatch,
  caller: { actor: Actor; requestId: string },
): Promise<User & { warnings: UserWarning[] }> {
  const admin = roleMay(caller.actor.role, 'users:create');
  if (caller.actor.userId !== id && !admin) throw new NotFoundError('user');
  if (patch.active !== undefined && !admin)
    throw new ForbiddenError('Only an administrator may deactivate or reactivate an account.');
  if (patch.active === false && caller.actor.userId === id) throw new CannotDeactivateSelf();
  const user = await transact(ctx.db, async (trx) => {
    const row = await updateUserRow(trx, id, {
      ...(patch.preferredLanguage !== undefined ? { preferred_language: patch.preferredLanguage } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    });
    if (!row) throw new NotFoundError('user');
    const revoked = patch.active === false ? await revokeUserTokens(trx, id) : 0;
    await recordAudit(trx, {
      actor: caller.actor,
      action:
        patch.active === false ? 'user.deactivate' : patch.active === true ? 'user.activate' : 'user.update',
      resourceType: 'user',
      resourceId: id,
      requestId: caller.requestId,
      details: { ...patch, ...(patch.active === false ? { tokensRevoked: revoked } : {}) },
    });
    const warnings = patch.active === false ? await approvalWarnings(trx, row) : [];
    return { ...userRowToUser(row), warnings };
  });
  if (patch.active === false) forgetUserTokens(ctx.db, id);
  return user;
}

/**
 * Deactivating a fund administrator may leave their agency's funds without enough people for
 * maker-checker (a requester plus one or two approvers): the deactivation stands (someone who
 * left must lose access), but the administrator is told which funds now cannot approve.
 */
async function approvalWarnings(trx: Trx, row: UserRow): Promise<UserWarning[]> {
  if (row.role !== 'fund_admin' || row.organization_id === null) return [];
  const funds = await fundsUnableToApprove(trx, row.organization_id);
  return funds.map((f) => ({
    code: 'fund_cannot_approve',
    message: `Fund "${f.fundName}" has ${f.activeAdministrators} active fund administrator(s); its disbursements need ${f.administratorsNeeded} (a requester and different approvers).`,
    ...f,
  }));
}
