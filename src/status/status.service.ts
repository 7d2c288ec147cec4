import crypto from 'node:crypto';
import { victimMoneySummary } from '../claims/compensation.service';
import { todayUtc } from '../lib/dates';
import type { AppContext } from '../context';
import { transact, type Db } from '../lib/db';
import { AppError, TooManyRequestsError } from '../lib/errors';
import { normalizeLanguage, type Language } from '../lib/i18n';
import {
  ADDRESS_POLICY,
  addressKeyOf,
  afterFailure,
  GUARD_QUIET_MS,
  isLocked,
  normalizeCode,
  normalizeReference,
  REFERENCE_POLICY,
  retryAfterSeconds,
  type GuardState,
} from './status';
import {
  clearFailures,
  findByReference,
  lockGuards,
  purgeStaleGuards,
  readGuards,
  statusClaims,
  writeGuard,
} from './status.repository';
import { statusView, type StatusClaim, type StatusMoney, type StatusSummary } from './status.claims';

export type { StatusClaim, StatusSummary } from './status.claims';

export interface StatusResult {
  reference: string;
  language: Language;
  claims: StatusClaim[];
  summary: StatusSummary;
}

/** The one answer for an unknown reference and for a wrong code: same status, same body. */
export class StatusNotFoundError extends AppError {
  constructor() {
    super('not-found', 'The reference and access code do not match.');
  }
}

export class StatusLockedError extends TooManyRequestsError {
  constructor(retryAfter: number) {
    super(`Too many failed checks; try again in ${retryAfter} seconds.`, retryAfter);
  }
}

const CODE_FIELD = 'status_access_code';

/**
 * HMAC-SHA256 under the server's blind-index key, bound to the victim. A fast hash is enough
 * here because the code is random with ~88 bits (nothing to gain from a slow KDF, which only
 * protects low-entropy secrets, and which would hand a guesser a CPU-exhaustion lever); the key
 * means a copy of the database alone does not even allow an offline check.
 */
export function hashAccessCode(ctx: AppContext, victimId: string, code: string): string {
  return ctx.cipher.blindIndex(CODE_FIELD, `${victimId}:${normalizeCode(code)}`);
}

// Compared against when the reference is unknown or has no code, so every failure does the
// same work. It is random per process and can never equal a real hash.
const DUMMY_VICTIM = '00000000-0000-0000-0000-000000000000';
const DUMMY_HASH = crypto.randomBytes(32).toString('hex');

/** The victim's own row: only the count of failed checks the legal aid worker reads; never locks. */
export const referenceKey = (reference: string) => `r:${reference}`;
/** The row that locks: one reference tried from one client address. */
export const pairKey = (reference: string, ip: string) => `p:${reference} ${addressKeyOf(ip)}`;
/** Every pair row of a reference, for clearing them when a new code is issued. */
export const pairKeyPrefix = (reference: string) => `p:${reference} `;
const addressKey = (ip: string) => `a:${addressKeyOf(ip)}`;

interface GuardKeys {
  ref: string;
  pair: string;
  addr: string;
}

export interface StatusInput {
  reference: string;
  accessCode: string;
  language?: string | undefined;
}

/**
 * A victim's own check. Refused while this reference is locked for this client address, or the
 * address is locked for guessing at many references (429); a wrong code and an unknown
 * reference are the same 404 after the same work. Failures from one address never lock the
 * reference for anyone else, so knowing a victim's reference (it is printed on the card) is not
 * enough to keep them out. The happy path writes nothing unless it clears earlier failures.
 */
