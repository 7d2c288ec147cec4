import type { SubrogationPolicy } from './claims';

/**
 * `GET /v1/victims/:id/compensation` as answered: every amount a decimal string in its own
 * currency, and currencies never added together.
 */
export interface CurrencyTotalsView {
  claimed: string;
  awarded: string;
  received: string;
  outstanding: string;
  owedToFund: string;
  heldInTrust: string;
}

export interface RouteFiguresView {
  route: string;
  currency: string;
  claimIds: string[];
  claimed: string;
  awarded: string;
  received: string;
  outstanding: string;
  heldInTrust: string;
  /** State fund only: what other routes' money took off the fund's award. */
  offset?: string;
}

export interface SubrogationView {
  fundId: string;
  policy: SubrogationPolicy;
  fundPaid: string;
  laterPaidByPerpetrator: string;
  dueToFund: string;
  recoveredByFund: string;
}

export interface HeadFiguresView {
  currency: string;
  head: string;
  claimed: string;
  awarded: string;
  received: string;
  outstanding: string;
  offset: string;
  owedToFund: string;
  heldInTrust: string;
  subrogation: SubrogationView | null;
}

export interface CompensationView {
  victimId: string;
  currencies: Record<string, CurrencyTotalsView>;
  stillOwed: Record<string, string>;
  byRoute: RouteFiguresView[];
  byHead: HeadFiguresView[];
}
