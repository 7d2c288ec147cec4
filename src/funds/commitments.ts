import { recordAudit } from '../audit/audit.service';
import { postEntry } from '../ledger/ledger.service';
import type { Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { InsufficientFundsError, NotFoundError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { code, committedPot, transferPostings, type Fund, type Pot } from './funds';
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

/** Pots that may fund an award, in the order they are drawn: restricted pots first, as payments do. */
function fundingPots(fund: Fund): Pot[] {
  const allows = (p: Pot) => p.purposes.includes('compensation_award');
  return [
    ...fund.pots.filter((p) => p.kind === 'restricted' && allows(p)),
    ...fund.pots.filter((p) => p.kind === 'unrestricted' && allows(p)),
  ];
}

export interface CommitmentTarget {
  fundId: string;
  claimId: string;
  claimReference: string;
  currency: string;
  /** what the claim's award still owes the victim, in minor units */
  target: bigint;
  actor: Actor;
  requestId: string;
}

/**
 * Brings the claim's committed pot to `target`, in the caller's transaction. Not enough money
 * in any single pot that may pay awards → 409 naming what is available (a fund cannot commit
 * money it does not have). Returns the amount moved (positive in, negative back).
 */
export async function syncCommitment(trx: Trx, cacheKey: Db, t: CommitmentTarget): Promise<bigint> {
  const potCode = committedPot(t.claimId, t.claimReference).code;
  const loaded = await loadFund(trx, cacheKey, t.fundId);
  if (!loaded) throw new NotFoundError('fund');
  let fund = await fundWithPots(trx, cacheKey, loaded, [potCode]);
  const exists = fund.pots.some((p) => p.code === potCode);
  if (!exists && t.target === 0n) return 0n;
  fund = await ensurePot(trx, cacheKey, fund, committedPot(t.claimId, t.claimReference));
  const accountOf = (pot: string) => fund.accounts.get(code.pot(pot, t.currency))!;
  const sources = fundingPots(fund);
  const balances = await lockAccountBalances(trx, [
    accountOf(potCode),
    ...sources.map((p) => accountOf(p.code)),
  ]);
  const delta = t.target - balances.get(accountOf(potCode))!.posted;
  const m = (v: bigint) => `${formatMoney(v, t.currency)} ${t.currency}`;
  if (delta > 0n) {
    const available = (p: Pot) => {
      const b = balances.get(accountOf(p.code))!;
      return b.posted - b.pending;
    };
    const from = sources.find((p) => available(p) >= delta);
    if (!from)
      throw new InsufficientFundsError(
        `Insufficient funds to commit the award: ${m(delta)} is needed in one pot that may pay awards (available: ${sources.map((p) => `"${p.code}" ${m(available(p))}`).join(', ')}).`,
        { requested: formatMoney(delta, t.currency), currency: t.currency },
      );
    await move(trx, fund, t, from.code, potCode, delta, 'commit');
  } else if (delta < 0n) {
    // Give back to the pots it came from, latest first, so restricted money returns restricted.
    let left = -delta;
    const given = (await netTransfersInto(trx, fund.id, potCode, t.currency)).reverse();
    for (const g of given) {
      const back = g.net < left ? g.net : left;
      if (back <= 0n) continue;
      await move(trx, fund, t, potCode, g.pot, back, 'release');
      left -= back;
    }
    if (left > 0n) await move(trx, fund, t, potCode, 'unrestricted', left, 'release');
  }
  return delta;
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
