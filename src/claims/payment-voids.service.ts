import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import { reverseEntry } from '../ledger/ledger.service';
import type { Actor } from '../lib/auth';
import { transact, type Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { PaidByDisbursement, PaymentAlreadyVoided, RecordGone } from './claims.errors';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import type { Call } from '../lib/route';
import type { PaymentView, PaymentWithClaimView } from './claim-view';
import type { IdParams, PageQuery } from '../lib/schemas';
import { lockVictim } from '../victims/victims.repository';
import { audienceOf, claimFor } from './claims.access';
import { addReceived, lockClaim } from './claims.repository';
import { claimResponse } from './claims.service';
import { commitAward } from './commitments.service';
import { todayUtc, utcDateOf } from '../lib/dates';
import { followMoney } from './paid-state.service';
import { paymentView } from './payment-view';
import {
  findPaymentRecord,
  insertPaymentVoid,
  paymentRecordsOfClaim,
  receiptEntryId,
  type PaymentRecordRow,
} from './payments.repository';

/**
 * Voiding a payment record entered by mistake. The record stays (payments are append-only
 * facts); a void row says why, who and when. In the same transaction: any fund receipt the
 * record posted is reversed in the ledger (money held in trust that was already paid out
 * cannot be, and the void is refused with 409), the head's received and held-in-trust figures
 * drop, a State-fund award's commitment grows back, and a claim that was paid on the strength
 * of it moves back (see `followMoney`). Every figure read from payments skips voided records.
 */

/** Reverses the fund receipt `receiptId` posted, if any; returns the reversing entry's id. */
async function reverseReceipt(
  trx: Trx,
  actor: Actor,
  receiptId: string | null | undefined,
  reason: string,
): Promise<string | null> {
  if (!receiptId) return null;
  const entryId = await receiptEntryId(trx, receiptId);
  if (!entryId) throw new RecordGone('The fund receipt of this payment');
  // The claim's need-to-know was checked: the receipt is this claim's own, whoever holds the fund.
  return reverseEntry(trx, { organizationId: null }, entryId, {
    reason: `Payment record voided: ${reason}`,
    createdBy: actor.userId,
  });
}

async function voidIn(
  trx: Trx,
  ctx: AppContext,
  actor: Actor,
  p: { claimId: string; victimId: string; paymentId: string; reason: string; requestId: string },
): Promise<PaymentWithClaimView> {
  // Victim, claim, then (by the reversals) accounts: the lock order of every money change.
  await lockVictim(trx, p.victimId);
  const claim = (await lockClaim(trx, p.claimId))!;
  const payment = await findPaymentRecord(trx, claim.id, p.paymentId);
  if (!payment) throw new NotFoundError('payment');
  if (payment.void) throw new PaymentAlreadyVoided(utcDateOf(payment.void.voided_at));
  if (payment.disbursement_id) throw new PaidByDisbursement();
  const recoveryEntry = await reverseReceipt(trx, actor, payment.fund_receipt_id, p.reason);
  const trustEntry = await reverseReceipt(trx, actor, payment.trust_receipt_id, p.reason);
  const voided = await insertPaymentVoid(trx, {
    payment_id: payment.id,
    claim_id: claim.id,
    reason: p.reason,
    voided_by: actor.userId,
    recovery_reversal_entry_id: recoveryEntry,
    trust_reversal_entry_id: trustEntry,
  });
  const amount = BigInt(payment.amount_minor);
  await addReceived(trx, claim.id, payment.head, -amount, -BigInt(payment.trust_minor));
  if (claim.route === 'state_fund')
    await commitAward(trx, ctx, actor, (await lockClaim(trx, claim.id))!, p.requestId);
  await recordAudit(trx, {
    actor,
    action: 'claim.payment_voided',
    resourceType: 'claim',
    resourceId: claim.id,
    requestId: p.requestId,
    details: { paymentId: payment.id, head: payment.head, reversalEntryIds: [recoveryEntry, trustEntry] },
  });
  const after = await followMoney(trx, ctx, actor, claim.id, { on: todayUtc(), requestId: p.requestId });
  return {
    ...paymentView({ ...payment, void: voided }, audienceOf(actor)),
    claim: await claimResponse(trx, actor, after),
  };
}

export interface PaymentParams extends IdParams {
  paymentId: string;
}

export interface VoidPaymentInput {
  reason: string;
}

/** ★ POST /v1/claims/:id/payments-received/:paymentId/void {reason} → 200; a second void → 409. */
export async function voidPaymentReceived(
  ctx: AppContext,
  call: Call<VoidPaymentInput, unknown, PaymentParams>,
): Promise<IdempotentResult> {
  const claimId = call.params.id;
  const found = await claimFor(ctx.db, call.actor, claimId);
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/claims/:id/payments-received/:paymentId/void', async (trx) => ({
      status: 200,
      body: await voidIn(trx, ctx, call.actor, {
        claimId,
        victimId: found.victim_id,
        paymentId: call.params.paymentId,
        reason: call.body.reason.trim(),
        requestId: call.requestId,
      }),
    })),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  ctx.outbox.kick();
  return result;
}

/** GET /v1/claims/:id/payments-received: every record of the claim, voided ones with their reason. */
export async function listPaymentsReceived(
  ctx: AppContext,
  actor: Actor,
  claimId: string,
  query: PageQuery,
  requestId: string,
): Promise<{ items: PaymentView[]; nextCursor: string | null }> {
  return transact(ctx.db, async (trx) => {
    await claimFor(trx, actor, claimId);
    const rows: PaymentRecordRow[] = await paymentRecordsOfClaim(trx, claimId, {
      limit: query.limit + 1,
      afterId: query.cursor,
    });
    const page = rows.slice(0, query.limit);
    await recordAudit(trx, {
      actor,
      action: 'claim.payments.read',
      resourceType: 'claim',
      resourceId: claimId,
      requestId,
    });
    return {
      items: page.map((p) => paymentView(p, audienceOf(actor))),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  });
}
