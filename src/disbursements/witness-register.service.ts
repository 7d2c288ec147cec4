import { utcDateOf } from '../lib/dates';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { transact } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { findVictim } from '../victims/victims.repository';
import { victimAccess } from '../victims/victims.service';
import { disbursementsWithWitnessStatus, type RegisterRow } from './disbursements.repository';
import { toCsv } from '../lib/csv';

/**
 * The witness-assistance register: everything approved or paid for the victim while they were
 * a witness (at request, approval or payment), with purpose, rationale, amount and dates, so it
 * can be disclosed when the victim testifies. The victim appears only by reference.
 */
export async function witnessAssistance(ctx: AppContext, call: Call, victimId: string) {
  return transact(ctx.db, async (trx) => {
    let reference: string;
    let organizationId: string | null = null;
    if (call.actor.role === 'auditor') {
      const row = await findVictim(trx, victimId);
      if (!row) throw new NotFoundError('victim');
      reference = row.reference;
    } else {
      reference = (await victimAccess(trx, call.actor, victimId)).row.reference;
      // A fund administrator sees what their funds gave; the victim's own legal aid worker sees
      // what every fund gave, since they disclose the whole register when the victim testifies.
      organizationId = call.actor.role === 'legal_aid' ? null : call.actor.organizationId;
    }
    const rows = await disbursementsWithWitnessStatus(trx, victimId, organizationId);
    const items = rows
      .filter((r) => r.witness_when_requested || r.witness_when_given || r.witness_when_paid)
      .map(registerItem);
    await recordAudit(trx, {
      actor: call.actor,
      action: 'witness_assistance.read',
      resourceType: 'victim',
      resourceId: victimId,
      requestId: call.requestId,
      details: { items: items.length },
    });
    return { victimId, victimReference: reference, items };
  });
}

function registerItem(r: RegisterRow) {
  return {
    disbursementId: r.id,
    fundId: r.fund_id,
    claimId: r.claim_id,
    purpose: r.purpose,
    rationale: r.rationale,
    amount: formatMoney(r.amount, r.currency),
    currency: r.currency,
    channel: r.channel,
    paymentReference: r.payment_reference,
    status: r.status,
    requestedOn: utcDateOf(r.requested_at),
    approvedOn: r.approved_at ? utcDateOf(r.approved_at) : null,
    paidOn: r.paid_on,
  };
}

const CSV_COLUMNS = [
  'victimReference',
  'disbursementId',
  'paymentReference',
  'purpose',
  'rationale',
  'amount',
  'currency',
  'channel',
  'status',
  'requestedOn',
  'approvedOn',
  'paidOn',
] as const;

export function registerCsv(register: Awaited<ReturnType<typeof witnessAssistance>>): string {
  return toCsv(
    [...CSV_COLUMNS],
    register.items.map((i) => ({ ...i, victimReference: register.victimReference })),
  );
}
