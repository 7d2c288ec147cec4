import type { Language } from '../lib/i18n';
import crypto from 'node:crypto';
import type { Role } from '../lib/auth';

export const ORGANIZATION_KINDS = ['legal_aid', 'fund_agency', 'other'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export interface Organization {
  id: string;
  name: string;
  kind: OrganizationKind;
  createdAt: string;
}

/** A staff account as the rest of the system sees it: never with its password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  organizationId: string | null;
  active: boolean;
  createdAt: string;
  preferredLanguage: Language;
}

/** API sessions carry a bearer token; console sessions a cookie and an idle timeout. */
export type SessionChannel = 'api' | 'console';

export interface Session {
  token: string;
  expiresAt: string;
  user: Pick<User, 'id' | 'email' | 'role' | 'organizationId'>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const MIN_PASSWORD_LENGTH = 12;

/** E-mail addresses are compared case-insensitively; the table keeps them lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The key failed logins are counted under: a hash, so login_attempts is not a list of addresses
 * (and unknown addresses are limited exactly like known ones, revealing nothing).
 */
export function accountKeyOf(email: string): string {
  return crypto.createHash('sha256').update(normalizeEmail(email)).digest('hex');
}

/**
 * Which organizations a role's user may belong to. Legal aid workers and fund administrators
 * see records through their organization (need-to-know), so they must have one, of a kind that
 * fits; admins and auditors work across organizations and may have none.
 */
export const ORGANIZATION_RULES: Record<Role, { required: boolean; kinds: readonly OrganizationKind[] }> = {
  admin: { required: false, kinds: ORGANIZATION_KINDS },
  auditor: { required: false, kinds: ORGANIZATION_KINDS },
  legal_aid: { required: true, kinds: ['legal_aid', 'other'] },
  fund_admin: { required: true, kinds: ['fund_agency'] },
};

/** Returns why `kind` does not suit `role`, or null when it does. */
export function organizationMismatch(role: Role, kind: OrganizationKind): string | null {
  const allowed = ORGANIZATION_RULES[role].kinds;
  return allowed.includes(kind)
    ? null
    : `a ${role} user must belong to an organization of kind ${allowed.join(' or ')}, not ${kind}`;
}

/** Keyset cursors: opaque to clients, a list of the last row's sort-key values to us. */
export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): string[] | null {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string')) {
      return values;
    }
  } catch {
    // not JSON: fall through
  }
  return null;
}
