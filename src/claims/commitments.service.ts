import type { AppContext } from '../context';
import { syncCommitment, type CommitmentMoves } from '../funds/commitments';
import { beneficiaryOf } from '../funds/restrictions';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { CurrencyMismatch, ExceedsAward, RecordGone } from './claims.errors';
import { formatMoney } from '../lib/money';
import { findVictim, lockVictim } from '../victims/victims.repository';
import { headRowToAmounts } from './claims.access';
import { paidAdvancesOf, potOrderOf } from './commitments.repository';
import {
  addReceived,
  findClaim,
  headsOf,
  insertPayment,
  lockClaim,
  type ClaimRow,
} from './claims.repository';

/*
 * Where a State-fund claim meets the fund's money: what the award still owes the victim is kept
 * committed in the fund (funds/commitments.ts); paying the award, or an interim payment that a
 * decision counts as an advance, is received on the claim.
 */

const closed = (claim: ClaimRow) => claim.status === 'withdrawn' || claim.status === 'closed';

/** Awarded and not yet received, over every head; nothing once the claim is withdrawn or closed. */
function stillOwed(claim: ClaimRow, heads: Array<{ awarded: bigint; received: bigint }>): bigint {
  if (closed(claim)) return 0n;
  return heads.reduce((s, h) => s + (h.awarded > h.received ? h.awarded - h.received : 0n), 0n);
}

/** Victim then claim: the lock order of every change to a claim. */
export async function lockClaimForMoney(trx: Trx, claimId: string): Promise<ClaimRow> {
  const found = await findClaim(trx, claimId);
  if (!found) throw new RecordGone('The claim of this payment');
  await lockVictim(trx, found.victim_id);
  return (await lockClaim(trx, claimId))!;
}

/**
 * Receives `amount` on the claim, head by head in the order the heads are listed, up to what
 * each head still owes; returns what did not fit.
 */
async function receiveOnHeads(
  trx: Trx,
  actor: Actor,
  claim: ClaimRow,
  p: { amount: bigint; paidOn: string; note: string; disbursementId: string; heldInTrust?: boolean },
): Promise<bigint> {
  let left = p.amount;
  for (const h of (await headsOf(trx, [claim.id])).map(headRowToAmounts)) {
    const open = h.awarded - h.received;
    const part = open < left ? open : left;
    if (part <= 0n) continue;
    await insertPayment(trx, {
      claim_id: claim.id,
      victim_id: claim.victim_id,
      head: h.head,
      amount_minor: part.toString(),
      currency: claim.currency,
      received_on: p.paidOn,
      payer: 'fund',
      paid_to: 'victim',
      fund_id: null,
      recovery_minor: '0',
      trust_minor: '0',
      fund_receipt_id: null,
      disbursement_id: p.disbursementId,
      note: p.note,
      recorded_by: actor.userId,
    });
    await addReceived(trx, claim.id, h.head, part, p.heldInTrust ? part : 0n);
    left -= part;
  }
  return left;
}

/**
 * Interim payments made on the claim are advances: once there is an award, they count as
 * received on it (as far as the award goes), so the award — and its commitment — shrinks by them.
 * An advance beyond the final award stays what it was, assistance; it is never clawed back.
 */
async function applyAdvances(trx: Trx, actor: Actor, claim: ClaimRow): Promise<void> {
  for (const a of await paidAdvancesOf(trx, claim.id)) {
    if (a.amount <= a.applied) continue;
    await receiveOnHeads(trx, actor, claim, {
      amount: a.amount - a.applied,
      paidOn: a.paidOn,
      note: `Advance (interim payment ${a.reference})`,
      disbursementId: a.id,
    });
  }
}

const NOTHING_MOVED: CommitmentMoves = { delta: 0n, drawsFrom: [], returnedTo: [] };

/**
 * Keeps the fund's commitment equal to what the State-fund award still owes, in the caller's
 * transaction (after a decision, a review, a denial, a withdrawal, an interim payment or a
 * payment recorded on the claim). It draws on the pots whose restriction allows this victim's
 * award, in the fund's pot order, or on `pot` when the decision names one. Not enough money in
 * the fund to commit → 409, nothing changes.
 */
export async function commitAward(
  trx: Trx,
  ctx: AppContext,
  actor: Actor,
  claim: ClaimRow,
  requestId: string,
  options: { pot?: string } = {},
): Promise<CommitmentMoves> {
  if (claim.route !== 'state_fund' || !claim.fund_id) return NOTHING_MOVED;
  if (!closed(claim)) await applyAdvances(trx, actor, claim);
  const heads = (await headsOf(trx, [claim.id])).map(headRowToAmounts);
  const victim = (await findVictim(trx, claim.victim_id))!;
  return syncCommitment(trx, ctx.db, {
    fundId: claim.fund_id,
    claimId: claim.id,
    claimReference: claim.reference,
    currency: claim.currency,
    target: stillOwed(claim, heads),
    beneficiary: beneficiaryOf(victim),
    potOrder: await potOrderOf(trx, claim.fund_id),
    pot: options.pot,
    actor,
    requestId,
  });
}

/**
 * A disbursement paying (or holding in trust) part of a State-fund award: the amount is
 * received on the claim (as held in trust when it went to the victim's trust pot). The caller
 * has locked the claim (`lockClaimForMoney`) before the ledger posting, so accounts are locked
 * after victim and claim, as in a decision; it calls `followMoney` once the money is recorded.
 */
export async function settleAwardPayment(
  trx: Trx,
  actor: Actor,
  claim: ClaimRow,
  p: {
    amount: bigint;
    currency: string;
    paidOn: string;
    note: string;
    disbursementId: string;
    heldInTrust: boolean;
  },
): Promise<void> {
  if (claim.currency !== p.currency) throw new CurrencyMismatch(claim.currency);
  const left = await receiveOnHeads(trx, actor, claim, p);
  if (left > 0n)
    throw new ExceedsAward(
      `The payment is ${formatMoney(left, claim.currency)} ${claim.currency} more than the award still owes.`,
    );
}
