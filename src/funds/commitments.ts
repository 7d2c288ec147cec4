import { recordAudit } from '../audit/audit.service';
import { postEntry } from '../ledger/ledger.service';
import type { Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { InsufficientFunds } from '../ledger/ledger-errors';
import { NotFoundError } from '../lib/errors';
import { RestrictionExcludesUse } from './funds.errors';
import { formatMoney } from '../lib/money';
import { code, committedPot, transferPostings, type Fund, type Pot } from './funds';
import { potOf } from './funds.service';
import { noPotReason, payingPots, type Beneficiary, type Use } from './restrictions';
import {
  ensurePot,
  fundWithPots,
  insertPotTransfer,
  loadFund,
  lockAccountBalances,
  netTransfersInto,
} from './funds.repository';

/*
 * Commitments of State-fund awards. Chosen over a ledger reservation: a decided award moves, as
 * a pot transfer, out of the pots that may pay awards into a `committed` pot of its own claim.
 * - it is visible as what it is (a pot in the balances, `committed` in the totals) rather than
 *   as a "pending" indistinguishable from an approved payment;
 * - it lasts for months without a pending reservation whose holds other payments must step
 *   around, and the approval of the award's payment reserves from that pot like any payment;
 * - pots = bank/cash is untouched (a transfer between pots), and the statement is unchanged
 *   (no revenue or expense) until the award is actually paid.
 * The committed pot always holds what is awarded and not yet received: a review moves the
 * difference in or back, a payment takes it out together with the claim's received figure.
 */

export interface CommitmentTarget {
  fundId: string;
  claimId: string;
  claimReference: string;
  currency: string;
  /** what the claim's award still owes the victim, in minor units */
  target: bigint;
  /** the claim's victim: a restricted pot pays an award only to people its restriction allows */
  beneficiary: Beneficiary;
  /** the fund's pot order (its disbursement policy), as payments follow it */
  potOrder: string[];
  /** a pot the decision names: the award is committed from it alone */
  pot?: string;
  actor: Actor;
  requestId: string;
}

/** What a commitment moved: into the committed pot from `drawsFrom`, back out to `returnedTo`. */
export interface CommitmentMoves {
  delta: bigint;
  drawsFrom: Array<{ pot: string; amount: bigint }>;
  returnedTo: Array<{ pot: string; amount: bigint }>;
}

/**
 * Brings the claim's committed pot to `target`, in the caller's transaction, drawing on the
 * pots that may pay this victim's award in the fund's pot order (or on the pot named). No pot
 * whose restriction allows it → 409 restriction-excludes-use; not enough money in any single
 * such pot → 409 insufficient-funds naming what is available (a fund cannot commit money it
 * does not have). An unknown named pot → 400. Returns what moved.
 */
export async function syncCommitment(trx: Trx, cacheKey: Db, t: CommitmentTarget): Promise<CommitmentMoves> {
  const potCode = committedPot(t.claimId, t.claimReference).code;
  const loaded = await loadFund(trx, cacheKey, t.fundId);
  if (!loaded) throw new NotFoundError('fund');
  let fund = await fundWithPots(trx, cacheKey, loaded, [potCode]);
  if (t.pot !== undefined) potOf(fund, t.pot);
  const moves: CommitmentMoves = { delta: 0n, drawsFrom: [], returnedTo: [] };
  const exists = fund.pots.some((p) => p.code === potCode);
  if (!exists && t.target === 0n) return moves;
  fund = await ensurePot(trx, cacheKey, fund, committedPot(t.claimId, t.claimReference));
  const accountOf = (pot: string) => fund.accounts.get(code.pot(pot, t.currency))!;
  const use: Use = { purpose: 'compensation_award', beneficiary: t.beneficiary };
  const sources = payingPots(fund.pots, use, t.potOrder, t.pot ?? null);
  const balances = await lockAccountBalances(trx, [
    accountOf(potCode),
    ...sources.map((p) => accountOf(p.code)),
  ]);
  const delta = t.target - balances.get(accountOf(potCode))!.posted;
  moves.delta = delta;
  const m = (v: bigint) => `${formatMoney(v, t.currency)} ${t.currency}`;
  if (delta > 0n && sources.length === 0)
    throw new RestrictionExcludesUse(
      `The award cannot be committed: ${noPotReason(fund.pots, use, t.pot ?? null)}.`,
      { purpose: use.purpose },
    );
  if (delta > 0n) {
    const available = (p: Pot) => {
      const b = balances.get(accountOf(p.code))!;
      return b.posted - b.pending;
    };
    const from = sources.find((p) => available(p) >= delta);
    if (!from)
      throw new InsufficientFunds(
        `Insufficient funds to commit the award: ${m(delta)} is needed in one pot that may pay this award (available: ${sources.map((p) => `"${p.code}" ${m(available(p))}`).join(', ')}).`,
        { requested: formatMoney(delta, t.currency), currency: t.currency },
      );
    await move(trx, fund, t, from.code, potCode, delta, 'commit');
    moves.drawsFrom.push({ pot: from.code, amount: delta });
  } else if (delta < 0n) {
    // Give back to the pots it came from, latest first, so restricted money returns restricted.
    let left = -delta;
    const given = (await netTransfersInto(trx, fund.id, potCode, t.currency)).reverse();
    for (const g of given) {
      const back = g.net < left ? g.net : left;
      if (back <= 0n) continue;
      await move(trx, fund, t, potCode, g.pot, back, 'release');
      moves.returnedTo.push({ pot: g.pot, amount: back });
      left -= back;
    }
    if (left > 0n) {
      await move(trx, fund, t, potCode, 'unrestricted', left, 'release');
      moves.returnedTo.push({ pot: 'unrestricted', amount: left });
    }
  }
  return moves;
}

async function move(
  trx: Trx,
  fund: Fund,
  t: CommitmentTarget,
  from: string,
  to: string,
  amount: bigint,
  why: 'commit' | 'release',
): Promise<void> {
  const reason =
    why === 'commit'
      ? `Commitment of the State-fund award on ${t.claimReference}`
      : `Release of the commitment on ${t.claimReference} (award reduced or settled otherwise)`;
  const entryId = await postEntry(trx, {
    kind: 'pot_transfer',
    description: `Pot transfer ${from} → ${to}: ${reason}`.slice(0, 500),
    createdBy: t.actor.userId,
    metadata: { fundId: fund.id, from, to, reason, claimId: t.claimId, commitment: why },
    postings: transferPostings(fund, { from, to, currency: t.currency, amount }),
  });
  const row = await insertPotTransfer(trx, {
    fundId: fund.id,
    entryId,
    from,
    to,
    amount,
    currency: t.currency,
    reason,
    createdBy: t.actor.userId,
  });
  await recordAudit(trx, {
    actor: t.actor,
    action: `fund_commitment.${why}`,
    resourceType: 'fund_pot_transfer',
    resourceId: row.id,
    requestId: t.requestId,
    details: { fundId: fund.id, claimId: t.claimId, entryId, from, to, currency: t.currency },
  });
}
