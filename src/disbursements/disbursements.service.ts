import type { AppContext } from '../context';
import { commitAward, lockClaimForMoney, settleAwardPayment } from '../claims/commitments.service';
import { followMoney } from '../claims/paid-state.service';
import { awardPotCode } from '../funds/funds';
import { fundInReach } from '../funds/funds.service';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import { postReservation, voidReservation } from '../ledger/ledger.service';
import { assertDateOrder, notBefore, type DateRule } from '../lib/date-order';
import { earliestDateOf, latestToday } from '../lib/dates';
import { transact, type Trx } from '../lib/db';
import { ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { AlreadyApproved, TransitionNotAllowed } from './disbursements.errors';
import { enqueueOutbox } from '../lib/outbox';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import type { Call } from '../lib/route';
import { approvalsRequired, canMove, type Status } from './disbursements';
import {
  approvalsOf,
  insertApproval,
  loadPolicy,
  lockDisbursement,
  updateDisbursement,
  type DisbursementRow,
} from './disbursements.repository';
import { reserveMoney } from './disbursements.reserve';
import { drawnFrom, drawsFromForecast } from './disbursements.draws';
import { dryRun } from '../lib/preview';
import { viewOf } from './disbursements.views';
import { auditDisbursement } from './disbursements.audit';

/** A disbursement's later steps: approval (maker-checker, two-phase money), paid, closed unpaid. */

/** The disbursement, locked, if its fund is the caller's to manage; else 404. */
async function lockInReach(ctx: AppContext, trx: Trx, call: Call, id: string) {
  const row = await lockDisbursement(trx, id);
  if (!row) throw new NotFoundError('disbursement');
  const fund = await fundInReach(ctx.db, trx, call.actor, row.fund_id, true).catch(() => {
    throw new NotFoundError('disbursement');
  });
  return { row, fund };
}

/** Money is paid after it was asked for and approved. */
function paidOnRules(row: DisbursementRow, paidOn: string): DateRule[] {
  return [
    notBefore('paidOn', paidOn, 'the request', earliestDateOf(row.requested_at)),
    notBefore('paidOn', paidOn, 'the approval', row.approved_at && earliestDateOf(row.approved_at)),
  ];
}

function refuseMove(row: DisbursementRow, to: Status): void {
  if (!canMove(row.status, to)) throw new TransitionNotAllowed(row.status, to);
}

/**
 * Approves; when the last required approval arrives the money is reserved in the first pot
 * (in the fund's order) that may pay the purpose for this victim and covers the amount.
 * Maker-checker: never the requester, and a second approval must come from someone else again.
 * The answer says which pots it draws from (`drawsFrom`); `preview` answers the same after a
 * dry run that changes nothing (no approval, reservation, audit event or idempotency record).
 */
export async function approveDisbursement(
  ctx: AppContext,
  call: Call,
  id: string,
  preview = false,
): Promise<IdempotentResult> {
  if (preview) {
    const result = await withLedgerErrors(() => dryRun(ctx.db, (trx) => approveIn(ctx, trx, call, id)));
    return { status: 200, body: { ...result.body, preview: true }, replayed: false };
  }
  return withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/disbursements/:id/approve', (trx) => approveIn(ctx, trx, call, id)),
  );
}

async function approveIn(ctx: AppContext, trx: Trx, call: Call, id: string) {
  const { row, fund } = await lockInReach(ctx, trx, call, id);
  refuseMove(row, 'approved');
  if (row.requested_by === call.actor.userId)
    throw new ForbiddenError(
      'The requester of a disbursement may not approve it; another fund administrator must.',
    );
  const approvals = await approvalsOf(trx, [row.id]);
  if (approvals.some((a) => a.approver_id === call.actor.userId)) throw new AlreadyApproved();
  await insertApproval(trx, row.id, call.actor.userId);
  // A threshold lowered after the request applies too; one raised never weakens the check.
  const policy = await loadPolicy(trx, fund.id);
  const required = Math.max(
    row.approvals_required,
    approvalsRequired(BigInt(row.amount), policy.thresholds.get(row.currency)),
  );
  if (approvals.length + 1 < required) {
    const pending =
      required === row.approvals_required
        ? row
        : await updateDisbursement(trx, row.id, { approvals_required: required });
    await auditDisbursement(trx, call, 'disbursement.approve', pending, {
      approvals: approvals.length + 1,
    });
    const draws = await drawsFromForecast(trx, ctx.db, fund, policy, pending);
    return { status: 200, body: { ...(await viewOf(trx, pending)), ...draws } };
  }
  const { pot, reservationId } = await reserveMoney(trx, ctx.db, fund, policy, row, call.actor.userId);
  const updated = await updateDisbursement(
    trx,
    row.id,
    { status: 'approved', pot_code: pot, reservation_id: reservationId },
    'approved_at',
  );
  await auditDisbursement(trx, call, 'disbursement.approve', updated, {
    approvals: approvals.length + 1,
    pot,
  });
  return { status: 200, body: { ...(await viewOf(trx, updated)), ...drawnFrom(updated) } };
}

