import { awardPotCode, code, fxAccountSpecs, trustPot, type Fund } from '../funds/funds';
import { ensureAccounts, ensurePot, fundHolding, fundWithPots } from '../funds/funds.repository';
import { reserveFromPot, reserveTransfer } from '../funds/funds.service';
import { fxResultSpecs, type FxPayout } from '../funds/fx';
import { beneficiaryOf, noPotReason, payingPots, type Beneficiary } from '../funds/restrictions';
import type { Db, Trx } from '../lib/db';
import { findVictim } from '../victims/victims.repository';
import { InsufficientFunds } from '../ledger/ledger-errors';
import { RestrictionExcludesUse } from '../funds/funds.errors';
import { NotPayable } from './disbursements.errors';
import { formatMoney } from '../lib/money';
import { choosePot, dedicatedPot, type Policy } from './disbursements';
import { lockPotBalances, readPotBalances, type DisbursementRow } from './disbursements.repository';

export interface ReservationPlan {
  fund: Fund;
  /** the pot the money is drawn from */
  pot: string;
  beneficiary: Beneficiary;
  /** a child's award going into their trust pot (no balance check here: the ledger's CHECK) */
  intoTrust: boolean;
}

/**
 * Which pot the disbursement draws on: the pot kept for it (trust, committed award), else the
 * first pot, in the fund's order, whose restriction allows the purpose and the victim and that
 * covers the whole amount. Writes nothing. `lock`: the bank and candidate pots are locked first
 * (in the ledger's id order), so two approvals never both count the same last money; without it
 * the answer is a forecast (the request's `drawsFrom`).
 */
export async function planReservation(
  trx: Trx,
  cacheKey: Db,
  cached: Fund,
  policy: Policy,
  row: DisbursementRow,
  lock: boolean,
): Promise<ReservationPlan> {
  const fund = await fundWithPots(
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
    throw new NotPayable(dedicated.path === 'claimId' ? 'award' : 'disbursement', dedicated.refusal);
  }
  // Read now, not at the request: a child's pot stops paying a victim who has come of age.
  const beneficiary = beneficiaryOf((await findVictim(trx, row.victim_id))!);
  if (dedicated && row.hold_in_trust) return { fund, pot: dedicated.pot.code, beneficiary, intoTrust: true };
  const use = { purpose: row.purpose, beneficiary };
  const candidates = dedicated
    ? [dedicated.pot]
    : payingPots(fund.pots, use, policy.potOrder, row.requested_pot);
  const amount = BigInt(row.amount);
  const m = (v: bigint) => `${formatMoney(v, row.currency)} ${row.currency}`;
  if (candidates.length === 0)
    throw new RestrictionExcludesUse(
      `Nothing can be paid: ${noPotReason(fund.pots, use, row.requested_pot)}.`,
      { purpose: row.purpose },
    );
  const accountOf = (potCode: string) => fund.accounts.get(code.pot(potCode, row.currency))!;
  const potAccounts = candidates.map((p) => accountOf(p.code));
  const balances = lock
    ? await lockPotBalances(trx, fund.accounts.get(code.bank(row.currency))!, potAccounts)
    : await readPotBalances(trx, potAccounts);
  const choice = choosePot(
    candidates.map((pot) => ({ pot, available: balances.get(accountOf(pot.code)) ?? 0n })),
    amount,
  );
  if (!choice.ok) {
    const have =
      choice.reason === 'insufficient'
        ? choice.available.map((a) => `"${a.pot}" ${m(a.available)}`).join(', ')
        : '';
    throw new InsufficientFunds(
      `Insufficient funds: no pot that allows the purpose "${row.purpose}" has ${m(amount)} available for this beneficiary (available: ${have}).`,
      { purpose: row.purpose, requested: formatMoney(amount, row.currency), currency: row.currency },
    );
  }
  return { fund, pot: choice.pot.code, beneficiary, intoTrust: false };
}

/** Reserves the disbursement's money in the pot `planReservation` chooses, locked. */
export async function reserveMoney(
  trx: Trx,
  cacheKey: Db,
  cached: Fund,
  policy: Policy,
  row: DisbursementRow,
  by: string,
) {
  const plan = await planReservation(trx, cacheKey, cached, policy, row, true);
  let fund = plan.fund;
  if (plan.intoTrust) {
    const victim = (await findVictim(trx, row.victim_id))!;
    const trust = trustPot(victim.id, victim.reference);
    fund = await ensurePot(trx, cacheKey, await fundWithPots(trx, cacheKey, fund, [trust.code]), trust);
    const reservationId = await reserveTransfer(trx, fund, {
      from: plan.pot,
      to: trust.code,
      currency: row.currency,
      amount: BigInt(row.amount),
      description: `Disbursement ${row.payment_reference} (${row.purpose}, held in trust)`,
      createdBy: by,
      metadata: { disbursementId: row.id },
    });
    return { pot: plan.pot, reservationId };
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
    pot: plan.pot,
    purpose: row.purpose,
    beneficiary: plan.beneficiary,
    currency: row.currency,
    amount: BigInt(row.amount),
    description: `Disbursement ${row.payment_reference} (${row.purpose})`,
    createdBy: by,
    metadata: { disbursementId: row.id },
  });
  return { pot: plan.pot, reservationId };
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
