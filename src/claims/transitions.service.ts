import type { TransitionView } from './claim-view';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import type { Actor } from '../lib/auth';
import { transact, type Trx } from '../lib/db';
import { dryRun } from '../lib/preview';
import { ForbiddenError, ValidationError, type FieldError } from '../lib/errors';
import { AwardBelowReceived, AwardOutstanding, TransitionNotAllowed } from './claims.errors';
import { assertDateOrder, notBefore, type DateRule } from '../lib/date-order';
import { enqueueOutbox } from '../lib/outbox';
import { formatMoney, parseMoney } from '../lib/money';
import { lockVictim } from '../victims/victims.repository';
import { refreshDeadlines } from './claim-deadlines';
import { refreshWitness } from './witness';
import { claimFor, headRowToAmounts } from './claims.access';
import type { AwardRecord } from './claims.table';
import { claimResponse } from './claims.service';
import { commitAward } from './commitments.service';
import { followMoney } from './paid-state.service';
import {
  headsOf,
  insertTransition,
  lockClaim,
  setHeadAward,
  setStatus,
  type ClaimRow,
} from './claims.repository';
import { decisionOffset } from './compensation';
import { HEARING_STAGES } from './hearings/hearings';
import { followClaimMove } from './hearings/hearings.moves';
import { loadVictimMoney } from './compensation.service';
import { maxDate, todayUtc } from '../lib/dates';
import {
  allowedTargets,
  findTransition,
  stateRule,
  statesOf,
  type Route,
  type TransitionRule,
} from './route-machines';

export interface TransitionInput {
  to: string;
  note?: string;
  occurredOn?: string;
  /** The scheduled day of the hearing that this stage leads to; its assignee is reminded. */
  hearingOn?: string;
  award?: { currency?: string; heads: Array<{ head: string; amount: string }> };
  /** A State-fund decision: the fund pot the award is committed from (default: the pot order). */
  pot?: string;
  /** Answering a request for information: the claim's documents sent with the answer. */
  documentIds?: string[];
}

function checkRequirements(claim: ClaimRow, t: TransitionRule, input: TransitionInput, claimed: Set<string>) {
  const errors: FieldError[] = [];
  const award = new Map<string, bigint>();
  if (t.requires.includes('award')) {
    if (!input.award)
      errors.push({ path: 'award', message: `moving to '${t.to}' needs an award breakdown by head` });
    if (input.award?.currency && input.award.currency !== claim.currency)
      errors.push({ path: 'award.currency', message: `the claim is in ${claim.currency}` });
    input.award?.heads.forEach((h, i) => {
      if (!claimed.has(h.head))
        errors.push({ path: `award.heads[${i}].head`, message: `'${h.head}' was not claimed on this claim` });
      try {
        const minor = parseMoney(h.amount, claim.currency);
        if (minor < 0n) errors.push({ path: `award.heads[${i}].amount`, message: 'must not be negative' });
        award.set(h.head, minor);
      } catch (err) {
        errors.push({ path: `award.heads[${i}].amount`, message: (err as Error).message });
      }
    });
  } else if (input.award) {
    errors.push({ path: 'award', message: `moving to '${t.to}' takes no award` });
  }
  if (input.pot !== undefined && (claim.route !== 'state_fund' || !t.requires.includes('award')))
    errors.push({
      path: 'pot',
      message: 'only a State-fund decision with an award names the pot it is paid from',
    });
  if (t.requires.includes('reason') && !input.note?.trim())
    errors.push({ path: 'note', message: `moving to '${t.to}' needs a reason in note` });
  if (input.documentIds && t.from !== 'info_requested')
    errors.push({
      path: 'documentIds',
      message:
        'documents are sent with the answer to a request for information (a move out of info_requested)',
    });
  if (input.hearingOn && !HEARING_STAGES.has(t.to))
    errors.push({
      path: 'hearingOn',
      message: `a hearing date is recorded only on a move to ${[...HEARING_STAGES].join(', ')}`,
    });
  if (errors.length > 0) throw new ValidationError(errors);
  assertDateOrder(transitionDateRules(claim, input));
  return award;
}

/** A move happens after the filing and after the move before it; its hearing after the move. */
function transitionDateRules(claim: ClaimRow, input: TransitionInput): DateRule[] {
  return [
    notBefore('occurredOn', input.occurredOn, 'the filing (filedOn)', claim.filed_on),
    notBefore(
      'occurredOn',
      input.occurredOn,
      `the current status '${claim.status}' began`,
      claim.status_since,
    ),
    notBefore(
      'hearingOn',
      input.hearingOn,
      'the stage begins (occurredOn)',
      input.occurredOn ?? maxDate(todayUtc(), claim.status_since),
    ),
  ];
}