export async function markPaid(
  ctx: AppContext,
  call: Call,
  id: string,
  body: { paidOn: string; externalReference?: string },
): Promise<IdempotentResult> {
  // Confirms what happened; a payment dated in the future has not happened yet (today anywhere).
  if (body.paidOn > latestToday())
    throw new ValidationError([{ path: 'paidOn', message: 'must not be in the future' }]);
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/disbursements/:id/paid', async (trx) => {
      const { row } = await lockInReach(ctx, trx, call, id);
      refuseMove(row, 'paid');
      assertDateOrder(paidOnRules(row, body.paidOn));
      // Paying the award (or putting it in trust) settles it on the claim: received goes up as
      // the committed pot goes down, so the commitment stays what the award still owes. An
      // interim payment on a State-fund claim is an advance on its award.
      const award = row.claim_id !== null && row.pot_code === awardPotCode(row.claim_id);
      const advance = row.claim_id !== null && row.purpose === 'interim_assistance';
      const claim = award || advance ? await lockClaimForMoney(trx, row.claim_id!) : null;
      if (award)
        await settleAwardPayment(trx, call.actor, claim!, {
          amount: BigInt(row.amount),
          currency: row.currency,
          paidOn: body.paidOn,
          note: `${row.hold_in_trust ? 'Held in trust' : 'Paid'}: disbursement ${row.payment_reference}`,
          disbursementId: row.id,
          heldInTrust: row.hold_in_trust,
        });
      const entryId = await postReservation(trx, row.reservation_id!, {
        description: `Disbursement ${row.payment_reference} (${row.purpose})`,
        effectiveOn: body.paidOn,
        createdBy: call.actor.userId,
        metadata: { disbursementId: row.id },
      });
      const updated = await updateDisbursement(
        trx,
        row.id,
        {
          status: 'paid',
          entry_id: entryId,
          paid_on: body.paidOn,
          external_reference: body.externalReference ?? null,
          resolved_by: call.actor.userId,
        },
        'resolved_at',
      );
      if (advance) await commitAward(trx, ctx, call.actor, claim!, call.requestId);
      // A fully paid award moves the claim to its paid state.
      if (claim)
        await followMoney(trx, ctx, call.actor, claim.id, { on: body.paidOn, requestId: call.requestId });
      await auditDisbursement(trx, call, 'disbursement.paid', updated, { entryId });
      // Money put in trust has not reached the victim yet: nothing to tell them.
      if (!row.hold_in_trust)
        await enqueueOutbox(trx, 'victim.payment_made', { victimId: row.victim_id, disbursementId: row.id });
      return { status: 200, body: await viewOf(trx, updated) };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  ctx.outbox.kick();
  return result;
}

/** `failed` (the payment did not go through) or `rejected`: any reservation is released. */
export async function closeUnpaid(
  ctx: AppContext,
  call: Call,
  id: string,
  to: 'failed' | 'rejected',
  reason: string,
) {
  const view = await withLedgerErrors(() =>
    transact(ctx.db, async (trx) => {
      const { row } = await lockInReach(ctx, trx, call, id);
      refuseMove(row, to);
      if (row.status === 'approved') await voidReservation(trx, row.reservation_id!);
      const updated = await updateDisbursement(
        trx,
        row.id,
        { status: to, resolved_by: call.actor.userId, resolution_reason: reason },
        'resolved_at',
      );
      await auditDisbursement(trx, call, `disbursement.${to === 'failed' ? 'fail' : 'reject'}`, updated);
      if (to === 'failed') await enqueueOutbox(trx, 'disbursement.payout_failed', { disbursementId: row.id });
      return viewOf(trx, updated);
    }),
  );
  ctx.outbox.kick();
  return view;
}
