import crypto from 'node:crypto';
import { victimMoneySummary } from '../claims/compensation.service';
import { todayUtc } from '../claims/dates';
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

export const referenceKey = (reference: string) => `r:${reference}`;
const addressKey = (ip: string) => `a:${addressKeyOf(ip)}`;

export interface StatusInput {
  reference: string;
  accessCode: string;
  language?: string | undefined;
}

/**
 * A victim's own check. Refused while the reference or the client address is locked (429); a
 * wrong code and an unknown reference are the same 404 after the same work. The happy path
 * writes nothing unless it clears an earlier run of failures, so checks scale with reads.
 */
export async function checkStatus(ctx: AppContext, input: StatusInput, ip: string): Promise<StatusResult> {
  const reference = normalizeReference(input.reference);
  const keys = { ref: referenceKey(reference), addr: addressKey(ip) };
  const now = new Date();
  // both reads at once: the lock decides before anything is compared or revealed
  const [guards, found] = await Promise.all([
    readGuards(ctx.db, [keys.ref, keys.addr]),
    findByReference(ctx.db, reference),
  ]);
  const [refGuard, addrGuard] = [guards.get(keys.ref), guards.get(keys.addr)];
  if (isLocked(refGuard, now) || isLocked(addrGuard, now))
    throw new StatusLockedError(retryAfterSeconds([refGuard, addrGuard], now));

  const candidate = hashAccessCode(ctx, found?.victimId ?? DUMMY_VICTIM, input.accessCode);
  const expected = found?.codeHash ?? DUMMY_HASH;
  const match = crypto.timingSafeEqual(Buffer.from(candidate, 'hex'), Buffer.from(expected, 'hex'));
  if (!found || found.codeHash === null || !match) {
    await recordFailure(ctx, keys);
    throw new StatusNotFoundError();
  }

  if ((refGuard?.failures ?? 0) > 0) await clearFailures(ctx.db, keys.ref);
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
 * Counts one failure on both keys under their row locks. A guess that raced past the first
 * check while another filled the allowance is answered 429, so concurrency cannot stretch it.
 */
async function recordFailure(ctx: AppContext, keys: { ref: string; addr: string }): Promise<void> {
  const locked = await transact(ctx.db, async (trx) => {
    const now = new Date();
    const rows = await lockGuards(trx, [keys.ref, keys.addr]);
    const states = [rows.get(keys.ref), rows.get(keys.addr)];
    if (states.some((s) => isLocked(s, now))) return retryAfterSeconds(states, now);
    const updates: Array<[string, GuardState]> = [
      [keys.ref, afterFailure(rows.get(keys.ref)!, REFERENCE_POLICY, now)],
      [keys.addr, afterFailure(rows.get(keys.addr)!, ADDRESS_POLICY, now)],
    ];
    for (const [key, state] of updates) await writeGuard(trx, key, state);
    return null;
  });
  if (locked !== null) throw new StatusLockedError(locked);
  // now and then, on the failure path only, drop what two quiet days made useless
  if (crypto.randomInt(PURGE_ONE_IN) === 0)
    await purgeStaleGuards(ctx.db, new Date(Date.now() - 2 * 24 * 60 * 60_000));
}

const PURGE_ONE_IN = 200;

/**
 * The daily sweep: rows of addresses and made-up references that are unlocked and have been
 * quiet long enough to be forgotten anyway. A real victim's row stays (see purgeStaleGuards).
 */
export async function pruneStatusGuards(db: Db, now = new Date()): Promise<number> {
  return purgeStaleGuards(db, new Date(now.getTime() - GUARD_QUIET_MS));
}