export async function checkStatus(ctx: AppContext, input: StatusInput, ip: string): Promise<StatusResult> {
  const reference = normalizeReference(input.reference);
  const keys: GuardKeys = {
    ref: referenceKey(reference),
    pair: pairKey(reference, ip),
    addr: addressKey(ip),
  };
  const now = new Date();
  // both reads at once: the lock decides before anything is compared or revealed
  const [guards, found] = await Promise.all([
    readGuards(ctx.db, [keys.pair, keys.addr]),
    findByReference(ctx.db, reference),
  ]);
  const [pairGuard, addrGuard] = [guards.get(keys.pair), guards.get(keys.addr)];
  if (isLocked(pairGuard, now) || isLocked(addrGuard, now))
    throw new StatusLockedError(retryAfterSeconds([pairGuard, addrGuard], now));

  const candidate = hashAccessCode(ctx, found?.victimId ?? DUMMY_VICTIM, input.accessCode);
  const expected = found?.codeHash ?? DUMMY_HASH;
  const match = crypto.timingSafeEqual(Buffer.from(candidate, 'hex'), Buffer.from(expected, 'hex'));
  if (!found || found.codeHash === null || !match) {
    await recordFailure(ctx, keys);
    throw new StatusNotFoundError();
  }

  if ((pairGuard?.failures ?? 0) > 0) await clearFailures(ctx.db, keys.pair);
  const language = normalizeLanguage(input.language ?? found.preferredLanguage);
  const [rows, money] = await Promise.all([
    statusClaims(ctx.db, found.victimId, todayUtc()),
    victimMoneyForStatus(ctx.db, found.victimId),
  ]);
  return { reference: found.reference, language, ...statusView(language, rows, money) };
}

/** The victim's claims and payments through the claims service, with the joined-up totals. */
async function victimMoneyForStatus(db: Db, victimId: string): Promise<StatusMoney> {
  const { money, summary } = await victimMoneySummary(db, victimId);
  const awarded = Object.fromEntries(Object.entries(summary.currencies).map(([cur, t]) => [cur, t.awarded]));
  const headOwed = new Map(summary.byHead.map((h) => [`${h.currency}/${h.head}`, h.outstanding]));
  return { ...money, stillOwed: summary.stillOwed, awarded, headOwed };
}

/**
 * Counts one failure under the row locks: on the pair and the address, which may lock, and on
 * the reference's own row, which only counts. A guess that raced past the first check while
 * another filled the allowance is answered 429, so concurrency cannot stretch it.
 */
async function recordFailure(ctx: AppContext, keys: GuardKeys): Promise<void> {
  const locked = await transact(ctx.db, async (trx) => {
    const now = new Date();
    const rows = await lockGuards(trx, [keys.ref, keys.pair, keys.addr]);
    const state = (key: string) => rows.get(key) ?? freshGuard(now);
    const limiting = [state(keys.pair), state(keys.addr)];
    if (limiting.some((s) => isLocked(s, now))) return retryAfterSeconds(limiting, now);
    const ref = state(keys.ref);
    const updates: Array<[string, GuardState]> = [
      [keys.pair, afterFailure(state(keys.pair), REFERENCE_POLICY, now)],
      [keys.addr, afterFailure(state(keys.addr), ADDRESS_POLICY, now)],
      [keys.ref, { ...ref, totalFailures: ref.totalFailures + 1, lastFailureAt: now }],
    ];
    for (const [key, next] of updates) await writeGuard(trx, key, next);
    return null;
  });
  if (locked !== null) throw new StatusLockedError(locked);
  // now and then, on the failure path only, drop what two quiet days made useless
  if (crypto.randomInt(PURGE_ONE_IN) === 0)
    await purgeStaleGuards(ctx.db, new Date(Date.now() - 2 * 24 * 60 * 60_000));
}

/** What a row holds before its first failure (lockGuards creates it; this only guards a miss). */
function freshGuard(now: Date): GuardState {
  return {
    failures: 0,
    totalFailures: 0,
    lockouts: 0,
    windowStartedAt: now,
    lockedUntil: null,
    lastFailureAt: null,
  };
}

const PURGE_ONE_IN = 200;

/**
 * The daily sweep: rows of addresses and made-up references that are unlocked and have been
 * quiet long enough to be forgotten anyway. A real victim's row stays (see purgeStaleGuards).
 */
export async function pruneStatusGuards(db: Db, now = new Date()): Promise<number> {
  return purgeStaleGuards(db, new Date(now.getTime() - GUARD_QUIET_MS));
}
