import crypto from 'node:crypto';
import net from 'node:net';
import { ROUTE_MACHINES, type Route } from '../claims/route-machines';
import { wellFormed } from '../lib/text-rule';

/**
 * Access codes are read aloud over a phone and typed on cheap keyboards: no 0/O, 1/I/L or U,
 * upper case only, grouped by four. 18 symbols from 30 give 18·log2(30) ≈ 88 bits, so guessing
 * is hopeless even before the per-reference limit below.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 18;
export const CODE_GROUP = 4;

export function codeEntropyBits(): number {
  return CODE_LENGTH * Math.log2(CODE_ALPHABET.length);
}

/** `7K3M-9QX2-HT4W-RB6N-P8` (crypto.randomInt is unbiased). */
export function newAccessCode(): string {
  let raw = '';
  for (let i = 0; i < CODE_LENGTH; i++) raw += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return groupCode(raw);
}

export function groupCode(raw: string): string {
  return raw.match(new RegExp(`.{1,${CODE_GROUP}}`, 'g'))!.join('-');
}

/** What a person typed → the bare symbols: separators, spaces and case do not matter. */
export function normalizeCode(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

const REFERENCE = /^V-?([0-9A-Z]{8})$/;

/**
 * `v 7k3m9qx2` or `V7K3M9QX2` → `V-7K3M9QX2`; anything else is kept (and will match nothing),
 * made storable: control characters dropped and lone surrogates replaced, so the key a failure
 * is counted under is the same string in the database as here.
 */
export function normalizeReference(input: string): string {
  const compact = wellFormed(input)
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\p{Cc}]+/gu, '');
  const m = REFERENCE.exec(compact);
  return m ? `V-${m[1]}` : wellFormed(compact.slice(0, 40));
}

/**
 * The client key for the per-address limit: an IPv4 address as is (also when IPv4-mapped), an
 * IPv6 address by its /64 prefix, since one subscriber usually holds a whole /64.
 */
export function addressKeyOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (net.isIPv6(ip)) {
    const [head = '', tail = ''] = ip.toLowerCase().split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const full = ip.includes('::')
      ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
      : left;
    return `${full
      .slice(0, 4)
      .map((h) => h.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return ip.slice(0, 64);
}

/**
 * Failed checks are limited per reference (someone guessing one victim's code) and per client
 * address (someone trying many references). Each lockout lasts twice the previous one, up to a
 * day; after a quiet day the count of lockouts starts again, so a locked reference always
 * unlocks with time.
 */
export interface GuardPolicy {
  maxFailures: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
}

const MINUTE = 60_000;
export const REFERENCE_POLICY: GuardPolicy = {
  maxFailures: 10,
  windowMs: 60 * MINUTE,
  baseLockMs: 15 * MINUTE,
  maxLockMs: 24 * 60 * MINUTE,
  forgetAfterMs: 24 * 60 * MINUTE,
};
export const ADDRESS_POLICY: GuardPolicy = { ...REFERENCE_POLICY, maxFailures: 30 };

/**
 * After this long with no failure and no lock, `afterFailure` starts a row afresh: deleting it
 * then changes nothing (but the total a legal aid worker reads, which is why a real victim's
 * row is never deleted).
 */
export const GUARD_QUIET_MS = Math.max(REFERENCE_POLICY.forgetAfterMs, ADDRESS_POLICY.forgetAfterMs);

export interface GuardState {
  failures: number;
  totalFailures: number;
  lockouts: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
  lastFailureAt: Date | null;
}

export function isLocked(state: GuardState | undefined, now: Date): boolean {
  return !!state?.lockedUntil && state.lockedUntil > now;
}

export function retryAfterSeconds(states: Array<GuardState | undefined>, now: Date): number {
  const until = Math.max(...states.map((s) => (isLocked(s, now) ? s!.lockedUntil!.getTime() : 0)));
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/** The state after one more failed check. */
export function afterFailure(state: GuardState, policy: GuardPolicy, now: Date): GuardState {
  const t = now.getTime();
  // quiet: no failure for a day after the last failure or the end of the last lock
  const lastActive = Math.max(
    state.lastFailureAt?.getTime() ?? -Infinity,
    state.lockedUntil?.getTime() ?? -Infinity,
  );
  const quiet = t - lastActive > policy.forgetAfterMs;
  const lockouts = quiet ? 0 : state.lockouts;
  const windowOver =
    quiet ||
    t - state.windowStartedAt.getTime() > policy.windowMs ||
    (state.lockedUntil !== null && state.lockedUntil <= now);
  const failures = (windowOver ? 0 : state.failures) + 1;
  const next: GuardState = {
    failures,
    totalFailures: state.totalFailures + 1,
    lockouts,
    windowStartedAt: windowOver ? now : state.windowStartedAt,
    lockedUntil: windowOver ? null : state.lockedUntil,
    lastFailureAt: now,
  };
  if (failures >= policy.maxFailures) {
    const ms = Math.min(policy.baseLockMs * 2 ** lockouts, policy.maxLockMs);
    return {
      ...next,
      failures: 0,
      lockouts: lockouts + 1,
      lockedUntil: new Date(t + ms),
      windowStartedAt: now,
    };
  }
  return next;
}

/**
 * Texts for a claim's state: `state.<route>.<state>` when a route needs its own words,
 * otherwise the shared `state.<state>`; each has `.text` (where things stand) and `.next`.
 */
export function stateTextKeys(route: Route, state: string, has: (key: string) => boolean) {
  const specific = `state.${route}.${state}`;
  const base = has(`${specific}.text`) ? specific : `state.${state}`;
  return { text: `${base}.text`, next: `${base}.next` };
}

export function allRouteStates(): Array<{ route: Route; state: string }> {
  return Object.values(ROUTE_MACHINES).flatMap((m) =>
    Object.keys(m.states).map((state) => ({ route: m.route, state })),
  );
}
