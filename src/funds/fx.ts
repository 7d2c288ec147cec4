import Decimal from 'decimal.js';
import type { PostingInput } from '../ledger/ledger';
import type { AccountSpec } from '../ledger/ledger.repository';
import { InsufficientFunds, type AccountOverdrawnError } from '../ledger/ledger-errors';
import { formatMoney, toDecimal } from '../lib/money';
import { code, type Fund } from './funds';

/**
 * Foreign exchange of a fund: the accounts that carry what conversions cost or gained, the FX
 * position a payout in another currency opens, and the entry of a settlement that closes it.
 *
 * A payout converted by the fund (it holds the payout currency) is paid from that currency's
 * bank on behalf of the award currency: the payout currency's clearing account holds what is
 * owed back to its bank (positive), the award currency's clearing account what its bank holds
 * for it (negative). A settlement sells the one and buys the other; when what is owed back is
 * covered, whatever is left in the sold currency's clearing account is what the conversion
 * really cost (or gained) and is realized against that currency's unrestricted pot.
 */

export const fxCode = {
  costs: (c: string) => `fx_costs:${c}`,
  gains: (c: string) => `fx_gains:${c}`,
};

/** FX fees and losses (an expense) and FX gains (revenue) in one currency, made on demand. */
export function fxResultSpecs(fundId: string, currency: string): AccountSpec[] {
  const base = { fundId, currency, pot: null, nonNegative: false } as const;
  return [
    {
      ...base,
      code: fxCode.costs(currency),
      name: `FX fees and conversion losses (${currency})`,
      type: 'expense',
      normalSide: 'debit',
      role: 'expense',
    },
    {
      ...base,
      code: fxCode.gains(currency),
      name: `FX conversion gains (${currency})`,
      type: 'revenue',
      normalSide: 'credit',
      role: 'revenue',
    },
  ];
}

function account(fund: Fund, accountCode: string): string {
  const id = fund.accounts.get(accountCode);
  if (!id) throw new Error(`fund ${fund.id} has no account ${accountCode}`);
  return id;
}

/** The pair of an FX clearing account code, `fx:A-B:C` → {pair: [A, B], currency: C}. */
export function parseFxCode(accountCode: string): { pair: [string, string]; currency: string } | null {
  const m = /^fx:([A-Z]{3})-([A-Z]{3}):([A-Z]{3})$/.exec(accountCode);
  return m ? { pair: [m[1]!, m[2]!], currency: m[3]! } : null;
}

/**
 * Money out for a purpose, paid in a currency the fund does not hold: the bank converts at
 * payout, so the award currency's bank pays amount + fees; the fees are an FX cost borne by the
 * fund's unrestricted money, the amount comes from the chosen pot.
 */
export function bankConvertedLines(
  fund: Fund,
  d: { pot: string; purpose: string; currency: string; amount: bigint; fees: bigint },
): PostingInput[] {
  const c = d.currency;
  const lines: PostingInput[] = [
    { accountId: account(fund, code.pot(d.pot, c)), side: 'debit', amount: d.amount },
    { accountId: account(fund, code.allocated(c)), side: 'credit', amount: d.amount },
    { accountId: account(fund, code.expense(d.purpose, c)), side: 'debit', amount: d.amount },
    { accountId: account(fund, code.bank(c)), side: 'credit', amount: d.amount + d.fees },
  ];
  if (d.fees > 0n)
    lines.push(
      { accountId: account(fund, code.pot('unrestricted', c)), side: 'debit', amount: d.fees },
      { accountId: account(fund, code.allocated(c)), side: 'credit', amount: d.fees },
      { accountId: account(fund, fxCode.costs(c)), side: 'debit', amount: d.fees },
    );
  return lines;
}

export interface Settlement {
  sold: { currency: string; amount: bigint };
  bought: { currency: string; amount: bigint };
  fees: { currency: string; amount: bigint } | null;
}

export interface Position {
  /** clearing balances (asset sign: positive = owed back to that currency's bank) */
  sold: bigint;
  bought: bigint;
}

export type SettlementPlan =
  | { refusal: string }
  | { closed: boolean; realized: { currency: string; amount: bigint } | null; after: Position };

/**
 * What a settlement does to the position of its pair. It must buy the currency whose bank is
 * owed (its clearing balance is positive) and no more than is owed (fees charged in that
 * currency add to what is owed). Covering it exactly closes the position: the sold currency's
 * clearing balance left over is realized (positive: a cost, negative: a gain).
 */
