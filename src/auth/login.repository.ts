import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

export interface LoginLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
}

export interface FailureCounts {
  account: number;
  address: number;
  /** Seconds until the account, resp. the address, drops below its limit (0 when below). */
  accountRetryAfter: number;
  addressRetryAfter: number;
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
 * Failures inside the window. For the account, a success starts the count afresh (the owner
 * got in); for the address only failures count and successes never reset them, so one valid
 * account cannot unlock guessing at others, while colleagues' successful logins from one office
 * address never add up to a limit.
 *
 * The retry-after of a limit is when the failure that made it full (the max-th newest in the
 * window) leaves the window.
 */
export async function countFailures(
  db: Db,
  accountKey: string,
  address: string,
  limits: LoginLimits,
): Promise<FailureCounts> {
  const window = sql`make_interval(mins => ${limits.windowMinutes})`;
  const { rows } = await sql<{
    account: string;
    address: string;
    account_retry: string | null;
    address_retry: string | null;
  }>`
    with account_failures as (
      select at from login_attempts
      where account_key = ${accountKey} and not succeeded
        and at > greatest(
          now() - ${window},
          coalesce(
            (select max(at) from login_attempts where account_key = ${accountKey} and succeeded),
            '-infinity'::timestamptz))
    ), address_failures as (
      select at from login_attempts
      where address = ${address} and not succeeded and at > now() - ${window}
    )
    select
      (select count(*) from account_failures) as account,
      (select count(*) from address_failures) as address,
      (select ceil(extract(epoch from at + ${window} - now())) from account_failures
        order by at desc offset ${limits.maxFailuresPerAccount - 1} limit 1) as account_retry,
      (select ceil(extract(epoch from at + ${window} - now())) from address_failures
        order by at desc offset ${limits.maxFailuresPerAddress - 1} limit 1) as address_retry
  `.execute(db);
  const row = rows[0]!;
  return {
    account: Number(row.account),
    address: Number(row.address),
    accountRetryAfter: Math.max(1, Number(row.account_retry ?? 0)),
    addressRetryAfter: Math.max(1, Number(row.address_retry ?? 0)),
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
  token: { userId: string; tokenHash: string; ttlMinutes: number },
): Promise<{ id: string; expires_at: Date }> {
  return trx
    .insertInto('auth_tokens')
    .values({
      user_id: token.userId,
      token_hash: token.tokenHash,
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