/** Applies an award (or its removal) to every head; returns what the history keeps. */
async function applyOutcome(
  trx: Trx,
  claim: ClaimRow,
  outcome: 'award' | 'no_award',
  award: Map<string, bigint>,
): Promise<AwardRecord> {
  const heads = (await headsOf(trx, [claim.id])).map(headRowToAmounts);
  const money =
    outcome === 'award' && claim.route === 'state_fund' ? await loadVictimMoney(trx, claim.victim_id) : null;
  const record: AwardRecord = { heads: [] };
  for (const h of heads) {
    const amount = outcome === 'award' ? (award.get(h.head) ?? 0n) : 0n;
    const offset = money
      ? decisionOffset(
          amount,
          { id: claim.id, currency: claim.currency },
          h.head,
          money.claims,
          money.payments,
        )
      : 0n;
    const awarded = amount - offset;
    if (awarded < h.received)
      throw new AwardBelowReceived(
        `${formatMoney(h.received, claim.currency)} was already received for ${h.head}; the award cannot be less.`,
      );
    await setHeadAward(trx, claim.id, h.head, { decided: money ? amount : null, offset, awarded });
    const f = (n: bigint) => formatMoney(n, claim.currency);
    record.heads.push({ head: h.head, decided: f(amount), offset: f(offset), awarded: f(awarded) });
  }
  return record;
}

async function checkFullyPaid(trx: Trx, claim: ClaimRow): Promise<void> {
  const heads = (await headsOf(trx, [claim.id])).map(headRowToAmounts);
  const awarded = heads.reduce((a, h) => a + h.awarded, 0n);
  const short = heads.reduce((a, h) => a + (h.awarded > h.received ? h.awarded - h.received : 0n), 0n);
  if (awarded === 0n || short > 0n)
    throw new AwardOutstanding(
      awarded === 0n
        ? 'Nothing was awarded, so the claim cannot be paid.'
        : `${formatMoney(short, claim.currency)} of the award is still outstanding; record the payments first.`,
    );
}

/**
 * Moves the claim. A State-fund claim's answer says which pots its commitment drew from
 * (`drawsFrom`) or gave back to (`returnedTo`); `preview` answers the same after a dry run that
 * changes nothing.
 */
export async function transitionClaim(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: TransitionInput,
  requestId: string,
  preview = false,
): Promise<TransitionView> {
  const found = await claimFor(ctx.db, actor, id);
  const route = found.route as Route;
  if (!stateRule(route, input.to))
    throw new ValidationError([
      { path: 'to', message: `must be a ${route} state: ${statesOf(route).join(', ')}` },
    ]);
  const response = await (preview ? dryRun : transact)(ctx.db, async (trx) => {
    // Victim before claim, everywhere: one lock order, no deadlocks.
    await lockVictim(trx, found.victim_id);
    const claim = (await lockClaim(trx, id))!;
    const t = findTransition(route, claim.status, input.to);
    if (!t) {
      const allowed = allowedTargets(route, claim.status);
      throw new TransitionNotAllowed(
        `A ${route} claim in '${claim.status}' cannot move to '${input.to}'. Allowed: ${allowed.length ? allowed.join(', ') : 'none (closed)'}.`,
        allowed,
      );
    }
    if (!t.by.includes(actor.role))
      throw new ForbiddenError(`Only ${t.by.join(' or ')} may record '${t.to}' on a ${route} claim.`);
    const claimed = new Set((await headsOf(trx, [id])).map((h) => h.head));
    const award = checkRequirements(claim, t, input, claimed);
    const outcome = stateRule(route, t.to)!.outcome;
    const record = outcome ? await applyOutcome(trx, claim, outcome, award) : null;
    if (t.requires.includes('fully_paid')) await checkFullyPaid(trx, claim);
    const occurredOn = input.occurredOn ?? maxDate(todayUtc(), claim.status_since);
    const transitionId = await insertTransition(trx, {
      claim_id: id,
      from_status: claim.status,
      to_status: t.to,
      occurred_on: occurredOn,
      recorded_by: actor.userId,
      note: input.note?.trim() || null,
      award: record && outcome === 'award' ? JSON.stringify(record) : null,
      hearing_on: input.hearingOn ?? null,
    });
    await followClaimMove(trx, claim, {
      from: claim.status,
      to: t.to,
      occurredOn,
      hearingOn: input.hearingOn,
      transitionId,
      by: actor.userId,
    });
    if (input.documentIds) await ctx.infoAnswers.send(trx, id, transitionId, input.documentIds);
    const updated = await setStatus(trx, id, t.to, occurredOn);
    const moves =
      route === 'state_fund'
        ? await commitAward(trx, ctx, actor, updated, requestId, { pot: input.pot })
        : null;
    await enqueueOutbox(trx, 'claim.status_changed', { claimId: id, status: t.to });
    const deadlines = await refreshDeadlines(trx, ctx.cipher, updated);
    if (route === 'criminal') await refreshWitness(trx, claim.victim_id, actor.userId);
    await recordAudit(trx, {
      actor,
      action: 'claim.transition',
      resourceType: 'claim',
      resourceId: id,
      requestId,
      details: { from: claim.status, to: t.to },
    });
    // An award that money received before it already covers is paid at once.
    const final = await followMoney(trx, ctx, actor, id, { on: occurredOn, requestId });
    const body = await claimResponse(trx, actor, final, final.status === t.to ? deadlines : undefined);
    if (!moves) return body;
    const f = (m: { pot: string; amount: bigint }) => ({
      pot: m.pot,
      amount: formatMoney(m.amount, claim.currency),
    });
    return { ...body, drawsFrom: moves.drawsFrom.map(f), returnedTo: moves.returnedTo.map(f) };
  });
  if (preview) return { ...response, preview: true };
  ctx.outbox.kick();
  if (route === 'state_fund') kickLedgerSealer(ctx.db, ctx.logger); // commitments post entries
  return response;
}