export function planSettlement(s: Settlement, before: Position): SettlementPlan {
  const feeIn = (c: string) => (s.fees && s.fees.currency === c ? s.fees.amount : 0n);
  if (before.bought <= 0n)
    return {
      refusal: `no ${s.bought.currency} is owed to the ${s.bought.currency} bank by ${s.sold.currency} payouts: there is no open position to cover`,
    };
  const after: Position = {
    sold: before.sold + s.sold.amount + feeIn(s.sold.currency),
    bought: before.bought - s.bought.amount + feeIn(s.bought.currency),
  };
  if (after.bought < 0n)
    return {
      refusal: `buys more ${s.bought.currency} than the open position needs; convert the rest as its own decision, not as an FX settlement`,
    };
  if (after.bought > 0n) return { closed: false, realized: null, after };
  const realized = after.sold === 0n ? null : { currency: s.sold.currency, amount: after.sold };
  return { closed: true, realized, after: { sold: 0n, bought: 0n } };
}

/** The settlement's entry: both banks, both clearing accounts, and any realized result. */
export function settlementLines(fund: Fund, s: Settlement, plan: { realized: { amount: bigint } | null }) {
  const [a, b] = [s.sold.currency, s.bought.currency];
  const fx = (c: string) => account(fund, code.fx(a, b, c));
  const feeIn = (c: string) => (s.fees && s.fees.currency === c ? s.fees.amount : 0n);
  const soldTotal = s.sold.amount + feeIn(a);
  const lines: PostingInput[] = [
    { accountId: account(fund, code.bank(a)), side: 'credit', amount: soldTotal },
    { accountId: fx(a), side: 'debit', amount: soldTotal },
    { accountId: account(fund, code.bank(b)), side: 'debit', amount: s.bought.amount },
    { accountId: fx(b), side: 'credit', amount: s.bought.amount },
  ];
  if (feeIn(b) > 0n)
    lines.push(
      { accountId: account(fund, code.bank(b)), side: 'credit', amount: feeIn(b) },
      { accountId: fx(b), side: 'debit', amount: feeIn(b) },
    );
  const r = plan.realized?.amount ?? 0n;
  const pot = () => account(fund, code.pot('unrestricted', a));
  const allocated = () => account(fund, code.allocated(a));
  if (r > 0n)
    lines.push(
      { accountId: fx(a), side: 'credit', amount: r },
      { accountId: pot(), side: 'debit', amount: r },
      { accountId: account(fund, fxCode.costs(a)), side: 'debit', amount: r },
      { accountId: allocated(), side: 'credit', amount: r },
    );
  if (r < 0n)
    lines.push(
      { accountId: fx(a), side: 'debit', amount: -r },
      { accountId: pot(), side: 'credit', amount: -r },
      { accountId: account(fund, fxCode.gains(a)), side: 'credit', amount: -r },
      { accountId: allocated(), side: 'debit', amount: -r },
    );
  return lines;
}

/**
 * Whether the stated rate (units of the bought currency per unit of the sold one) agrees with
 * the amounts within 1% — it catches a rate quoted the other way round, not a bank's rounding.
 */
export function rateAgrees(s: Settlement, rate: string): boolean {
  const implied = toDecimal(s.bought.amount, s.bought.currency).div(
    toDecimal(s.sold.amount, s.sold.currency),
  );
  return implied.minus(new Decimal(rate)).abs().lte(implied.mul('0.01'));
}

export interface FxPayout {
  currency: string;
  amount: bigint;
  fees: bigint;
  convertedBy: 'fund' | 'bank';
}

/** The pots may own more than the bank holds while FX payouts await settlement: say so. */
export function bankShortfall(fund: Fund, c: string, err: AccountOverdrawnError, advanced: bigint) {
  const m = (v: bigint) => `${formatMoney(v, c)} ${c}`;
  const why =
    advanced > 0n
      ? ` It paid ${m(advanced)} for payouts of other currencies, which comes back when that FX position is settled (GET /v1/funds/${fund.id}/fx-positions); until then the ${c} pots own more than the bank can pay (see "payable" in the balances).`
      : '';
  return new InsufficientFunds(
    `Insufficient funds: the ${c} bank and cash can pay ${String(err.extra.available)} ${c} now; ${String(err.extra.requested)} ${c} requested.${why}`,
    { ...err.extra, pot: null, fxAdvanced: formatMoney(advanced, c) },
  );
}
