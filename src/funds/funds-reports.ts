import type { Account } from '../ledger/ledger';
import { accountsOfFunds } from '../ledger/ledger.repository';
import { balancesAsOf, periodBalances } from '../ledger/ledger-history.repository';
import type { Actor } from '../lib/auth';
import { assertDateOrder, notBefore } from '../lib/date-order';
import type { Db } from '../lib/db';
import { formatMoney } from '../lib/money';
import { code, PURPOSES, RECEIPT_SOURCES } from './funds';
import { fundHolding, fundWithPots } from './funds.repository';
import { fxCode } from './fx';
import { bankFlows } from './fx.repository';
import { fundInReach, heldCurrency } from './funds.service';

/** Read models of a fund, per currency (two currencies are never added together). */

async function fundAccounts(db: Db, actor: Actor, fundId: string, currency: string | undefined) {
  const reached = await fundInReach(db, db, actor, fundId, false);
  const c = currency ?? reached.currency;
  const cached = await fundHolding(db, db, reached, [c]);
  heldCurrency(cached, c);
  const accounts = (await accountsOfFunds(db, [cached.id])).filter((a) => a.currency === c);
  // Pots made since the fund was cached (trust and committed pots) must be counted too.
  const potCodes = accounts.filter((a) => a.pot !== null).map((a) => a.pot!);
  const fund = await fundWithPots(db, db, cached, potCodes);
  return { fund, currency: c, accounts };
}

/** Balances now, or as of a moment, in one currency (default: the fund's). */
export interface BalancesQuery {
  asOf?: Date;
  currency?: string;
}

/** A statement over a period of days, in one currency (default: the fund's). */
export interface StatementQuery {
  from: string;
  to: string;
  currency?: string;
}
export async function fundBalances(db: Db, actor: Actor, fundId: string, q: BalancesQuery) {
  const { fund, currency, accounts } = await fundAccounts(db, actor, fundId, q.currency);
  let current: Account[] = accounts;
  if (q.asOf) {
    const past = await balancesAsOf(
      db,
      accounts.map((a) => a.id),
      q.asOf,
    );
    current = accounts.map((a) => ({ ...a, ...past.get(a.id)! }));
  }
  const byCode = new Map(current.map((a) => [a.code, a]));
  const m = (v: bigint) => formatMoney(v, currency);
  const bank = byCode.get(code.bank(currency))!;
  // What this currency's bank and cash can still pay (approved payouts already hold their part).
  // While FX payouts await settlement the pots own more than that: no pot shows more available
  // than the bank can pay, and the difference is the FX position (see fxClearing).
  const payable = bank.posted - bank.pending;
  const cap = (v: bigint) => (v > payable ? (payable > 0n ? payable : 0n) : v);
  let total = 0n;
  let pending = 0n;
  const pots = fund.pots.map((p) => {
    const a = byCode.get(code.pot(p.code, currency))!;
    total += a.posted;
    pending += a.pending;
    const own = a.posted - a.pending;
    return {
      code: p.code,
      name: p.name,
      kind: p.kind,
      purposes: p.purposes,
      posted: m(a.posted),
      pending: m(a.pending),
      available: m(cap(own)),
      /** posted − pending: what the pot owns unspent, before the bank's cap */
      unspent: m(own),
      cappedByBank: own > cap(own),
    };
  });
  const earmarked = fund.pots
    .filter((p) => p.kind === 'committed' || p.kind === 'trust')
    .reduce((s, p) => {
      const a = byCode.get(code.pot(p.code, currency))!;
      return s + a.posted - a.pending;
    }, 0n);
  const sumOf = (kind: string) =>
    fund.pots
      .filter((p) => p.kind === kind)
      .reduce((s, p) => s + byCode.get(code.pot(p.code, currency))!.posted, 0n);
  const fxClearing = current.filter((a) => a.code.startsWith('fx:')).reduce((s, a) => s + a.posted, 0n);
  const free = total - pending - earmarked;
  return {
    fundId: fund.id,
    currency,
    currencies: fund.currencies,
    asOf: (q.asOf ?? new Date()).toISOString(),
    total: m(total),
    pending: m(pending),
    // Free to spend: committed and trust pots are kept for one award or one victim; never more
    // than the bank can pay.
    available: m(cap(free)),
    bankAndCash: m(bank.posted),
    payable: m(payable),
    // Cash in transit between currencies (payouts in another currency): total = bank + this.
    fxClearing: m(fxClearing),
    cap:
      fxClearing > 0n
        ? `The ${currency} bank paid ${m(fxClearing)} ${currency} for payouts of other currencies, not yet converted back (GET /v1/funds/${fund.id}/fx-positions): until an FX settlement covers it, no pot shows more available than the ${m(payable)} ${currency} the bank can pay.`
        : null,
    // Decided State-fund awards not yet paid, and money held in trust for victims: part of the
    // total, never available for anything else.
    committed: m(sumOf('committed')),
    heldInTrust: m(sumOf('trust')),
    pots,
  };
}

