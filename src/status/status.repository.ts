import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { GuardState } from './status';

export interface CodeLookup {
  victimId: string;
  reference: string;
  organizationId: string;
  preferredLanguage: string;
  codeHash: string | null;
}

/** One query whether or not the reference or a code exists, so the timing tells nothing. */
export async function findByReference(db: Db, reference: string): Promise<CodeLookup | undefined> {
  const row = await db
    .selectFrom('victims as v')
    .leftJoin('status_access_codes as c', 'c.victim_id', 'v.id')
    .select(['v.id', 'v.reference', 'v.organization_id', 'v.preferred_language', 'c.code_hash'])
    .where('v.reference', '=', reference)
    .executeTakeFirst();
  return (
    row && {
      victimId: row.id,
      reference: row.reference,
      organizationId: row.organization_id,
      preferredLanguage: row.preferred_language,
      codeHash: row.code_hash,
    }
  );
}

export async function replaceAccessCode(
  trx: Trx,
  victimId: string,
  codeHash: string,
  issuedBy: string,
): Promise<Date> {
  const row = await trx
    .insertInto('status_access_codes')
    .values({ victim_id: victimId, code_hash: codeHash, issued_by: issuedBy })
    .onConflict((oc) =>
      oc.column('victim_id').doUpdateSet({ code_hash: codeHash, issued_by: issuedBy, issued_at: sql`now()` }),
    )
    .returning('issued_at')
    .executeTakeFirstOrThrow();
  return row.issued_at;
}

export async function findAccessCodeIssue(db: Db | Trx, victimId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('status_access_codes')
    .select('issued_at')
    .where('victim_id', '=', victimId)
    .executeTakeFirst();
  return row?.issued_at ?? null;
}

type GuardRow = {
  key: string;
  failures: number;
  total_failures: number;
  lockouts: number;
  window_started_at: Date;
  locked_until: Date | null;
  last_failure_at: Date | null;
};

const toState = (r: GuardRow): GuardState => ({
  failures: r.failures,
  totalFailures: r.total_failures,
  lockouts: r.lockouts,
  windowStartedAt: r.window_started_at,
  lockedUntil: r.locked_until,
  lastFailureAt: r.last_failure_at,
});

export async function readGuards(db: Db | Trx, keys: string[]): Promise<Map<string, GuardState>> {
  const rows = await db.selectFrom('status_guard').selectAll().where('key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.key, toState(r)]));
}

/** Creates missing rows, then locks all of them in key order (two checks never deadlock). */
export async function lockGuards(trx: Trx, keys: string[]): Promise<Map<string, GuardState>> {
  const sorted = [...new Set(keys)].sort();
  await trx
    .insertInto('status_guard')
    .values(sorted.map((key) => ({ key })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const rows = await trx
    .selectFrom('status_guard')
    .selectAll()
    .where('key', 'in', sorted)
    .orderBy('key')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.key, toState(r)]));
}

export async function writeGuard(trx: Trx, key: string, s: GuardState): Promise<void> {
  await trx
    .updateTable('status_guard')
    .set({
      failures: s.failures,
      total_failures: s.totalFailures,
      lockouts: s.lockouts,
      window_started_at: s.windowStartedAt,
      locked_until: s.lockedUntil,
      last_failure_at: s.lastFailureAt,
    })
    .where('key', '=', key)
    .execute();
}

/** A right code clears the reference's current run of failures (not its lockout history). */
export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.updateTable('status_guard').set({ failures: 0 }).where('key', '=', key).execute();
}

/** "Failed attempts" as the legal aid worker sees them count from the current code's issue. */
export async function resetTotalFailures(trx: Trx, key: string): Promise<void> {
  await trx
    .updateTable('status_guard')
    .set({ total_failures: 0, last_failure_at: null })
    .where('key', '=', key)
    .execute();
}

/** Issuing a new code lifts every address's lock on the reference (and forgets its failures). */
export async function deletePairGuards(trx: Trx, prefix: string): Promise<void> {
  await trx
    .deleteFrom('status_guard')
    .where(sql<string>`left(key, ${prefix.length})`, '=', prefix)
    .execute();
}

/** How many client addresses are locked out of this reference now, and until when at the latest. */
export async function pairLocks(
  db: Db | Trx,
  prefix: string,
  now: Date,
): Promise<{ addresses: number; until: Date | null }> {
  const row = await db
    .selectFrom('status_guard')
    .select([sql<string>`count(*)`.as('addresses'), sql<Date | null>`max(locked_until)`.as('until')])
    .where(sql<string>`left(key, ${prefix.length})`, '=', prefix)
    .where('locked_until', '>', now)
    .executeTakeFirstOrThrow();
  return { addresses: Number(row.addresses), until: row.until === null ? null : new Date(row.until) };
}

export interface StatusClaimRow {
  id: string;
  route: string;
  status: string;
  updated_on: string;
  currency: string;
  /** The claim's next scheduled hearing, when it is `today` or later. */
  hearing_on: string | null;
}

/** Only what the page shows: no case number, forum, respondent or notes are even read. */
export async function statusClaims(db: Db, victimId: string, today: string): Promise<StatusClaimRow[]> {
  return db
    .selectFrom('claims as c')
    .select([
      'c.id',
      'c.route',
      'c.status',
      'c.currency',
      // a payment received also counts as an update, not only a change of stage
      sql<string>`to_char(greatest(c.status_since, (c.updated_at at time zone 'UTC')::date), 'YYYY-MM-DD')`.as(
        'updated_on',
      ),
      // the claim's hearing records: the first still scheduled, today or later
      sql<string | null>`(select to_char(min(h.scheduled_on), 'YYYY-MM-DD') from hearings h
        where h.claim_id = c.id and h.status = 'scheduled' and h.scheduled_on >= ${today}::date)`.as(
        'hearing_on',
      ),
    ])
    .where('c.victim_id', '=', victimId)
    .orderBy('c.seq')
    .execute();
}

/**
 * Anonymous guessing leaves a row per address and per made-up reference. Rows quiet for
 * `olderThan` are dropped, except a real victim's, whose count the legal aid worker reads.
 */
export async function purgeStaleGuards(db: Db, olderThan: Date): Promise<number> {
  const res = await db
    .deleteFrom('status_guard as g')
    .where(
      sql<Date>`greatest(coalesce(g.last_failure_at, g.window_started_at), coalesce(g.locked_until, '-infinity'::timestamptz))`,
      '<',
      olderThan,
    )
    .where((eb) =>
      eb.or([
        eb('g.key', 'like', 'a:%'),
        eb.not(
          eb.exists(
            eb
              .selectFrom('victims as v')
              .select('v.id')
              .whereRef(sql`'r:' || v.reference`, '=', 'g.key'),
          ),
        ),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
