import type { SummaryClaim, SummaryPayment } from '../claims/compensation';
import {
  claimMoney,
  type ClaimMoney,
  type HeldInTrust,
  type PaymentState,
} from '../claims/compensation-victim';
import { stateRule, type Route } from '../claims/route-machines';
import type { Language } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import { stateTextKeys } from './status';
import { formatAmount } from './status.format';
import type { StatusClaimRow } from './status.repository';
import { hasText, tr } from './status.view';

/**
 * Each claim in plain words for the victim, and the few figures that matter across them. The
 * money follows what really happened: `paid` is what reached the victim, `heldInTrust` what the
 * fund keeps for them, and what is still owed is counted once per loss, not once per route.
 */
export interface StatusClaim {
  route: string;
  status: string;
  statusText: string;
  nextStep: string;
  updatedOn: string;
  awarded: string;
  /** Money of this claim that reached the victim (not what the fund holds in trust or recovered). */
  paid: string;
  currency: string;
  heldInTrust: string;
  paymentState: PaymentState;
  /** A sentence on partial payment and money held in trust; empty when there is none. */
  paymentText: string;
  nextHearingOn: string | null;
}

export interface StatusSummary {
  /** Per currency: what is still owed to the victim, each loss counted once across routes. */
  stillOwed: Record<string, string>;
  heldInTrust: Record<string, string>;
  /** Per currency: whether anything has been awarded (before that, "still owed" means nothing yet). */
  awarded: Record<string, string>;
  nextHearingOn: string | null;
}

export interface StatusMoney {
  claims: SummaryClaim[];
  payments: SummaryPayment[];
  held: HeldInTrust[];
  stillOwed: Record<string, bigint>;
  awarded: Record<string, bigint>;
  /** Per `currency/head`: what is still owed for that loss overall. */
  headOwed: Map<string, bigint>;
}

const FINISHED = new Set(['closed', 'withdrawn']);

/**
 * The state's own words, unless the money says otherwise. A stage that awaits payment (an award,
 * or enforcing it) must not tell the victim to wait for money once nothing more is owed to them
 * on it: paid in full, or the rest of the loss paid on another route. Money held in trust must
 * not read as paid to them.
 */
export function claimTexts(
  language: Language,
  claim: { route: Route; status: string; currency: string },
  money: ClaimMoney,
): { statusText: string; nextStep: string; paymentText: string } {
  const t = tr(language);
  const keys = stateTextKeys(claim.route, claim.status, hasText);
  let statusText = t(keys.text);
  let nextStep = t(keys.next);
  const awaitsPayment =
    stateRule(claim.route, claim.status)?.outcome === 'award' ||
    claim.status === 'enforcement' ||
    claim.status === 'paid';
  const settled = money.paymentState === 'paid' || (money.awarded > 0n && money.stillOwed === 0n);
  if (settled && awaitsPayment) {
    if (money.heldInTrust > 0n) {
      statusText = t('payment.paidInTrust.text');
      nextStep = t('payment.inTrust.next');
    } else if (money.paymentState !== 'paid') {
      statusText = t('payment.covered.text');
      nextStep = t('payment.paid.next');
    } else if (claim.status !== 'paid') {
      statusText = t('payment.paid.text');
      nextStep = t('payment.paid.next');
    }
  } else if (money.heldInTrust > 0n && !FINISHED.has(claim.status)) {
    nextStep = `${nextStep} ${t('payment.inTrust.next')}`;
  }
  const sentences: string[] = [];
  if (money.paymentState === 'partly_paid') sentences.push(t('payment.partly.text'));
  if (money.heldInTrust > 0n)
    sentences.push(
      t('payment.inTrust.text', {
        amount: formatAmount(formatMoney(money.heldInTrust, claim.currency), language),
        currency: claim.currency,
      }),
    );
  return { statusText, nextStep, paymentText: sentences.join(' ') };
}

export function statusView(
  language: Language,
  rows: StatusClaimRow[],
  money: StatusMoney,
): { claims: StatusClaim[]; summary: StatusSummary } {
  const byId = new Map(money.claims.map((c) => [c.id, c]));
  const held: Record<string, bigint> = {};
  const claims = rows.map((r) => {
    const figures = claimMoney(
      { id: r.id, currency: r.currency, heads: byId.get(r.id)?.heads ?? [] },
      money.payments,
      money.held,
      (currency, head) => money.headOwed.get(`${currency}/${head}`) ?? 0n,
    );
    held[r.currency] = (held[r.currency] ?? 0n) + figures.heldInTrust;
    const m = (n: bigint) => formatMoney(n, r.currency);
    return {
      route: r.route,
      status: r.status,
      ...claimTexts(language, { route: r.route as Route, status: r.status, currency: r.currency }, figures),
      updatedOn: r.updated_on,
      awarded: m(figures.awarded),
      paid: m(figures.paid),
      currency: r.currency,
      heldInTrust: m(figures.heldInTrust),
      paymentState: figures.paymentState,
      nextHearingOn: r.hearing_on,
    };
  });
  const perCurrency = (xs: Record<string, bigint>) =>
    Object.fromEntries(
      Object.keys(money.stillOwed)
        .sort()
        .map((cur) => [cur, formatMoney(xs[cur] ?? 0n, cur)]),
    );
  const hearings = rows.map((r) => r.hearing_on).filter((d): d is string => d !== null);
  return {
    claims,
    summary: {
      stillOwed: perCurrency(money.stillOwed),
      heldInTrust: perCurrency(held),
      awarded: perCurrency(money.awarded),
      nextHearingOn: hearings.length ? hearings.sort()[0]! : null,
    },
  };
}
