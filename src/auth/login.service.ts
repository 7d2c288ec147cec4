import type { AppContext } from '../context';
import { recordAudit } from '../audit/audit.service';
import { forgetToken, hashToken, newToken, type Actor } from '../lib/auth';
import { transact, type Db, type Trx } from '../lib/db';
import { TooManyRequestsError, UnauthorizedError } from '../lib/errors';
import { accountKeyOf, normalizeEmail, type Session, type SessionChannel } from './auth';
import { findCredentials, findUser } from './auth.repository';
import {
  countFailures,
  deleteLoginAttemptsOlderThan,
  insertToken,
  lockLoginKeys,
  recordLoginAttempt,
  revokeToken,
  LOOKBACK_MINUTES,
  type FailureCounts,
  type LoginLimits,
} from './login.repository';
import { DUMMY_HASH, verifyPassword } from './passwords';

export interface RequestMeta {
  ip: string;
  requestId?: string | null;
  /** Where the session will be used: console sessions (a cookie) also end after idle time. */
  channel?: SessionChannel;
}

const LOCK_NOT_AVAILABLE = '55P03';

type Outcome =
  { kind: 'throttled'; retryAfter: number } | { kind: 'refused' } | { kind: 'session'; session: Session };

function limitsOf(ctx: AppContext): LoginLimits {
  return {
    maxFailuresPerAccount: ctx.config.loginMaxFailuresPerAccount,
    maxFailuresPerAddress: ctx.config.loginMaxFailuresPerAddress,
    windowMinutes: ctx.config.loginWindowMinutes,
  };
}

/** Seconds to wait when a limit is reached, or null when the attempt may go ahead. */
function throttle(counts: FailureCounts): number | null {
  const wait = Math.max(counts.accountRetryAfter, counts.addressRetryAfter);
  return wait > 0 ? wait : null;
}

/**
 * Checks the e-mail and password and opens a session. Unknown e-mail and wrong password give
 * the same answer after the same work (a dummy hash is verified), and both count as failures
 * of that account key, so neither the answer, its timing nor the limits reveal who has an account.
 *
 * The password is verified outside the transaction (scrypt is slow; no connection or lock is
 * held meanwhile). The limits are checked again under per-account and per-address locks before
 * the result is revealed, so concurrent guesses in several processes cannot exceed them.
 */
/** POST /v1/auth/login's body. */
export interface LoginInput {
  email: string;
  password: string;
}

export async function login(ctx: AppContext, input: LoginInput, meta: RequestMeta): Promise<Session> {
  const email = normalizeEmail(input.email);
  const accountKey = accountKeyOf(email);
  const limits = limitsOf(ctx);

  const early = throttle(await countFailures(ctx.db, accountKey, meta.ip, limits));
  if (early !== null) throw tooMany(ctx, early, meta);

  const user = await findCredentials(ctx.db, email);
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  const accepted = user !== undefined && user.active && passwordOk ? user : null;

  let outcome: Outcome;
  try {
    outcome = await transact(ctx.db, (trx) =>
      settleAttempt(ctx, trx, { accountKey, limits, user, accepted }, meta),
    );
  } catch (err) {
    // A burst of attempts on one account or address queues on its lock; whoever waits past
    // lock_timeout is told to come back shortly rather than shown a 500.
    if ((err as { code?: string } | null)?.code === LOCK_NOT_AVAILABLE) {
      throw tooMany(ctx, 1, meta, 'Too many login attempts at once; try again in a second.');
    }
    throw err;
  }

  switch (outcome.kind) {
    case 'throttled':
      throw tooMany(ctx, outcome.retryAfter, meta);
    case 'refused':
      throw new UnauthorizedError('The e-mail address or password is wrong.');
    case 'session':
      return outcome.session;
  }
}

type Credentials = NonNullable<Awaited<ReturnType<typeof findCredentials>>>;

