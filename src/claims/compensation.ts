import type { HeadAmounts, SubrogationPolicy } from './claims';
import type { HeldInTrust } from './compensation-victim';
import type { Route } from './route-machines';

/**
 * The joined-up picture of one victim's compensation, per currency and head of loss, across
 * every route. Pure: claims and payments in, figures out (bigint minor units). Two rules:
 *
 * - No double recovery. A State-fund decision for a head is reduced (offset) by what other
 *   routes already paid that reached the victim for the same head and currency.
 * - Subrogation. When the fund paid and the perpetrator later pays the same head, part of that
 *   later money is due to the fund: all of it up to what the fund paid (`fund_first`), or only
 *   what exceeds the victim's full loss (`victim_first`, the default).
 *
 * Figures never mix currencies. One State-fund claim per head and currency is the normal case;
 * with several, their figures are pooled and the earliest claim's fund policy applies.
 */
export interface SummaryClaim {
  id: string;
  reference: string;
  route: Route;
  status: string;
  currency: string;
  fundId: string | null;
  heads: HeadAmounts[];
}

export interface SummaryPayment {
  claimId: string;
  head: string;
  currency: string;
  amount: bigint;
  payer: string;
  paidTo: 'victim' | 'fund';
  /** For money paid into the fund: the part that reimbursed the fund, and the part held for the victim. */
  recovery: bigint;
  trust: bigint;
}

export interface HeadFigures {
  currency: string;
  head: string;
  claimed: bigint;
  awarded: bigint;
  received: bigint;
  owedToFund: bigint;
  outstanding: bigint;
  offset: bigint;
  subrogation: {
    fundId: string;
    policy: SubrogationPolicy;
    fundPaid: bigint;
    laterPaidByPerpetrator: bigint;
    dueToFund: bigint;
    recoveredByFund: bigint;
  } | null;
}

const max = (...xs: bigint[]) => xs.reduce((a, b) => (b > a ? b : a));
const min = (...xs: bigint[]) => xs.reduce((a, b) => (b < a ? b : a));
const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

/** Money from another route that reached the victim (directly, or held in trust by the fund). */
export function reachedVictim(p: SummaryPayment): bigint {
  return p.paidTo === 'victim' ? p.amount : p.trust;
}

/**
 * The offset for a State-fund decision of `decided` on a head: what other routes paid to the
 * victim for it, less what other State-fund decisions already offset.
 */
export function decisionOffset(
  decided: bigint,
  claim: { id: string; currency: string },
  head: string,
  claims: SummaryClaim[],
  payments: SummaryPayment[],
): bigint {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const paidElsewhere = sum(
    payments
      .filter(
        (p) =>
          p.head === head && p.currency === claim.currency && byId.get(p.claimId)?.route !== 'state_fund',
      )
      .map(reachedVictim),
  );
  const offsetByOthers = sum(
    claims
      .filter((c) => c.route === 'state_fund' && c.id !== claim.id && c.currency === claim.currency)
      .flatMap((c) => c.heads.filter((h) => h.head === head).map((h) => h.offset)),
  );
  return min(decided, max(0n, paidElsewhere - offsetByOthers));
}

export function headFigures(
  currency: string,
  head: string,
  claims: SummaryClaim[],
  payments: SummaryPayment[],
  policyOf: (fundId: string) => SubrogationPolicy,
): HeadFigures {
  const here = claims.filter((c) => c.currency === currency);
  const heads = here.flatMap((c) => c.heads.filter((h) => h.head === head).map((h) => ({ c, h })));
  const fund = heads.filter((x) => x.c.route === 'state_fund');
  const other = heads.filter((x) => x.c.route !== 'state_fund');
  const routeOf = new Map(here.map((c) => [c.id, c.route]));
  const pays = payments.filter((p) => p.currency === currency && p.head === head && routeOf.has(p.claimId));
  const fundPays = pays.filter((p) => routeOf.get(p.claimId) === 'state_fund');
  const otherPays = pays.filter((p) => routeOf.get(p.claimId) !== 'state_fund');

  const offset = sum(fund.map((x) => x.h.offset));
  // The victim's loss for this head: the largest award on any route (a fund decision before offset).
  const loss = max(0n, ...other.map((x) => x.h.awarded), ...fund.map((x) => x.h.decided ?? 0n));
  const fundPaid = sum(fundPays.map((p) => p.amount));
  const laterPaid = max(0n, sum(otherPays.map((p) => p.amount)) - offset);
  const policy = fund[0]?.c.fundId ? policyOf(fund[0].c.fundId) : 'victim_first';
  const dueToFund =
    policy === 'fund_first'
      ? min(fundPaid, laterPaid)
      : min(fundPaid, laterPaid, max(0n, offset + fundPaid + laterPaid - loss));
  const recovered = sum(otherPays.map((p) => p.recovery));
  const received = sum(pays.map((p) => (p.paidTo === 'victim' ? p.amount : p.trust)));
  const owedToFund = max(0n, dueToFund - recovered);
  return {
    currency,
    head,
    claimed: max(0n, ...heads.map((x) => x.h.claimed)),
    awarded: loss,
    received,
    owedToFund,
    outstanding: max(0n, loss - (received - owedToFund)),
    offset,
    subrogation:
      fund[0]?.c.fundId && (fundPaid > 0n || offset > 0n)
        ? {
            fundId: fund[0].c.fundId,
            policy,
            fundPaid,
            laterPaidByPerpetrator: laterPaid,
            dueToFund,
            recoveredByFund: recovered,
          }
        : null,
  };
}

