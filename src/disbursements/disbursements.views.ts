import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { fundInReach } from '../funds/funds.service';
import type { Call } from '../lib/route';
import { transact } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { feeCurrencyOf, type Channel, type Disbursement, type Payout } from './disbursements';
import {
  approvalsOf,
  findDisbursement,
  type ApprovalRow,
  type DisbursementRow,
} from './disbursements.repository';

// Bound into the ciphertext (AAD): the value will not decrypt if moved to another column.
export const PAYEE_FIELD = 'disbursements.payee';

export function rowToDisbursement(row: DisbursementRow, approvals: ApprovalRow[]): Disbursement {
  return {
    id: row.id,
    fundId: row.fund_id,
    victimId: row.victim_id,
    claimId: row.claim_id,
    purpose: row.purpose,
    amount: BigInt(row.amount),
    currency: row.currency,
    requestedPot: row.requested_pot,
    pot: row.pot_code,
    rationale: row.rationale,
    channel: row.channel as Channel,
    hasPayee: row.payee_enc !== null,
    paymentReference: row.payment_reference,
    status: row.status,
    approvalsRequired: row.approvals_required,
    approvals: approvals
      .filter((a) => a.disbursement_id === row.id)
      .map((a) => ({ approverId: a.approver_id, approvedAt: a.approved_at })),
    reservationId: row.reservation_id,
    entryId: row.entry_id,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    approvedAt: row.approved_at,
    paidOn: row.paid_on,
    externalReference: row.external_reference,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    resolutionReason: row.resolution_reason,
    holdInTrust: row.hold_in_trust,
    payout:
      row.payout_currency === null
        ? null
        : {
            currency: row.payout_currency,
            amount: BigInt(row.payout_amount!),
            fees: BigInt(row.payout_fees!),
            rate: row.fx_rate!,
            rateSource: row.fx_rate_source!,
            rateDate: row.fx_rate_date!,
            convertedBy: row.fx_converted_by ?? 'fund',
          },
  };
}

/**
 * The API shape. Payee details are never part of it: this body is also what the idempotency
 * record stores, and that record is not encrypted. They are read on their own (GET, audited).
 */
export function disbursementView(d: Disbursement) {
  const iso = (t: Date | null) => (t ? t.toISOString() : null);
  return {
    id: d.id,
    status: d.status,
    fundId: d.fundId,
    victimId: d.victimId,
    claimId: d.claimId,
    purpose: d.purpose,
    amount: formatMoney(d.amount, d.currency),
    currency: d.currency,
    requestedPot: d.requestedPot,
    pot: d.pot,
    rationale: d.rationale,
    channel: d.channel,
    payeeOnFile: d.hasPayee,
    paymentReference: d.paymentReference,
    approvalsRequired: d.approvalsRequired,
    approvals: d.approvals.map((a) => ({ approverId: a.approverId, approvedAt: a.approvedAt.toISOString() })),
    reservationId: d.reservationId,
    entryId: d.entryId,
    requestedBy: d.requestedBy,
    requestedAt: d.requestedAt.toISOString(),
    approvedAt: iso(d.approvedAt),
    paidOn: d.paidOn,
    externalReference: d.externalReference,
    resolvedAt: iso(d.resolvedAt),
    resolutionReason: d.resolutionReason,
    holdInTrust: d.holdInTrust,
    payout: d.payout && payoutView(d.payout, d.amount, d.currency),
  };
}

/**
 * Converted by the fund: amount, fees and total in the payout currency (what leaves its bank).
 * Converted by the bank at payout: the payee gets `amount` in the payout currency, while what
 * leaves the fund is the disbursement amount plus `fees`, both in the disbursement currency.
 */
function payoutView(p: Payout, amount: bigint, currency: string) {
  const feeCurrency = feeCurrencyOf(p, currency);
  return {
    currency: p.currency,
    amount: formatMoney(p.amount, p.currency),
    convertedBy: p.convertedBy,
    fees: formatMoney(p.fees, feeCurrency),
    feesCurrency: feeCurrency,
    total:
      p.convertedBy === 'fund'
        ? formatMoney(p.amount + p.fees, p.currency)
        : formatMoney(amount + p.fees, currency),
    totalCurrency: p.convertedBy === 'fund' ? p.currency : currency,
    rate: p.rate,
    rateSource: p.rateSource,
    rateDate: p.rateDate,
  };
}

export async function viewOf(q: Parameters<typeof approvalsOf>[0], row: DisbursementRow) {
  return disbursementView(rowToDisbursement(row, await approvalsOf(q, [row.id])));
}

/**
 * One disbursement. Fund administrators of the paying fund also get the payee details they need
 * to pay (an audited read); auditors never see them.
 */
export async function getDisbursement(ctx: AppContext, call: Call, id: string) {
  return transact(ctx.db, async (trx) => {
    const row = await findDisbursement(trx, id);
    if (!row) throw new NotFoundError('disbursement');
    await fundInReach(ctx.db, trx, call.actor, row.fund_id, false).catch(() => {
      throw new NotFoundError('disbursement');
    });
    const view = await viewOf(trx, row);
    if (call.actor.role !== 'fund_admin' || row.payee_enc === null) return { ...view, payee: null };
    const payee = JSON.parse(ctx.cipher.decrypt(PAYEE_FIELD, row.payee_enc)) as Record<string, unknown>;
    await recordAudit(trx, {
      actor: call.actor,
      action: 'disbursement.read_payee',
      resourceType: 'disbursement',
      resourceId: id,
      requestId: call.requestId,
      details: { fields: Object.keys(payee) },
    });
    return { ...view, payee };
  });
}
