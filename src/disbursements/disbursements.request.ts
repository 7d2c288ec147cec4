import { todayUtc } from '../lib/dates';
import { claimFor } from '../claims/claims.access';
import type { AppContext } from '../context';
import { awardPotCode, type Fund } from '../funds/funds';
import { fundHolding, fundWithPots } from '../funds/funds.repository';
import { fundInReach, heldCurrency, potOf } from '../funds/funds.service';
import { ValidationError } from '../lib/errors';
import { NotPayable } from './disbursements.errors';
import { enqueueOutbox } from '../lib/outbox';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import { parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { victimAccess } from '../victims/victims.service';
import { beneficiaryOf, payingPots, useRefusal } from '../funds/restrictions';
import {
  approvalsRequired,
  convertPayout,
  dedicatedPot,
  newPaymentReference,
  PAYEE_REQUIRED,
  type Channel,
  type Payout,
} from './disbursements';
import { insertDisbursement, loadPolicy } from './disbursements.repository';
import { PAYEE_FIELD, viewOf } from './disbursements.views';
import { auditDisbursement } from './disbursements.audit';
import { drawsFromForecast } from './disbursements.draws';

/** A disbursement requested: checked, recorded as `requested`, approvers told. */

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
    let fund = await fundWithPots(
      trx,
      ctx.db,
      await fundInReach(ctx.db, trx, call.actor, body.fundId, true),
      [body.pot, body.claimId && awardPotCode(body.claimId)].filter((c) => typeof c === 'string'),
    );
    // Reloaded if another process added one of these currencies since the fund was cached: a
    // payout currency the fund holds is paid from its bank, any other is converted by the bank.
    const wanted = [body.currency, ...(body.payout ? [body.payout.currency] : [])];
    fund = await fundHolding(trx, ctx.db, fund, wanted);
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
      const use = { purpose: body.purpose, beneficiary: beneficiaryOf(victim) };
      if (payingPots(fund.pots, use, [], pot.code).length === 0)
        throw new ValidationError([
          {
            path: 'pot',
            message: useRefusal(pot, use) ?? `pot "${pot.code}" may not pay for "${body.purpose}"`,
          },
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
    await auditDisbursement(trx, call, 'disbursement.request', row, { channel: body.channel });
    // The other fund administrators are told a request waits for their approval.
    await enqueueOutbox(trx, 'disbursement.awaiting_approval', { disbursementId: row.id });
    const draws = await drawsFromForecast(trx, ctx.db, fund, policy, row);
    return { status: 201, body: { ...(await viewOf(trx, row)), ...draws } };
  });
  ctx.outbox.kick();
  return result;
}

function payoutOf(fund: Fund, amount: bigint, body: RequestBody): Payout {
  if (body.holdInTrust)
    throw new ValidationError([{ path: 'payout', message: 'money put in trust is not paid out' }]);
  // A currency the fund holds is paid from its own bank there (an FX position opens until the
  // fund converts); any other the fund's bank converts at payout, from the award currency.
  const convertedBy = fund.currencies.includes(body.payout!.currency) ? 'fund' : 'bank';
  const today = todayUtc();
  const converted = convertPayout(amount, body.currency, body.payout!, today, convertedBy);
  if ('path' in converted) throw new ValidationError([converted]);
  return converted.payout;
}

/** Nothing committed to pay from is a state of the claim (409); a wrong pot is bad input (400). */
export function refuseDedicated(d: { refusal: string; path: string }): never {
  if (d.path === 'claimId') throw new NotPayable('award', d.refusal);
  throw new ValidationError([{ path: d.path, message: d.refusal }]);
}