function dayStart(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/**
 * A period [from 00:00 UTC, the day after `to` 00:00 UTC). Every figure is a difference of two
 * balance_after look-ups in ONE statement (one snapshot), so the statement ties to the ledger
 * exactly: opening + receipts − disbursements + fxGains − fxCosts + adjustments = closing, where
 * adjustments are manual entries that moved pots and bank without revenue or expense (normally
 * 0). `bankAndCash` does the same for the bank alone, where FX payouts and fees are outflows.
 */
export async function fundStatement(db: Db, actor: Actor, fundId: string, q: StatementQuery) {
  assertDateOrder([notBefore('query.to', q.to, 'the start of the period (from)', q.from)]);
  const { fund, currency, accounts } = await fundAccounts(db, actor, fundId, q.currency);
  const start = dayStart(q.from);
  const end = new Date(dayStart(q.to).getTime() + 24 * 3600 * 1000);
  const ids = accounts.map((a) => a.id);
  const period = await periodBalances(db, ids, start, end);
  const byCode = new Map(accounts.map((a) => [a.code, a.id]));
  const at = (which: 'opening' | 'closing', accountCode: string) =>
    period.get(byCode.get(accountCode)!)?.[which] ?? 0n;
  const opening = 'opening' as const;
  const closing = 'closing' as const;
  const moved = (accountCode: string) => at(closing, accountCode) - at(opening, accountCode);
  const m = (v: bigint) => formatMoney(v, currency);

  const potsOpen = fund.pots.reduce((s, p) => s + at(opening, code.pot(p.code, currency)), 0n);
  const potsClose = fund.pots.reduce((s, p) => s + at(closing, code.pot(p.code, currency)), 0n);
  let receipts = 0n;
  let disbursements = 0n;
  const receiptsBySource: Record<string, string> = {};
  for (const s of RECEIPT_SOURCES) {
    const v = moved(code.revenue(s, currency));
    receipts += v;
    receiptsBySource[s] = m(v);
  }
  const disbursementsByPurpose: Record<string, string> = {};
  for (const p of PURPOSES) {
    const v = moved(code.expense(p, currency));
    disbursements += v;
    disbursementsByPurpose[p] = m(v);
  }
  // Made on demand: a currency that never converted has neither account.
  const maybe = (accountCode: string) => (byCode.has(accountCode) ? moved(accountCode) : 0n);
  const fxGains = maybe(fxCode.gains(currency));
  const fxCosts = maybe(fxCode.costs(currency));
  const bankId = byCode.get(code.bank(currency))!;
  const flows = await bankFlows(db, bankId, currency, start, end);
  const bankOpen = at(opening, code.bank(currency));
  const bankClose = at(closing, code.bank(currency));
  const cashIn = flows.receipts + flows.fxBought;
  const cashOut = flows.disbursements + flows.fxPayouts + flows.fxFees + flows.fxSold;
  return {
    fundId: fund.id,
    currency,
    from: q.from,
    to: q.to,
    opening: m(potsOpen),
    receiptsBySource,
    totalReceipts: m(receipts),
    disbursementsByPurpose,
    totalDisbursements: m(disbursements),
    // Realized when an FX settlement closes a position, and fees of payouts the bank converted.
    fxGains: m(fxGains),
    fxCosts: m(fxCosts),
    adjustments: m(potsClose - potsOpen - receipts + disbursements - fxGains + fxCosts),
    closing: m(potsClose),
    // The currency's bank and cash alone (the pots also own what FX payouts advanced to other
    // currencies): opening + receipts + fxBought − disbursements − fxPayouts − fxFees − fxSold
    // + adjustments = closing.
    bankAndCash: {
      opening: m(bankOpen),
      receipts: m(flows.receipts),
      fxBought: m(flows.fxBought),
      disbursements: m(flows.disbursements),
      fxPayouts: m(flows.fxPayouts),
      fxFees: m(flows.fxFees),
      fxSold: m(flows.fxSold),
      adjustments: m(bankClose - bankOpen - cashIn + cashOut),
      closing: m(bankClose),
    },
    pots: fund.pots.map((p) => ({
      code: p.code,
      opening: m(at(opening, code.pot(p.code, currency))),
      closing: m(at(closing, code.pot(p.code, currency))),
    })),
  };
}
