import type { Trx } from '../../lib/db';
import type { ClaimRow } from '../claims.repository';
import { ENDED_STATES, HEARING_KINDS, defaultTimeZone } from './hearings';
import { hearingsEndedByMove, insertHearing, insertHearingEvent, updateHearing } from './hearings.repository';

export interface ClaimMove {
  from: string;
  to: string;
  occurredOn: string;
  /** The date of the hearing the new stage leads to, when the move carries one. */
  hearingOn?: string;
  transitionId: string;
  by: string;
}

/**
 * What a claim's move does to its hearings, in the move's transaction. A hearing the move gave
 * a date to (`hearingOn`) becomes a hearing record of that stage. Scheduled hearings the move
 * makes moot are cancelled by the system, saying why: those of the stage it leaves (a hearing
 * move's own date), or every one when the claim ends, in each case only those dated after the
 * move; one dated on or before it keeps 'scheduled' until its outcome is recorded.
 */
export async function followClaimMove(trx: Trx, claim: ClaimRow, move: ClaimMove): Promise<void> {
  const leftStage = ENDED_STATES.has(move.to) ? null : move.from;
  const moot =
    move.from === move.to ? [] : await hearingsEndedByMove(trx, claim.id, leftStage, move.occurredOn);
  for (const id of moot) {
    await updateHearing(trx, id, { status: 'cancelled' });
    await insertHearingEvent(trx, {
      hearing_id: id,
      action: 'cancelled',
      reason: `The claim moved from ${move.from} to ${move.to} on ${move.occurredOn}, before the hearing.`,
      details: { claimMovedTo: move.to, transitionId: move.transitionId },
      recorded_by: null,
      by_system: true,
    });
  }
  if (!move.hearingOn) return;
  const id = await insertHearing(trx, {
    claim_id: claim.id,
    kind: (HEARING_KINDS as readonly string[]).includes(move.to) ? move.to : 'other',
    scheduled_on: move.hearingOn,
    time_zone: defaultTimeZone(claim.jurisdiction),
    forum: claim.forum,
    status: 'scheduled',
    stage: move.to,
    transition_id: move.transitionId,
    created_by: move.by,
  });
  await insertHearingEvent(trx, {
    hearing_id: id,
    action: 'scheduled',
    details: {
      date: move.hearingOn,
      time: null,
      timeZone: defaultTimeZone(claim.jurisdiction),
      transitionId: move.transitionId,
    },
    recorded_by: move.by,
  });
}
