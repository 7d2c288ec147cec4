import { recordAudit } from '../../audit/audit.service';
import type { AppContext } from '../../context';
import type { Actor } from '../../lib/auth';
import { assertDateOrder, notBefore } from '../../lib/date-order';
import { latestToday } from '../../lib/dates';
import { transact, type Trx } from '../../lib/db';
import { NotFoundError } from '../../lib/errors';
import { ClaimClosed, HearingNotScheduled, HearingNotYetHeld } from '../claims.errors';
import { canSeeClaim } from '../claims.access';
import { lockClaim, type ClaimRow } from '../claims.repository';
import { ENDED_STATES, defaultTimeZone, instantOf, type HearingView } from './hearings';
import { insertHearing, insertHearingEvent, lockHearing, updateHearing } from './hearings.repository';
import { freshView, hearingFor, scopeOf } from './hearings.views';

/** When and where: a day, optionally a local time in the court's zone, the forum and room. */
export interface HearingPlace {
  date: string;
  time?: string;
  timeZone?: string;
  forum?: string;
  room?: string;
}

export interface ScheduleHearingInput extends HearingPlace {
  kind: string;
  note?: string;
}

export interface RescheduleHearingInput extends HearingPlace {
  reason?: string;
}

export interface AdjournHearingInput {
  reason: string;
  newDate?: string;
  time?: string;
  timeZone?: string;
  forum?: string;
  room?: string;
}

export interface CancelHearingInput {
  reason: string;
}

export interface HearingOutcomeInput {
  outcome: string;
  notes?: string;
}

/** The stored columns of a place; a rescheduled hearing keeps its forum and room unless given. */
function placeColumns(
  claim: ClaimRow,
  p: HearingPlace,
  keep?: { forum: string | null; room: string | null },
) {
  const timeZone = p.timeZone ?? defaultTimeZone(claim.jurisdiction);
  return {
    scheduled_on: p.date,
    starts_at_local: p.time ?? null,
    time_zone: timeZone,
    starts_at: p.time ? instantOf(p.date, p.time, timeZone) : null,
    forum: p.forum ?? keep?.forum ?? claim.forum,
    room: p.room ?? keep?.room ?? null,
  };
}

const placeDetails = (c: { scheduled_on: string; starts_at_local: string | null; time_zone: string }) => ({
  date: c.scheduled_on,
  time: c.starts_at_local,
  timeZone: c.time_zone,
});

async function audit(trx: Trx, actor: Actor, action: string, id: string, requestId: string, claimId: string) {
  await recordAudit(trx, {
    actor,
    action: `hearing.${action}`,
    resourceType: 'hearing',
    resourceId: id,
    requestId,
    details: { claimId },
  });
}

export async function scheduleHearing(
  ctx: AppContext,
  actor: Actor,
  claimId: string,
  input: ScheduleHearingInput,
  requestId: string,
): Promise<HearingView> {
  return transact(ctx.db, async (trx) => {
    const claim = await lockClaim(trx, claimId);
    if (!claim || scopeOf(actor).kind === 'none' || !(await canSeeClaim(trx, actor, claim)))
      throw new NotFoundError('claim');
    if (ENDED_STATES.has(claim.status))
      throw new ClaimClosed(claim.status, 'no hearing can be scheduled on it');
    assertDateOrder([notBefore('date', input.date, 'the filing (filedOn)', claim.filed_on)]);
    const place = placeColumns(claim, input);
    const id = await insertHearing(trx, {
      claim_id: claim.id,
      kind: input.kind,
      ...place,
      status: 'scheduled',
      created_by: actor.userId,
    });
    await insertHearingEvent(trx, {
      hearing_id: id,
      action: 'scheduled',
      reason: input.note ?? null,
      details: placeDetails(place),
      recorded_by: actor.userId,
    });
    await audit(trx, actor, 'schedule', id, requestId, claim.id);
    return freshView(trx, id);
  });
}

/**
 * One step on a scheduled hearing, in a transaction with the hearing locked. A hearing that
 * was adjourned, cancelled or held cannot take another step: 409.
 */
