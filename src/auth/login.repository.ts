import type { SessionChannel } from './auth';
import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

export interface LoginLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
}

export interface FailureCounts {
  /** Failures of this account from this address in the lookback (since its last success there). */
  account: number;
  /** Failures from this address, any account, in the lookback. */
  address: number;
  /** Seconds until the account may be tried again from this address (0: it may now). */
  accountRetryAfter: number;
  /** Seconds until this address may try again (0: it may now). */
  addressRetryAfter: number;
}

/** How far back failures count towards the growing delays; attempts are kept at least this long. */
export const LOOKBACK_MINUTES = 24 * 60;

/**
 * The wait a key has earned: reaching the limit within the window costs the rest of the window;
 * each further full allowance used up in the lookback doubles it, up to the lookback itself.
 * So a guesser slows down ever more, while a typo or two never costs more than one window.
 */
export function retryAfterSeconds(
  failures: number,
  nthNewestAt: Date | null,
  now: Date,
  limits: { max: number; windowMinutes: number },
): number {
  if (failures < limits.max || !nthNewestAt) return 0;
  const doublings = Math.floor(failures / limits.max) - 1;
  const waitMinutes = Math.min(limits.windowMinutes * 2 ** doublings, LOOKBACK_MINUTES);
  const until = nthNewestAt.getTime() + waitMinutes * 60_000;
  return until > now.getTime() ? Math.max(1, Math.ceil((until - now.getTime()) / 1000)) : 0;
}

/**
 * Serializes concurrent logins for one account and for one address across every process, so
 * the limits hold exactly. Always account first, then address: every transaction takes the
 * two lock classes in the same order, so two logins can never wait on each other in a cycle.
 */
export async function lockLoginKeys(trx: Trx, accountKey: string, address: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`login:account:${accountKey}`}, 0))`.execute(trx);
  await sql`select pg_advisory_xact_lock(hashtextextended(${`login:address:${address}`}, 0))`.execute(trx);
}

/**
 * Failures in the lookback, per (account, address) and per address, and the waits they earned.
 * A failure counts only against the address it came from: nobody can lock an account's owner out
 * by failing from elsewhere. For the pair a success starts the count afresh (the owner got in);
 * for the address only failures count and successes never reset them, so one valid account
 * cannot unlock guessing at others, while colleagues' successful logins from one office address
 * never add up to a limit.
 */
export async function countFailures(
  db: Db,
  accountKey: string,
  address: string,
  limits: LoginLimits,
): Promise<FailureCounts> {
  const lookback = sql`make_interval(mins => ${LOOKBACK_MINUTES})`;
  const { rows } = await sql<{
    now: Date;
    account: string;
    address: string;
    account_nth: Date | null;
    address_nth: Date | null;
  }>`
    with account_failures as (
      select at from login_attempts
      where account_key = ${accountKey} and address = ${address} and not succeeded
        and at > greatest(
          now() - ${lookback},
          coalesce(
            (select max(at) from login_attempts
              where account_key = ${accountKey} and address = ${address} and succeeded),
            '-infinity'::timestamptz))
    ), address_failures as (
      select at from login_attempts
      where address = ${address} and not succeeded and at > now() - ${lookback}
    )
    select
      now() as now,
      (select count(*) from account_failures) as account,
      (select count(*) from address_failures) as address,
      (select at from account_failures order by at desc offset ${limits.maxFailuresPerAccount - 1} limit 1)
        as account_nth,
      (select at from address_failures order by at desc offset ${limits.maxFailuresPerAddress - 1} limit 1)
        as address_nth
  `.execute(db);
  const row = rows[0]!;
  const [account, addressCount] = [Number(row.account), Number(row.address)];
  // timestamps as Date whatever the driver hands back (pg and PGlite differ in places)
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  const now = date(row.now)!;
  return {
    account,
    address: addressCount,
    accountRetryAfter: retryAfterSeconds(account, date(row.account_nth), now, {
      max: limits.maxFailuresPerAccount,
      windowMinutes: limits.windowMinutes,
    }),
    addressRetryAfter: retryAfterSeconds(addressCount, date(row.address_nth), now, {
      max: limits.maxFailuresPerAddress,
      windowMinutes: limits.windowMinutes,
    }),
  };
}

/** Deletes attempts older than `minutes`, measured on the database clock like countFailures. */
export async function deleteLoginAttemptsOlderThan(db: Db, minutes: number): Promise<number> {
  const res = await db
    .deleteFrom('login_attempts')
    .where('at', '<', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function recordLoginAttempt(
  trx: Trx,
  attempt: { accountKey: string; address: string; succeeded: boolean },
): Promise<void> {
  await trx
    .insertInto('login_attempts')
    .values({
      account_key: attempt.accountKey,
      address: attempt.address,
      succeeded: attempt.succeeded,
    })
    .execute();
}

export async function insertToken(
  trx: Trx,
  token: { userId: string; tokenHash: string; ttlMinutes: number; channel: SessionChannel },
): Promise<{ id: string; expires_at: Date }> {
  return trx
    .insertInto('auth_tokens')
    .values({
      user_id: token.userId,
      token_hash: token.tokenHash,
      channel: token.channel,
      expires_at: sql<Date>`now() + make_interval(mins => ${token.ttlMinutes})`,
      revoked_at: null,
    })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/** Returns whether a live token was revoked (false when it already was). */
export async function revokeToken(trx: Trx, tokenId: string): Promise<boolean> {
  const result = await trx
    .updateTable('auth_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
