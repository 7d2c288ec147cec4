import { code, type Fund } from '../funds/funds';
import { reserveFromPot } from '../funds/funds.service';
import type { Trx } from '../lib/db';
import { ConflictError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { candidatePots, choosePot, type Policy } from './disbursements';
import { lockPotBalances, type DisbursementRow } from './disbursements.repository';

/**
 * Reserves the disbursement's money in the first pot, in the fund's order, that allows its
 * purpose and covers the whole amount. The bank and candidate pots are locked first (in the
 * ledger's id order), so two approvals never both count the same last money.
 */
export async function reserveMoney(trx: Trx, fund: Fund, policy: Policy, row: DisbursementRow, by: string) {
  const candidates = candidatePots(fund.pots, row.purpose, policy.potOrder, row.requested_pot);
  const amount = BigInt(row.amount);
  const m = (v: bigint) => `${formatMoney(v, row.currency)} ${row.currency}`;
  if (candidates.length === 0)
    throw new ConflictError(
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
    throw new ConflictError(
      `Insufficient funds: no pot that allows the purpose "${row.purpose}" has ${m(amount)} available (available: ${have}).`,
      { purpose: row.purpose, requested: formatMoney(amount, row.currency), currency: row.currency },
    );
  }
  const reservationId = await reserveFromPot(trx, fund, {
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
