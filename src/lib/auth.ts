import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Db } from './db';
import { ForbiddenError, UnauthorizedError } from './errors';
import './request';
import { findLiveToken } from './tokens.repository';

export const ROLES = ['admin', 'legal_aid', 'fund_admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The one permission table: what each role may ever do. Need-to-know (which records) is decided
 * separately, by scoping queries to the caller's organization or fund.
 */
export const PERMISSIONS = {
  'auth:session': ['admin', 'legal_aid', 'fund_admin', 'auditor'], // sign out
  'organizations:create': ['admin'],
  'organizations:read': ['admin'],
  'users:create': ['admin'],
  'users:read': ['admin'],
  'audit:read': ['admin', 'auditor'],
  'victims:write': ['legal_aid'],
  'victims:read': ['legal_aid', 'fund_admin'],
  'claims:write': ['legal_aid', 'fund_admin'],
  'claims:read': ['legal_aid', 'fund_admin', 'auditor'],
  'funds:write': ['fund_admin'],
  'funds:read': ['fund_admin', 'auditor'],
  // legal aid see the fund directory (to file State-fund claims), never a fund's money
  'funds:list': ['fund_admin', 'auditor', 'legal_aid'],
  'ledger:write': ['fund_admin'],
  'ledger:read': ['fund_admin', 'auditor'],
  'disbursements:write': ['fund_admin'],
  'disbursements:read': ['fund_admin', 'auditor'],
  // legal aid disclose their own victims' register in court
  'witness-assistance:read': ['fund_admin', 'auditor', 'legal_aid'],
  // Documents are identity data: never auditors (nor admins); which ones, as for the record they belong to.
  'documents:read': ['legal_aid', 'fund_admin'],
  'documents:write': ['legal_aid', 'fund_admin'],
  'jobs:admin': ['admin'],
  // moving a departing worker's caseload to a colleague (who, not what: no case data is read)
  'caseload:admin': ['admin'],
  // a worker's own lists: legal aid their caseload, fund administrators their approvals
  'caseload:read': ['legal_aid', 'fund_admin'],
  // the court calendar: whoever follows the claims; auditors see no case calendar
  'hearings:read': ['legal_aid', 'fund_admin'],
  'hearings:write': ['legal_aid', 'fund_admin'],
  'calendar-feed:write': ['legal_aid', 'fund_admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function roleMay(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export interface Actor {
  userId: string;
  role: Role;
  organizationId: string | null;
  tokenId: string;
}

/** Tokens are random; only their SHA-256 is stored, so a database leak yields no usable token. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function actorOf(req: { actor?: Actor }): Actor {
  const actor = req.actor;
  if (!actor) throw new UnauthorizedError();
  return actor;
}

/**
 * Token look-ups are cached for a few seconds per process: the look-up was one of the few round
 * trips of every request. Logout on this process forgets the token at once; another process
 * honours a revocation (or a deactivated user) within TOKEN_CACHE_MS.
 */
export const TOKEN_CACHE_MS = 5000;
const TOKEN_CACHE_MAX = 10_000;
const tokenCaches = new WeakMap<Db, Map<string, { actor: Actor; until: number; expiresAt: number }>>();

function cacheOf(db: Db) {
  let cache = tokenCaches.get(db);
  if (!cache) {
    cache = new Map();
    tokenCaches.set(db, cache);
  }
  return cache;
}

/** Called on logout, so the revoked token stops working on this process immediately. */
export function forgetToken(db: Db, tokenId: string): void {
  const cache = cacheOf(db);
  for (const [hash, entry] of cache) if (entry.actor.tokenId === tokenId) cache.delete(hash);
}

/** Called when an account is deactivated: none of its tokens works on this process any more. */
export function forgetUserTokens(db: Db, userId: string): void {
  const cache = cacheOf(db);
  for (const [hash, entry] of cache) if (entry.actor.userId === userId) cache.delete(hash);
}

async function lookUpToken(db: Db, tokenHash: string): Promise<Actor | null> {
  const cache = cacheOf(db);
  const now = Date.now();
  const hit = cache.get(tokenHash);
  if (hit && hit.until > now && hit.expiresAt > now) return hit.actor;
  cache.delete(tokenHash);
  const row = await findLiveToken(db, tokenHash);
  if (!row || !row.active) return null;
  const actor: Actor = {
    userId: row.userId,
    role: row.role,
    organizationId: row.organization_id,
    tokenId: row.tokenId,
  };
  if (cache.size >= TOKEN_CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(tokenHash, { actor, until: now + TOKEN_CACHE_MS, expiresAt: new Date(row.expires_at).getTime() });
  return actor;
}

export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) {
      next(new UnauthorizedError());
      return;
    }
    const actor = await lookUpToken(db, hashToken(match[1]!));
    if (!actor) {
      next(new UnauthorizedError('The token is invalid, expired or revoked.'));
      return;
    }
    req.actor = actor;
    next();
  };
}

/** Told about a refused permission check, e.g. to record it in the audit trail; must not throw. */
export type DeniedHook = (actor: Actor, permission: Permission, requestId: string | null) => Promise<void>;

export function authorize(permission: Permission, onDenied?: DeniedHook): RequestHandler {
  return async (req, res, next) => {
    const actor = actorOf(req);
    if (roleMay(actor.role, permission)) {
      next();
      return;
    }
    const requestId = res.getHeader('x-request-id');
    await onDenied?.(actor, permission, requestId === undefined ? null : String(requestId));
    next(new ForbiddenError(`The ${actor.role} role may not ${permission}.`));
  };
}

/**
 * Need-to-know: whether a record owned by `organizationId` is within the actor's reach.
 * Callers answer 404 (never 403) when it is not, so existence is not revealed.
 */
export function sameOrganization(actor: Actor, organizationId: string | null | undefined): boolean {
  return !!actor.organizationId && actor.organizationId === organizationId;
}