export interface RouteFigures {
  route: Route;
  currency: string;
  claimIds: string[];
  claimed: bigint;
  awarded: bigint;
  received: bigint;
  /** What can still come on this route: no more than what is still owed for each head overall. */
  outstanding: bigint;
  offset: bigint;
  heldInTrust: bigint;
}

export interface CurrencyFigures {
  claimed: bigint;
  awarded: bigint;
  received: bigint;
  owedToFund: bigint;
  /** Still owed to the victim: each head of loss once, across every route, after offsets. */
  outstanding: bigint;
  heldInTrust: bigint;
}

/**
 * The summary per head, per route and per currency. Routes overlap (the same wages claimed in
 * the labour court and in the criminal case), so per-route figures are not to be added up: each
 * head's still-owed figure is counted once, in `byHead` and in the currency totals; a route's
 * `outstanding` is what it awarded and has not paid, capped by what the head still owes.
 */
export function compensationSummary(
  claims: SummaryClaim[],
  payments: SummaryPayment[],
  policyOf: (fundId: string) => SubrogationPolicy,
  held: HeldInTrust[] = [],
) {
  const keyOf = (currency: string, head: string) => `${currency}/${head}`;
  const heldBy = (claimIds: Set<string>, head?: string) =>
    sum(held.filter((x) => claimIds.has(x.claimId) && (!head || x.head === head)).map((x) => x.held));
  const keys = new Map<string, { currency: string; head: string }>();
  for (const c of claims)
    for (const h of c.heads) keys.set(keyOf(c.currency, h.head), { currency: c.currency, head: h.head });
  const byHead = [...keys.values()]
    .sort((a, b) => a.currency.localeCompare(b.currency) || a.head.localeCompare(b.head))
    .map((k) => ({
      ...headFigures(k.currency, k.head, claims, payments, policyOf),
      heldInTrust: heldBy(new Set(claims.filter((c) => c.currency === k.currency).map((c) => c.id)), k.head),
    }));
  const stillOwedFor = new Map(byHead.map((h) => [keyOf(h.currency, h.head), h.outstanding]));

  const routes = new Map<string, RouteFigures>();
  for (const c of claims) {
    const key = `${c.route}/${c.currency}`;
    const r = routes.get(key) ?? {
      route: c.route,
      currency: c.currency,
      claimIds: [],
      claimed: 0n,
      awarded: 0n,
      received: 0n,
      outstanding: 0n,
      offset: 0n,
      heldInTrust: 0n,
    };
    r.claimIds.push(c.id);
    for (const h of c.heads) {
      r.claimed += h.claimed;
      r.awarded += h.awarded;
      r.received += h.received;
      r.outstanding += min(
        max(0n, h.awarded - h.received),
        stillOwedFor.get(keyOf(c.currency, h.head)) ?? 0n,
      );
      r.offset += h.offset;
    }
    r.heldInTrust += heldBy(new Set([c.id]));
    routes.set(key, r);
  }

  const currencies: Record<string, CurrencyFigures> = {};
  for (const h of byHead) {
    const t = (currencies[h.currency] ??= {
      claimed: 0n,
      awarded: 0n,
      received: 0n,
      owedToFund: 0n,
      outstanding: 0n,
      heldInTrust: 0n,
    });
    t.claimed += h.claimed;
    t.awarded += h.awarded;
    t.received += h.received;
    t.owedToFund += h.owedToFund;
    t.outstanding += h.outstanding;
    t.heldInTrust += h.heldInTrust;
  }
  const stillOwed = Object.fromEntries(Object.entries(currencies).map(([cur, t]) => [cur, t.outstanding]));
  return { currencies, stillOwed, byRoute: [...routes.values()], byHead };
}
