import crypto from 'node:crypto';
import { sql } from 'kysely';
import { countUsers } from '../../src/auth/auth.repository';
import { hashPassword } from '../../src/auth/passwords';
import { createOrganizationIn, createUserIn, type Caller } from '../../src/auth/users.service';
import type { AppContext } from '../../src/context';
import type { Role } from '../../src/lib/auth';
import { transact } from '../../src/lib/db';

export interface DemoLogin {
  userId: string;
  email: string;
  password: string;
  role: Role;
  organization: string | null;
}

const ORGANIZATIONS = {
  legalAid: { name: 'Demo Legal Aid Centre', kind: 'legal_aid' },
  fund: { name: 'Demo Victim Assistance Fund Agency', kind: 'fund_agency' },
} as const;

const USERS: Array<{
  role: Role;
  email: string;
  name: string;
  organization: keyof typeof ORGANIZATIONS | null;
}> = [
  { role: 'admin', email: 'admin@demo.example.org', name: 'Demo Administrator', organization: null },
  {
    role: 'legal_aid',
    email: 'legal.aid@demo.example.org',
    name: 'Demo Legal Aid Worker',
    organization: 'legalAid',
  },
  {
    role: 'fund_admin',
    email: 'fund.admin@demo.example.org',
    name: 'Demo Fund Administrator',
    organization: 'fund',
  },
  // maker-checker: one administrator requests a payout, the other approves it
  {
    role: 'fund_admin',
    email: 'fund.checker@demo.example.org',
    name: 'Demo Fund Approver',
    organization: 'fund',
  },
  { role: 'auditor', email: 'auditor@demo.example.org', name: 'Demo Auditor', organization: null },
];

/**
 * The demo data set, loaded only into an empty system (no users at all): a legal aid centre,
 * a fund agency and one user per role with a fresh random password each. Returns the logins
 * so the caller can show them once; they are not stored anywhere in clear. Returns [] when the
 * system already has users, so a restart never reseeds or reprints.
 */
export async function seedDemoData(ctx: AppContext): Promise<DemoLogin[]> {
  if ((await countUsers(ctx.db)) > 0) return [];
  const passwords = USERS.map(() => crypto.randomBytes(12).toString('base64url'));
  // scrypt is slow: hash before the transaction
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
  const caller: Caller = { actor: null, via: 'seed' };

  const created = await transact(ctx.db, async (trx) => {
    // two processes starting on an empty database: the second waits, then sees the users
    await sql`select pg_advisory_xact_lock(hashtextextended('redress:demo-seed', 0))`.execute(trx);
    if ((await countUsers(trx)) > 0) return null;
    const orgIds = {
      legalAid: (await createOrganizationIn(trx, ORGANIZATIONS.legalAid, caller)).id,
      fund: (await createOrganizationIn(trx, ORGANIZATIONS.fund, caller)).id,
    };
    const ids: string[] = [];
    for (const [i, u] of USERS.entries()) {
      const user = await createUserIn(
        trx,
        {
          email: u.email,
          name: u.name,
          passwordHash: hashes[i]!,
          role: u.role,
          organizationId: u.organization ? orgIds[u.organization] : null,
        },
        caller,
        // the logins are printed; a welcome mail to an example address helps nobody
        { welcome: false },
      );
      ids.push(user.id);
    }
    return ids;
  });
  if (!created) return [];
  return USERS.map((u, i) => ({
    userId: created[i]!,
    email: u.email,
    password: passwords[i]!,
    role: u.role,
    organization: u.organization ? ORGANIZATIONS[u.organization].name : null,
  }));
}

/** The block printed once on first start. */
export function formatDemoLogins(logins: DemoLogin[]): string {
  const width = Math.max(...logins.map((l) => l.email.length));
  const lines = logins.map(
    (l) =>
      `  ${l.email.padEnd(width)}  ${l.password}  ${l.role}${l.organization ? ` (${l.organization})` : ''}`,
  );
  return [
    '',
    '==== Demo logins (shown once) ====',
    '  Sign in with POST /v1/auth/login {"email", "password"}. These passwords are not shown again.',
    ...lines,
    '==================================',
    '',
    '',
  ].join('\n');
}
