import type { Selectable } from 'kysely';
import type { Actor } from '../../lib/auth';
import type { Db, Trx } from '../../lib/db';
import { NotFoundError } from '../../lib/errors';
import { canSeeClaim } from '../claims.access';
import { findClaim, type ClaimRow } from '../claims.repository';
import type { HearingEventView, HearingView, NextHearing } from './hearings';
import {
  eventsOf,
  findHearing,
  nextHearings,
  type HearingEventRow,
  type HearingRow,
  type HearingScope,
} from './hearings.repository';
import type { HearingsTable } from './hearings.table';

/** Hearings are seen by whoever sees their claim, auditors aside (no case calendar for them). */
export function scopeOf(actor: Actor): HearingScope {
  if (!actor.organizationId) return { kind: 'none' };
  if (actor.role === 'legal_aid') return { kind: 'organization', organizationId: actor.organizationId };
  if (actor.role === 'fund_admin') return { kind: 'fund_agency', organizationId: actor.organizationId };
  return { kind: 'none' };
}

/** The hearing and its claim, or the 404 of a hearing that does not exist. */
export async function hearingFor(
  db: Db | Trx,
  actor: Actor,
  id: string,
): Promise<{ hearing: HearingRow; claim: ClaimRow }> {
  const hearing = await findHearing(db, id);
  const claim = hearing && (await findClaim(db, hearing.claim_id));
  if (!hearing || !claim || scopeOf(actor).kind === 'none' || !(await canSeeClaim(db, actor, claim)))
    throw new NotFoundError('hearing');
  return { hearing, claim };
}

function eventView(e: HearingEventRow): HearingEventView {
  return {
    action: e.action,
    at: e.recorded_at.toISOString(),
    by: e.by_system ? 'system' : e.recorded_by!,
    reason: e.reason,
    details: e.details,
  };
}

export function hearingView(row: HearingRow, events?: HearingEventRow[]): HearingView {
  return {
    id: row.id,
    claimId: row.claim_id,
    claimReference: row.claim_reference,
    kind: row.kind,
    date: row.scheduled_on,
    time: row.starts_at_local,
    timeZone: row.time_zone,
    startsAt: row.starts_at ? row.starts_at.toISOString() : null,
    forum: row.forum,
    room: row.room,
    status: row.status,
    outcome: row.outcome,
    outcomeNotes: row.outcome_notes,
    adjournedTo: row.adjourned_to,
    adjournedFrom: row.adjourned_from,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(events ? { history: events.map(eventView) } : {}),
  };
}

/** The hearing as read back after a change, with its history. */
export async function freshView(db: Db | Trx, id: string): Promise<HearingView> {
  const [row, events] = await Promise.all([findHearing(db, id), eventsOf(db, id)]);
  return hearingView(row!, events);
}

function nextView(row: Selectable<HearingsTable>): NextHearing {
  return {
    id: row.id,
    kind: row.kind,
    date: row.scheduled_on,
    time: row.starts_at_local,
    timeZone: row.time_zone,
    startsAt: row.starts_at ? row.starts_at.toISOString() : null,
    forum: row.forum,
    room: row.room,
  };
}

/** Each claim's next hearing (scheduled, today or later), or null. */
export async function nextHearingOf(
  db: Db | Trx,
  claimIds: string[],
  today: string,
): Promise<Map<string, NextHearing | null>> {
  const found = await nextHearings(db, claimIds, today);
  return new Map(claimIds.map((id) => [id, found.has(id) ? nextView(found.get(id)!) : null]));
}
