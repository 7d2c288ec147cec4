import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { enqueueOutbox } from '../lib/outbox';
import { refreshDeadlines } from './claim-deadlines';
import { refreshWitness } from './witness';
import { headRowToAmounts } from './claims.access';
import { awardFullyReceived } from './claims';
import {
  headsOf,
  historyOf,
  insertTransition,
  lockClaim,
  setStatus,
  type ClaimRow,
} from './claims.repository';
import { maxDate, todayUtc } from '../lib/dates';
import { ROUTE_MACHINES, transitionsFrom, type Route } from './route-machines';

/*
 * Claim states follow the money. Whatever records money on a claim (a payment received, a
 * State-fund disbursement marked paid, an advance applied at a decision, an award that money
 * received before it already covers) calls `followMoney` last, in the same transaction:
 *
 * - a claim whose award is now fully received moves to its route's paid state by itself, when
 *   its state machine has such a move from where it is (not from `appeal` or `review`: a
 *   decision under challenge is not final); the history entry says `by: "system"`;
 * - a claim in its paid state whose award is no longer fully received (a payment record was
 *   voided) moves back, by the system, to the state it was paid from, with that state's own
 *   start date, so an appeal window or other clock is not restarted by the correction. A claim
 *   already `closed` stays closed: closing is a person's decision, and its figures show the gap.
 */

/** The states a `fully_paid` move leads to on this route (`paid` on every route today). */
function paidStates(route: Route): Set<string> {
  return new Set(
    ROUTE_MACHINES[route].transitions.filter((t) => t.requires.includes('fully_paid')).map((t) => t.to),
  );
}

async function move(
  trx: Trx,
  ctx: AppContext,
  actor: Actor,
  claim: ClaimRow,
  m: { to: string; occurredOn: string; since: string; note: string; requestId: string },
): Promise<ClaimRow> {
  await insertTransition(trx, {
    claim_id: claim.id,
    from_status: claim.status,
    to_status: m.to,
    occurred_on: m.occurredOn,
    recorded_by: null,
    by_system: true,
    note: m.note,
    award: null,
  });
  const updated = await setStatus(trx, claim.id, m.to, m.since);
  await enqueueOutbox(trx, 'claim.status_changed', { claimId: claim.id, status: m.to });
  await refreshDeadlines(trx, ctx.cipher, updated);
  if (claim.route === 'criminal') await refreshWitness(trx, claim.victim_id, actor.userId);
  // The person whose request moved the money is the one accountable for its consequence.
  await recordAudit(trx, {
    actor,
    action: 'claim.transition',
    resourceType: 'claim',
    resourceId: claim.id,
    requestId: m.requestId,
    details: { from: claim.status, to: m.to, bySystem: true },
  });
  return updated;
}

/**
 * Moves the (locked) claim to or from its paid state as its money now requires; returns the
 * claim as it stands. `on` is the day the money that may complete the award arrived.
 */
export async function followMoney(
  trx: Trx,
  ctx: AppContext,
  actor: Actor,
  claimId: string,
  p: { on: string; requestId: string },
): Promise<ClaimRow> {
  const claim = (await lockClaim(trx, claimId))!;
  const route = claim.route as Route;
  const full = awardFullyReceived((await headsOf(trx, [claimId])).map(headRowToAmounts));
  const toPaid = transitionsFrom(route, claim.status).find((t) => t.requires.includes('fully_paid'));
  if (full && toPaid) {
    const on = maxDate(p.on, claim.status_since);
    return move(trx, ctx, actor, claim, {
      to: toPaid.to,
      occurredOn: on,
      since: on,
      note: 'The award is fully paid.',
      requestId: p.requestId,
    });
  }
  if (!full && paidStates(route).has(claim.status)) {
    const newestFirst = (await historyOf(trx, claimId)).reverse();
    const at = newestFirst.findIndex((h) => h.to_status === claim.status && h.from_status !== null);
    const back = newestFirst[at]?.from_status;
    if (!back) return claim;
    const since =
      newestFirst.slice(at + 1).find((h) => h.to_status === back)?.occurred_on ?? claim.status_since;
    return move(trx, ctx, actor, claim, {
      to: back,
      occurredOn: maxDate(todayUtc(), claim.status_since),
      since,
      note: 'A payment record was voided: the award is no longer fully paid.',
      requestId: p.requestId,
    });
  }
  return claim;
}