async function step(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
  action: string,
  apply: (trx: Trx, h: Awaited<ReturnType<typeof hearingFor>>) => Promise<void>,
): Promise<HearingView> {
  return transact(ctx.db, async (trx) => {
    await hearingFor(trx, actor, id);
    await lockHearing(trx, id);
    const found = await hearingFor(trx, actor, id);
    if (found.hearing.status !== 'scheduled') throw new HearingNotScheduled(found.hearing.status);
    await apply(trx, found);
    await audit(trx, actor, action, id, requestId, found.claim.id);
    return freshView(trx, id);
  });
}

/** Same hearing, another day or time (the court moved it before it sat). */
export async function rescheduleHearing(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: RescheduleHearingInput,
  requestId: string,
): Promise<HearingView> {
  return step(ctx, actor, id, requestId, 'reschedule', async (trx, { hearing, claim }) => {
    assertDateOrder([notBefore('date', input.date, 'the filing (filedOn)', claim.filed_on)]);
    const place = placeColumns(claim, input, hearing);
    await updateHearing(trx, id, place);
    await insertHearingEvent(trx, {
      hearing_id: id,
      action: 'rescheduled',
      reason: input.reason ?? null,
      details: { ...placeDetails(place), from: hearing.scheduled_on, fromTime: hearing.starts_at_local },
      recorded_by: actor.userId,
    });
  });
}

/** The court sat and put the matter off: this hearing is adjourned, to a new one when dated. */
export async function adjournHearing(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: AdjournHearingInput,
  requestId: string,
): Promise<HearingView & { next: HearingView | null }> {
  let nextId: string | null = null;
  const view = await step(ctx, actor, id, requestId, 'adjourn', async (trx, { hearing, claim }) => {
    if (input.newDate) {
      assertDateOrder([
        notBefore('newDate', input.newDate, 'the adjourned hearing (date)', hearing.scheduled_on),
      ]);
      const place = placeColumns(
        claim,
        {
          date: input.newDate,
          time: input.time,
          timeZone: input.timeZone ?? hearing.time_zone,
          forum: input.forum,
          room: input.room,
        },
        hearing,
      );
      nextId = await insertHearing(trx, {
        claim_id: claim.id,
        kind: hearing.kind,
        ...place,
        status: 'scheduled',
        stage: hearing.stage,
        created_by: actor.userId,
      });
      await insertHearingEvent(trx, {
        hearing_id: nextId,
        action: 'scheduled',
        reason: input.reason,
        details: { ...placeDetails(place), adjournedFrom: id },
        recorded_by: actor.userId,
      });
    }
    await updateHearing(trx, id, { status: 'adjourned', adjourned_to: nextId });
    await insertHearingEvent(trx, {
      hearing_id: id,
      action: 'adjourned',
      reason: input.reason,
      details: { adjournedTo: nextId, newDate: input.newDate ?? null },
      recorded_by: actor.userId,
    });
  });
  return { ...view, next: nextId ? await freshView(ctx.db, nextId) : null };
}

export async function cancelHearing(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: CancelHearingInput,
  requestId: string,
): Promise<HearingView> {
  return step(ctx, actor, id, requestId, 'cancel', async (trx) => {
    await updateHearing(trx, id, { status: 'cancelled' });
    await insertHearingEvent(trx, {
      hearing_id: id,
      action: 'cancelled',
      reason: input.reason,
      recorded_by: actor.userId,
    });
  });
}

/** The hearing took place; what came of it. The claim's stage moves only by its own transition. */
export async function recordHearingOutcome(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: HearingOutcomeInput,
  requestId: string,
): Promise<HearingView> {
  return step(ctx, actor, id, requestId, 'outcome', async (trx, { hearing }) => {
    if (hearing.scheduled_on > latestToday()) throw new HearingNotYetHeld(hearing.scheduled_on);
    await updateHearing(trx, id, {
      status: 'held',
      outcome: input.outcome,
      outcome_notes: input.notes ?? null,
    });
    await insertHearingEvent(trx, {
      hearing_id: id,
      action: 'held',
      reason: null,
      details: { outcome: input.outcome },
      recorded_by: actor.userId,
    });
  });
}
