import { formatMoney } from '../lib/money';
import type { PaymentView } from './claim-view';
import type { ClaimAudience } from './claims';
import type { PaymentRecordRow } from './payments.repository';

/** A payment record as the API shows it; auditors get no free text (note, void reason). */
export function paymentView(p: PaymentRecordRow, audience: ClaimAudience): PaymentView {
  const m = (n: string) => formatMoney(n, p.currency);
  const v = p.void;
  return {
    id: p.id,
    claimId: p.claim_id,
    head: p.head,
    amount: m(p.amount_minor),
    currency: p.currency,
    receivedOn: p.received_on,
    payer: p.payer,
    paidTo: p.paid_to,
    ...(p.fund_id
      ? {
          fundId: p.fund_id,
          recovery: m(p.recovery_minor),
          heldInTrust: m(p.trust_minor),
          recoveryReceiptId: p.fund_receipt_id,
          trustReceiptId: p.trust_receipt_id ?? null,
        }
      : {}),
    ...(p.disbursement_id ? { disbursementId: p.disbursement_id } : {}),
    ...(audience === 'case' ? { note: p.note } : {}),
    recordedBy: p.recorded_by,
    recordedAt: p.recorded_at.toISOString(),
    voided: v
      ? {
          ...(audience === 'case' ? { reason: v.reason } : {}),
          voidedBy: v.voided_by,
          voidedAt: v.voided_at.toISOString(),
          reversalEntryIds: [v.recovery_reversal_entry_id, v.trust_reversal_entry_id].filter(
            (id): id is string => id !== null,
          ),
        }
      : null,
  };
}
