import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import type { Call } from '../lib/route';
import type { PaymentWithClaimView } from './claim-view';
import type { IdParams } from '../lib/schemas';
import { assertDateOrder, notBefore } from '../lib/date-order';
import { ValidationError, type FieldError } from '../lib/errors';
import { ClaimClosed, ExceedsAward, NoFundClaim, RecordGone } from './claims.errors';
import { formatMoney, parseMoney } from '../lib/money';
import { enqueueOutbox } from '../lib/outbox';
import { trustPot } from '../funds/funds';
import { ensurePot, fundWithPots, loadFund } from '../funds/funds.repository';
import { heldCurrency } from '../funds/funds.service';
import { postReceiptInTransaction } from '../funds/receipts.service';
import { kickLedgerSealer } from '../ledger/ledger-chain';
import { withLedgerErrors } from '../ledger/ledger-errors';
import { findVictim, lockVictim } from '../victims/victims.repository';
import { commitAward } from './commitments.service';
import { audienceOf, claimFor, headRowToAmounts } from './claims.access';
import { headsOf, insertPayment, lockClaim, addReceived, type ClaimRow } from './claims.repository';
import { claimResponse } from './claims.service';
import { headFigures } from './compensation';
import { loadVictimMoney, policyLookup, type VictimMoney } from './compensation.service';
import { followMoney } from './paid-state.service';
import { paymentView } from './payment-view';
import { stateRule, type Route } from './route-machines';

export interface PaymentInput {
  amount: string;
  currency?: string;
  head: string;
  receivedOn: string;
  payer: 'perpetrator' | 'employer' | 'fund' | 'other';
  paidTo: 'victim' | 'fund';
  fundId?: string;
  note?: string;
}

function checkPayment(claim: ClaimRow, input: PaymentInput): bigint {
  const errors: FieldError[] = [];
  let amount = 0n;
  if (input.currency && input.currency !== claim.currency)
    errors.push({ path: 'currency', message: `the claim is in ${claim.currency}` });
  try {
    amount = parseMoney(input.amount, claim.currency);
  } catch (err) {
    errors.push({ path: 'amount', message: (err as Error).message });
  }
  if (claim.route === 'state_fund' && (input.payer !== 'fund' || input.paidTo !== 'victim'))
    errors.push({ path: 'payer', message: 'a State-fund claim is paid by the fund to the victim' });
  if (claim.route !== 'state_fund' && input.payer === 'fund')
    errors.push({ path: 'payer', message: 'the fund pays only on State-fund claims' });
  if (input.fundId && input.paidTo !== 'fund')
    errors.push({ path: 'fundId', message: 'fundId is given only for money paid into a fund' });
  if (errors.length > 0) throw new ValidationError(errors);
  assertDateOrder([notBefore('receivedOn', input.receivedOn, 'the filing (filedOn)', claim.filed_on)]);
  return amount;
}

/** Money paid into the fund goes to the fund of the victim's State-fund claim in that currency. */
function receivingFund(money: VictimMoney, claim: ClaimRow, input: PaymentInput): string {
  const funds = [
    ...new Set(
      money.claims
        .filter((c) => c.route === 'state_fund' && c.currency === claim.currency)
        .map((c) => c.fundId!),
    ),
  ];
  if (input.fundId) {
    if (!funds.includes(input.fundId))
      throw new ValidationError([
        { path: 'fundId', message: 'the victim has no State-fund claim with this fund in this currency' },
      ]);
    return input.fundId;
  }
  if (funds.length === 1) return funds[0]!;
  if (funds.length === 0) throw new NoFundClaim(claim.currency);
  throw new ValidationError([
    { path: 'fundId', message: 'the victim has claims with several funds: name the fund' },
  ]);
}

/**
 * For money paid into the fund: which fund, and how much of it is the fund's recovery (what
 * subrogation gives it back) rather than money held in trust for the victim.
 */
function intoFund(
  money: VictimMoney,
  claim: ClaimRow,
  input: PaymentInput,
  amount: bigint,
): { fundId: string | null; recovery: bigint } {
  if (input.paidTo !== 'fund') return { fundId: null, recovery: 0n };
  const fundId = receivingFund(money, claim, input);
  const pending = {
    claimId: claim.id,
    head: input.head,
    currency: claim.currency,
    amount,
    payer: input.payer,
    paidTo: 'fund' as const,
    recovery: 0n,
    trust: amount,
  };
  const after = headFigures(
    claim.currency,
    input.head,
    money.claims,
    [...money.payments, pending],
    policyLookup(money),
  );
  const open = (after.subrogation?.dueToFund ?? 0n) - (after.subrogation?.recoveredByFund ?? 0n);
  return { fundId, recovery: open <= 0n ? 0n : open < amount ? open : amount };
}

/**
 * Records money received: a ★ endpoint (Idempotency-Key required, checked at the edge), so a
 * retry replays the first answer instead of recording the money twice.
 */
export async function recordPaymentReceived(
  ctx: AppContext,
  call: Pick<
    Call<PaymentInput, unknown, IdParams>,
    'actor' | 'requestId' | 'idempotencyKey' | 'params' | 'body'
  >,
): Promise<IdempotentResult> {
  const { actor } = call;
  const claimId = call.params.id;
  const input = call.body;
  const found = await claimFor(ctx.db, actor, claimId);
  const amount = checkPayment(found, input);
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/claims/:id/payments-received', async (trx) => ({
      status: 201,
      body: await recordIn(trx, ctx, actor, found, input, amount, call.requestId),
    })),
  );
  if (input.paidTo === 'fund') kickLedgerSealer(ctx.db, ctx.logger);
  ctx.outbox.kick();
  return result;
}

