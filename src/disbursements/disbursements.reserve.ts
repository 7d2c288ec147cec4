import { awardPotCode, code, fxAccountSpecs, trustPot, type Fund } from '../funds/funds';
import { ensureAccounts, ensurePot, fundHolding, fundWithPots } from '../funds/funds.repository';
import { reserveFromPot, reserveTransfer } from '../funds/funds.service';
import { fxResultSpecs, type FxPayout } from '../funds/fx';
import type { Db, Trx } from '../lib/db';
import { findVictim } from '../victims/victims.repository';
import { ConflictError, InsufficientFundsError, RestrictionExcludesUseError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { candidatePots, choosePot, dedicatedPot, type Policy } from './disbursements';
import { lockPotBalances, type DisbursementRow } from './disbursements.repository';

/**
 * Reserves the disbursement's money in the first pot, in the fund's order, that allows its
 * purpose and covers the whole amount. The bank and candidate pots are locked first (in the
 * ledger's id order), so two approvals never both count the same last money.
 */
export async function reserveMoney(
  trx: Trx,
  cacheKey: Db,
  cached: Fund,
  policy: Policy,
  row: DisbursementRow,
  by: string,
) {
  let fund = await fundWithPots(
    trx,
    cacheKey,
    await fundHolding(trx, cacheKey, cached, [row.currency]), // a currency added since it was cached
    [row.requested_pot, row.claim_id && awardPotCode(row.claim_id)].filter((c) => typeof c === 'string'),
  );
  const dedicated = dedicatedPot(fund.pots, {
    victimId: row.victim_id,
    claimId: row.claim_id,
    purpose: row.purpose,
    requestedPot: row.requested_pot,
    holdInTrust: row.hold_in_trust,
  });
  if (dedicated && 'refusal' in dedicated) {
    if (dedicated.path === 'claimId')
      throw new ConflictError(`Nothing can be paid on this award: ${dedicated.refusal}.`);
    throw new ConflictError(`This disbursement cannot be paid: ${dedicated.refusal}.`);
  }
  if (dedicated && row.hold_in_trust) {
    const victim = (await findVictim(trx, row.victim_id))!;
    const trust = trustPot(victim.id, victim.reference);
    fund = await ensurePot(trx, cacheKey, await fundWithPots(trx, cacheKey, fund, [trust.code]), trust);
    const reservationId = await reserveTransfer(trx, fund, {
      from: dedicated.pot.code,
      to: trust.code,
      currency: row.currency,
      amount: BigInt(row.amount),
      description: `Disbursement ${row.payment_reference} (${row.purpose}, held in trust)`,
      createdBy: by,
      metadata: { disbursementId: row.id },
    });
    return { pot: dedicated.pot.code, reservationId };
  }
  const candidates = dedicated
    ? [dedicated.pot]
    : candidatePots(fund.pots, row.purpose, policy.potOrder, row.requested_pot);
  const amount = BigInt(row.amount);
  const m = (v: bigint) => `${formatMoney(v, row.currency)} ${row.currency}`;
  if (candidates.length === 0)
    throw new RestrictionExcludesUseError(
      row.requested_pot
        ? `Pot "${row.requested_pot}" does not allow the purpose "${row.purpose}".`
        : `No pot of this fund allows the purpose "${row.purpose}"; nothing can be paid for it.`,
      { purpose: row.purpose },
    );
  const accountOf = (potCode: string) => fund.accounts.get(code.pot(potCode, row.currency))!;
  const balances = await lockPotBalances(
    trx,
    fund.accounts.get(code.bank(row.currency))!,
    candidates.map((p) => accountOf(p.code)),
  );
  const choice = choosePot(
    candidates.map((pot) => ({ pot, available: balances.get(accountOf(pot.code)) ?? 0n })),
    amount,
  );
  if (!choice.ok) {
    const have =
      choice.reason === 'insufficient'
        ? choice.available.map((a) => `"${a.pot}" ${m(a.available)}`).join(', ')
        : '';
    throw new InsufficientFundsError(
      `Insufficient funds: no pot that allows the purpose "${row.purpose}" has ${m(amount)} available (available: ${have}).`,
      { purpose: row.purpose, requested: formatMoney(amount, row.currency), currency: row.currency },
    );
  }
  const payout = payoutOf(row);
  // Converted by the fund: through the pair's clearing accounts; by the bank: fees are an FX cost.
  if (payout)
    fund = await ensureAccounts(
      trx,
      cacheKey,
      fund,
      payout.convertedBy === 'fund'
        ? fxAccountSpecs(fund.id, row.currency, payout.currency)
        : fxResultSpecs(fund.id, row.currency),
    );
  const reservationId = await reserveFromPot(trx, fund, {
    payout,
    pot: choice.pot.code,
    purpose: row.purpose,
    currency: row.currency,
    amount,
    description: `Disbursement ${row.payment_reference} (${row.purpose})`,
    createdBy: by,
    metadata: { disbursementId: row.id },
  });
  return { pot: choice.pot.code, reservationId };
}

function payoutOf(row: DisbursementRow): FxPayout | undefined {
  if (row.payout_currency === null) return undefined;
  return {
    currency: row.payout_currency,
    amount: BigInt(row.payout_amount!),
    fees: BigInt(row.payout_fees!),
    convertedBy: row.fx_converted_by ?? 'fund',
  };
}
