import crypto from 'node:crypto';
import type { Organization, OrganizationKind } from '../../src/auth/auth';
import { issueSessionFor } from '../../src/auth/login.service';
import { hashPassword } from '../../src/auth/passwords';
import { createOrganization as createOrganizationService, createUserIn } from '../../src/auth/users.service';
import type { Role } from '../../src/lib/auth';
import { transact } from '../../src/lib/db';
import type { TestApp } from './test-app';

/**
 * Test data for identity and access, made through the services (not HTTP, not the login
 * limiter), so any test file can get signed-in users quickly:
 *
 *   const admin = await loginAs(t, 'admin');
 *   await request(t.app).get('/v1/users').set('Authorization', admin.authHeader).expect(200);
 *
 *   const office = await createOrganization(t, 'legal_aid');
 *   const worker = await createUser(t, { role: 'legal_aid', organizationId: office.id });
 *
 * Every call makes new rows with unique names and e-mails; nothing is shared between tests.
 * Unlike POST /v1/users, no welcome e-mail is queued (the outbox stays as the test leaves it).
 */

export interface TestUser {
  id: string;
  email: string;
  /** The clear password, for tests that log in over HTTP. */
  password: string;
  role: Role;
  organizationId: string | null;
  /** A live bearer token for this user. */
  token: string;
  /** `Bearer <token>`, ready for `.set('Authorization', user.authHeader)`. */
  authHeader: string;
}

const unique = () => crypto.randomBytes(5).toString('hex');

/** The organization kind a role's user needs when the test does not name one. */
const KIND_FOR_ROLE: Record<Role, OrganizationKind | null> = {
  admin: null,
  auditor: null,
  legal_aid: 'legal_aid',
  fund_admin: 'fund_agency',
};

export async function createOrganization(
  t: TestApp,
  kind: OrganizationKind = 'legal_aid',
  name = `Test ${kind} ${unique()}`,
): Promise<Organization> {
  return createOrganizationService(t.ctx, { name, kind }, { actor: null, via: 'seed' });
}

/**
 * Creates a user and a session for it. A legal_aid or fund_admin user without an
 * `organizationId` gets a new organization of the fitting kind (legal_aid, resp. fund_agency);
 * admins and auditors get none unless given one.
 */
export async function createUser(
  t: TestApp,
  options: {
    role: Role;
    organizationId?: string | null;
    email?: string;
    name?: string;
    password?: string;
  },
): Promise<TestUser> {
  const { role } = options;
  let organizationId = options.organizationId ?? null;
  const kind = KIND_FOR_ROLE[role];
  if (organizationId === null && kind !== null) organizationId = (await createOrganization(t, kind)).id;
  const password = options.password ?? `pw-${unique()}-${unique()}`;
  const passwordHash = await hashPassword(password);
  const user = await transact(t.ctx.db, (trx) =>
    createUserIn(
      trx,
      {
        email: options.email ?? `${role.replace('_', '-')}-${unique()}@test.example.org`,
        name: options.name ?? `Test ${role}`,
        passwordHash,
        role,
        organizationId,
      },
      { actor: null, via: 'seed' },
      { welcome: false },
    ),
  );
  const session = await issueSessionFor(t.ctx, user.id);
  return {
    id: user.id,
    email: user.email,
    password,
    role,
    organizationId: user.organizationId,
    token: session.token,
    authHeader: `Bearer ${session.token}`,
  };
}

/** A new, signed-in user of `role` (in a new organization where the role needs one). */
export async function loginAs(t: TestApp, role: Role, organizationId?: string): Promise<TestUser> {
  return createUser(t, { role, organizationId });
}
