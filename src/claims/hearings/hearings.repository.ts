import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db, Trx } from '../../lib/db';
import type { HearingEventsTable, HearingsTable } from './hearings.table';

export type HearingRow = Selectable<HearingsTable> & {
  claim_reference: string;
  adjourned_from: string | null;
};
export type HearingEventRow = Selectable<HearingEventsTable>;

/** Whose hearings a user may see: the same reach as their claims (claims.access, claims.list). */
export type HearingScope =
  | { kind: 'organization'; organizationId: string }
  | { kind: 'fund_agency'; organizationId: string }
  | { kind: 'none' };

function selectHearings(db: Db | Trx) {
  return db
    .selectFrom('hearings as h')
    .innerJoin('claims as c', 'c.id', 'h.claim_id')
    .selectAll('h')
    .select([
      'c.reference as claim_reference',
      sql<string | null>`(select p.id from hearings p where p.adjourned_to = h.id limit 1)`.as(
        'adjourned_from',
      ),
    ]);
}

export async function findHearing(db: Db | Trx, id: string): Promise<HearingRow | undefined> {
  return selectHearings(db).where('h.id', '=', id).executeTakeFirst();
}

/** Locks the hearing row: two steps on one hearing never interleave. */
export async function lockHearing(trx: Trx, id: string): Promise<void> {
  await trx.selectFrom('hearings').select('id').where('id', '=', id).forUpdate().execute();
}

export async function hearingsOfClaim(db: Db | Trx, claimId: string): Promise<HearingRow[]> {
  return selectHearings(db)
    .where('h.claim_id', '=', claimId)
    .orderBy('h.scheduled_on')
    .orderBy('h.starts_at_local')
    .orderBy('h.created_at')
    .execute();
}

export async function insertHearing(trx: Trx, row: Insertable<HearingsTable>): Promise<string> {
  const made = await trx.insertInto('hearings').values(row).returning('id').executeTakeFirstOrThrow();
  return made.id;
}

export async function updateHearing(trx: Trx, id: string, patch: Updateable<HearingsTable>): Promise<void> {
  await trx
    .updateTable('hearings')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function insertHearingEvent(trx: Trx, row: Insertable<HearingEventsTable>): Promise<void> {
  await trx
    .insertInto('hearing_events')
    .values({ ...row, details: JSON.stringify(row.details ?? {}) as never })
    .execute();
}

export async function eventsOf(db: Db | Trx, hearingId: string): Promise<HearingEventRow[]> {
  return db
    .selectFrom('hearing_events')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .orderBy('id')
    .execute();
}

/**
 * Scheduled hearings of a claim that a move ends: those of the stage it leaves (or all of them,
 * when the claim ends), dated after the move.
 */
export async function hearingsEndedByMove(
  trx: Trx,
  claimId: string,
  leftStage: string | null,
  after: string,
): Promise<string[]> {
  let q = trx
    .selectFrom('hearings')
    .select('id')
    .where('claim_id', '=', claimId)
    .where('status', '=', 'scheduled')
    .where('scheduled_on', '>', after);
  if (leftStage !== null) q = q.where('stage', '=', leftStage);
  return (await q.forUpdate().execute()).map((r) => r.id);
}

/** The earliest hearing still scheduled on or after `today`, per claim. */
export async function nextHearings(
  db: Db | Trx,
  claimIds: string[],
  today: string,
): Promise<Map<string, Selectable<HearingsTable>>> {
  if (claimIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('hearings')
    .selectAll()
    .distinctOn('claim_id')
    .where('claim_id', 'in', claimIds)
    .where('status', '=', 'scheduled')
    .where('scheduled_on', '>=', today)
    .orderBy('claim_id')
    .orderBy('scheduled_on')
    .orderBy('starts_at_local')
    .execute();
  return new Map(rows.map((r) => [r.claim_id, r]));
}

export interface HearingRange {
  from: string;
  to: string;
  status?: string;
  limit: number;
  /** After this (date, time, id) in the listing order. */
  after?: { date: string; time: string; id: string };
}

/** Hearings dated within the range, of claims in the scope, by date, time and id. */
export async function hearingsInScope(
  db: Db | Trx,
  scope: HearingScope,
  range: HearingRange,
): Promise<HearingRow[]> {
  if (scope.kind === 'none') return [];
  let q = selectHearings(db)
    .where('h.scheduled_on', '>=', range.from)
    .where('h.scheduled_on', '<=', range.to);
  q =
    scope.kind === 'organization'
      ? q.where('c.organization_id', '=', scope.organizationId)
      : q
          .where('c.route', '=', 'state_fund')
          .where(
            'c.fund_id',
            'in',
            sql<string>`(select f.id from funds f where f.organization_id = ${scope.organizationId})`,
          );
  if (range.status) q = q.where('h.status', '=', range.status as HearingsTable['status']);
  const timeKey = sql<string>`coalesce(h.starts_at_local, '')`;
  if (range.after) {
    const a = range.after;
    q = q.where(
      sql<boolean>`(h.scheduled_on, ${timeKey}, h.id) > (${a.date}::date, ${a.time}, ${a.id}::uuid)`,
    );
  }
  return q.orderBy('h.scheduled_on').orderBy(timeKey).orderBy('h.id').limit(range.limit).execute();
}