/** Under the account's and address's locks: check the limits again, then record and reveal. */
async function settleAttempt(
  ctx: AppContext,
  trx: Trx,
  attempt: {
    accountKey: string;
    limits: LoginLimits;
    user: Credentials | undefined;
    accepted: Credentials | null;
  },
  meta: RequestMeta,
): Promise<Outcome> {
  const { accountKey, limits, user, accepted } = attempt;
  await lockLoginKeys(trx, accountKey, meta.ip);
  const counts = await countFailures(trx, accountKey, meta.ip, limits);
  const wait = throttle(counts);
  if (wait !== null) return { kind: 'throttled', retryAfter: wait };

  await recordLoginAttempt(trx, { accountKey, address: meta.ip, succeeded: accepted !== null });
  if (!accepted) {
    await recordAudit(trx, {
      actor: null,
      action: 'auth.login',
      resourceType: 'user',
      resourceId: user?.id ?? null,
      requestId: meta.requestId,
      outcome: 'failure',
      details: {
        accountKey,
        address: meta.ip,
        // this failure fills the allowance of the account from this address: 429 there for a while
        accountLocked: (counts.account + 1) % limits.maxFailuresPerAccount === 0,
      },
    });
    return { kind: 'refused' };
  }
  const session = await openSession(ctx, trx, accepted, meta.channel ?? 'api');
  await recordAudit(trx, {
    actor: { userId: accepted.id, role: accepted.role },
    action: 'auth.login',
    resourceType: 'user',
    resourceId: accepted.id,
    requestId: meta.requestId,
    outcome: 'success',
    details: { accountKey, address: meta.ip },
  });
  return { kind: 'session', session };
}

/**
 * The growing delays look back a day (or one window, if longer), so older attempts count for
 * nothing; twice that keeps a margin for whoever reads them after an incident.
 */
export async function pruneLoginAttempts(db: Db, windowMinutes: number): Promise<number> {
  return deleteLoginAttemptsOlderThan(db, 2 * Math.max(windowMinutes, LOOKBACK_MINUTES));
}

function tooMany(
  ctx: AppContext,
  retryAfter: number,
  meta: RequestMeta,
  detail = `Too many failed logins; try again in ${retryAfter} seconds.`,
): TooManyRequestsError {
  // Logged, not audited: a flood of refused attempts must not flood the hash-chained trail
  // (the failure that reached the limit is audited with accountLocked: true).
  ctx.logger.warn({ address: meta.ip, requestId: meta.requestId, retryAfter }, 'login throttled');
  return new TooManyRequestsError(detail, retryAfter);
}

async function openSession(
  ctx: AppContext,
  trx: Trx,
  user: { id: string; email: string; role: Session['user']['role']; organization_id: string | null },
  channel: SessionChannel = 'api',
): Promise<Session> {
  const token = newToken();
  const row = await insertToken(trx, {
    userId: user.id,
    tokenHash: hashToken(token),
    ttlMinutes: ctx.config.tokenTtlMinutes,
    channel,
  });
  return {
    token,
    expiresAt: row.expires_at.toISOString(),
    user: { id: user.id, email: user.email, role: user.role, organizationId: user.organization_id },
  };
}

/**
 * Opens a session for a user without a password check or limits: for trusted callers only
 * (test factories, command-line tools), never reachable over HTTP.
 */
export async function issueSessionFor(
  ctx: AppContext,
  userId: string,
  channel: SessionChannel = 'api',
): Promise<Session> {
  return transact(ctx.db, async (trx) => {
    const user = await findUser(trx, userId);
    if (!user) throw new Error(`issueSessionFor: no user ${userId}`);
    return openSession(ctx, trx, user, channel);
  });
}

/** Ends the caller's session: its token stops working with the next request. */
export async function logout(ctx: AppContext, actor: Actor, meta: RequestMeta): Promise<void> {
  await transact(ctx.db, async (trx) => {
    await revokeToken(trx, actor.tokenId);
    forgetToken(ctx.db, actor.tokenId);
    await recordAudit(trx, {
      actor,
      action: 'auth.logout',
      resourceType: 'user',
      resourceId: actor.userId,
      requestId: meta.requestId,
      details: { tokenId: actor.tokenId },
    });
  });
}