/**
 * Money paid into the fund on a claim posts its receipts in the same transaction: the fund's
 * recovery (what it had advanced, per subrogation) into `unrestricted`, and the rest into the
 * victim's trust pot, made on first use. Both parts are money recovered from whoever owed the
 * victim, hence source `recovery`; the pot says whose money it is.
 */
async function receiveIntoFund(
  trx: Trx,
  ctx: AppContext,
  actor: Actor,
  claim: ClaimRow,
  fundId: string,
  parts: { recovery: bigint; trust: bigint; receivedOn: string; requestId: string },
): Promise<{ recovery: string | null; trust: string | null }> {
  let fund = await loadFund(trx, ctx.db, fundId);
  if (!fund) throw new RecordGone('The fund of this claim');
  heldCurrency(fund, claim.currency);
  const post = async (pot: string, amount: bigint, part: string) =>
    (
      await postReceiptInTransaction(trx, fund!, {
        source: 'recovery',
        pot,
        amount,
        currency: claim.currency,
        receivedOn: parts.receivedOn,
        reference: claim.reference,
        actor,
        requestId: parts.requestId,
        metadata: { claimId: claim.id, part },
      })
    ).id;
  const out = { recovery: null as string | null, trust: null as string | null };
  if (parts.recovery > 0n) out.recovery = await post('unrestricted', parts.recovery, 'recovery');
  if (parts.trust > 0n) {
    const victim = (await findVictim(trx, claim.victim_id))!;
    const pot = trustPot(victim.id, victim.reference);
    fund = await ensurePot(trx, ctx.db, await fundWithPots(trx, ctx.db, fund, [pot.code]), pot);
    out.trust = await post(pot.code, parts.trust, 'trust');
  }
  return out;
}

async function recordIn(
  trx: Trx,
  ctx: AppContext,
  actor: Actor,
  found: ClaimRow,
  input: PaymentInput,
  amount: bigint,
  requestId: string,
): Promise<PaymentWithClaimView> {
  const claimId = found.id;
  await lockVictim(trx, found.victim_id);
  const claim = (await lockClaim(trx, claimId))!;
  const head = (await headsOf(trx, [claimId])).map(headRowToAmounts).find((h) => h.head === input.head);
  if (!head)
    throw new ValidationError([{ path: 'head', message: `'${input.head}' was not claimed on this claim` }]);
  if (claim.status === 'withdrawn' || claim.status === 'closed') throw new ClaimClosed(claim.status);
  // Before an award (conciliation back-pay, an employer's interim payment) money is counted
  // against what was claimed, and against the award once there is one.
  const beforeAward = stateRule(claim.route as Route, claim.status)?.beforeDecision === true;
  const cap = beforeAward ? head.claimed : head.awarded;
  if (head.received + amount > cap)
    throw new ExceedsAward(
      beforeAward
        ? `Before an award, money is recorded up to the amount claimed: only ${formatMoney(cap - head.received, claim.currency)} of the ${input.head} claim is not yet received.`
        : `Only ${formatMoney(head.awarded - head.received, claim.currency)} of the ${input.head} award is outstanding.`,
    );
  const money = await loadVictimMoney(trx, claim.victim_id);
  const { fundId, recovery } = intoFund(money, claim, input, amount);
  const receipts = fundId
    ? await receiveIntoFund(trx, ctx, actor, claim, fundId, {
        recovery,
        trust: amount - recovery,
        receivedOn: input.receivedOn,
        requestId,
      })
    : { recovery: null, trust: null };
  const payment = await insertPayment(trx, {
    claim_id: claimId,
    victim_id: claim.victim_id,
    head: input.head,
    amount_minor: amount.toString(),
    currency: claim.currency,
    received_on: input.receivedOn,
    payer: input.payer,
    paid_to: input.paidTo,
    fund_id: fundId,
    recovery_minor: recovery.toString(),
    trust_minor: (input.paidTo === 'fund' ? amount - recovery : 0n).toString(),
    fund_receipt_id: receipts.recovery,
    trust_receipt_id: receipts.trust,
    note: input.note?.trim() || null,
    recorded_by: actor.userId,
  });
  const heldInTrust = input.paidTo === 'fund' ? amount - recovery : 0n;
  await addReceived(trx, claimId, input.head, amount, heldInTrust);
  // The victim may be told, neutrally, that money reached them (never how much).
  if (input.paidTo === 'victim')
    await enqueueOutbox(trx, 'victim.payment_made', { victimId: claim.victim_id, paymentId: payment.id });
  // A payment the fund made outside Redress lowers what is still owed, so the commitment too.
  if (claim.route === 'state_fund')
    await commitAward(trx, ctx, actor, (await lockClaim(trx, claimId))!, requestId);
  await recordAudit(trx, {
    actor,
    action: 'claim.payment_received',
    resourceType: 'claim',
    resourceId: claimId,
    requestId,
    details: { paymentId: payment.id, head: input.head, payer: input.payer, paidTo: input.paidTo },
  });
  const after = await followMoney(trx, ctx, actor, claimId, { on: input.receivedOn, requestId });
  return {
    ...paymentView({ ...payment, void: null }, audienceOf(actor)),
    claim: await claimResponse(trx, actor, after),
  };
}
