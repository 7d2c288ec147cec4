import { recordAudit } from '../audit/audit.service';
import { claimFor } from '../claims/claims.access';
import type { AppContext } from '../context';
import { commitAward, lockClaimForMoney, settleAwardPayment } from '../claims/commitments.service';
import { awardPotCode, type Fund } from '../funds/funds';
import { fundWithPots } from '../funds/funds.repository';
import { fundInReach, heldCurrency, potOf } from '../funds/funds.service';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import { postReservation, voidReservation } from '../ledger/ledger.service';
import { transact, type Trx } from '../lib/db';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import { enqueueOutbox } from '../lib/outbox';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import { parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { victimAccess } from '../victims/victims.service';
import {
  approvalsRequired,
  canMove,
  candidatePots,
  convertPayout,
  dedicatedPot,
  newPaymentReference,
  PAYEE_REQUIRED,
  type Channel,
  type Payout,
  type Status,
} from './disbursements';
import {
  approvalsOf,
  insertApproval,
  insertDisbursement,
  loadPolicy,
  lockDisbursement,
  updateDisbursement,
  type DisbursementRow,
} from './disbursements.repository';
import { reserveMoney } from './disbursements.reserve';
import { PAYEE_FIELD, viewOf } from './disbursements.views';

export interface RequestBody {
  fundId: string;
  victimId: string;
  claimId?: string;
  purpose: string;
  amount: string;
  currency: string;
  pot?: string;
  rationale: string;
  channel: Channel;
  payee?: Record<string, unknown>;
  holdInTrust?: boolean;
  payout?: { currency: string; rate: string; rateSource: string; rateDate: string; fees?: string };
}

export async function requestDisbursement(
  ctx: AppContext,
  call: Call,
  body: RequestBody,
): Promise<IdempotentResult> {
  if (PAYEE_REQUIRED.has(body.channel) && !body.payee && !body.holdInTrust)
    throw new ValidationError([{ path: 'payee', message: `payee is required for ${body.channel}` }]);
  const result = await idempotent(ctx.db, call, 'POST /v1/disbursements', async (trx) => {
    const fund = await fundWithPots(
      trx,
      ctx.db,
      await fundInReach(ctx.db, trx, call.actor, body.fundId, true),
      [body.pot, body.claimId && awardPotCode(body.claimId)].filter((c) => typeof c === 'string'),
    );
    heldCurrency(fund, body.currency);
    const { row: victim } = await victimAccess(trx, call.actor, body.victimId);
    if (body.holdInTrust && !victim.is_child)
      throw new ValidationError([
        { path: 'holdInTrust', message: "only a child's award is held in trust; pay an adult directly" },
      ]);
    if (body.claimId) {
      const claim = await claimFor(trx, call.actor, body.claimId);
      if (claim.victim_id !== body.victimId || claim.fund_id !== body.fundId)
        throw new ValidationError([
          { path: 'claimId', message: "the claim is not this victim's claim on this fund" },
        ]);
    }
    const dedicated = dedicatedPot(fund.pots, {
      victimId: body.victimId,
      claimId: body.claimId ?? null,
      purpose: body.purpose,
      requestedPot: body.pot ?? null,
      holdInTrust: body.holdInTrust ?? false,
    });
    if (dedicated && 'refusal' in dedicated) refuseDedicated(dedicated);
    if (body.pot !== undefined && !dedicated) {
      const pot = potOf(fund, body.pot);
      if (candidatePots(fund.pots, body.purpose, [], pot.code).length === 0)
        throw new ValidationError([
          { path: 'pot', message: `pot "${pot.code}" may not pay for "${body.purpose}"` },
        ]);
    }
    const amount = parseMoney(body.amount, body.currency);
    const payout = body.payout ? payoutOf(fund, amount, body) : null;
    const policy = await loadPolicy(trx, fund.id);
    const row = await insertDisbursement(trx, {
      fundId: fund.id,
      victimId: body.victimId,
      claimId: body.claimId ?? null,
      purpose: body.purpose,
      amount,
      currency: body.currency,
      requestedPot: body.pot ?? null,
      rationale: body.rationale,
      channel: body.channel,
      payeeEnc: body.payee ? ctx.cipher.encrypt(PAYEE_FIELD, JSON.stringify(body.payee)) : null,
      paymentReference: newPaymentReference(),
      approvalsRequired: approvalsRequired(amount, policy.thresholds.get(body.currency)),
      requestedBy: call.actor.userId,
      holdInTrust: body.holdInTrust ?? false,
      payout,
    });
    await audit(trx, call, 'disbursement.request', row, { channel: body.channel });
    // The other fund administrators are told a request waits for their approval.
    await enqueueOutbox(trx, 'disbursement.awaiting_approval', { disbursementId: row.id });
    return { status: 201, body: await viewOf(trx, row) };
  });
  ctx.outbox.kick();
  return result;
}

function payoutOf(fund: Fund, amount: bigint, body: RequestBody): Payout {
  if (body.holdInTrust)
    throw new ValidationError([{ path: 'payout', message: 'money put in trust is not paid out' }]);
  const converted = convertPayout(amount, body.currency, body.payout!, new Date().toISOString().slice(0, 10));
  if ('path' in converted) throw new ValidationError([converted]);
  heldCurrency(fund, converted.payout.currency, 'payout.currency');
  return converted.payout;
}

/** Nothing committed to pay from is a state of the claim (409); a wrong pot is bad input (400). */
export function refuseDedicated(d: { refusal: string; path: string }): never {
  if (d.path === 'claimId') throw new ConflictError(`Nothing can be paid on this award: ${d.refusal}.`);
  throw new ValidationError([{ path: d.path, message: d.refusal }]);
}

async function audit(
  trx: Trx,
  call: Call,
  action: string,
  row: DisbursementRow,
  extra: Record<string, unknown> = {},
) {
  await recordAudit(trx, {
    actor: call.actor,
    action,
    resourceType: 'disbursement',
    resourceId: row.id,
    requestId: call.requestId,
    details: {
      fundId: row.fund_id,
      purpose: row.purpose,
      currency: row.currency,
      status: row.status,
      ...extra,
    },
  });
}

/** The disbursement, locked, if its fund is the caller's to manage; else 404. */
async function lockInReach(ctx: AppContext, trx: Trx, call: Call, id: string) {
  const row = await lockDisbursement(trx, id);
  if (!row) throw new NotFoundError('disbursement');
  const fund = await fundInReach(ctx.db, trx, call.actor, row.fund_id, true).catch(() => {
    throw new NotFoundError('disbursement');
  });
  return { row, fund };
}

function refuseMove(row: DisbursementRow, to: Status): void {
  if (!canMove(row.status, to))
    throw new ConflictError(`The disbursement is ${row.status}; it cannot become ${to}.`, {
      status: row.status,
    });
}

/**
 * Approves; when the last required approval arrives the money is reserved in the first pot
 * (in the fund's order) that allows the purpose and covers the amount. Maker-checker: never the
 * requester, and a second approval must come from someone else again.
 */
export async function approveDisbursement(
  ctx: AppContext,
  call: Call,
  id: string,
): Promise<IdempotentResult> {
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/disbursements/:id/approve', async (trx) => {
      const { row, fund } = await lockInReach(ctx, trx, call, id);
      refuseMove(row, 'approved');
      if (row.requested_by === call.actor.userId)
        throw new ForbiddenError(
          'The requester of a disbursement may not approve it; another fund administrator must.',
        );
      const approvals = await approvalsOf(trx, [row.id]);
      if (approvals.some((a) => a.approver_id === call.actor.userId))
        throw new ConflictError(
          'You have already approved this disbursement; a second, different approver is needed.',
        );
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
        await audit(trx, call, 'disbursement.approve', pending, { approvals: approvals.length + 1 });
        return { status: 200, body: await viewOf(trx, pending) };
      }
      const { pot, reservationId } = await reserveMoney(trx, ctx.db, fund, policy, row, call.actor.userId);
      const updated = await updateDisbursement(
        trx,
        row.id,
        {
          status: 'approved',
          pot_code: pot,
          reservation_id: reservationId,
        },
        'approved_at',
      );
      await audit(trx, call, 'disbursement.approve', updated, { approvals: approvals.length + 1, pot });
      return { status: 200, body: await viewOf(trx, updated) };
    }),
  );
  return result;
}

export async function markPaid(
  ctx: AppContext,
  call: Call,
  id: string,
  body: { paidOn: string; externalReference?: string },
): Promise<IdempotentResult> {
  // Confirms what happened; a payment dated in the future has not happened yet.
  if (body.paidOn > new Date().toISOString().slice(0, 10))
    throw new ValidationError([{ path: 'paidOn', message: 'must not be in the future' }]);
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/disbursements/:id/paid', async (trx) => {
      const { row } = await lockInReach(ctx, trx, call, id);
      refuseMove(row, 'paid');
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
      await audit(trx, call, 'disbursement.paid', updated, { entryId });
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
      await audit(trx, call, `disbursement.${to === 'failed' ? 'fail' : 'reject'}`, updated);
      if (to === 'failed') await enqueueOutbox(trx, 'disbursement.payout_failed', { disbursementId: row.id });
      return viewOf(trx, updated);
    }),
  );
  ctx.outbox.kick();
  return view;
}
