import rulesFile from './rules/jurisdictions.json';
import type { Route } from './route-machines';

/** Typed view of `rules/jurisdictions.json` (the data lives there, not in code). */
export interface PeriodRule {
  years?: number;
  months?: number;
  days?: number;
}

export type ChildClock =
  | { mode: 'starts_at_majority'; age?: number; years?: number }
  | { mode: 'not_before_majority_plus'; years: number };

export interface LimitationRule extends PeriodRule {
  child: ChildClock | null;
  basis: string;
}

export interface DaysRule {
  days: number;
  basis: string;
}

export interface RouteRules {
  limitation: LimitationRule | null;
  decision: DaysRule | null;
  appeal: DaysRule | null;
}

export interface JurisdictionRules {
  name: string;
  majorityAge: number;
  reflection: DaysRule;
  routes: Record<Route, RouteRules>;
}

const file = rulesFile as unknown as {
  jurisdictions: Record<string, JurisdictionRules>;
  fallback: JurisdictionRules;
};

export const RULE_JURISDICTIONS: readonly string[] = Object.keys(file.jurisdictions);

/** The jurisdiction's own rules, or the fallback (with `fallback: true`) for any other country. */
export function rulesFor(jurisdiction: string): JurisdictionRules & { code: string; fallback: boolean } {
  const own = Object.hasOwn(file.jurisdictions, jurisdiction) ? file.jurisdictions[jurisdiction] : undefined;
  return { ...(own ?? file.fallback), code: jurisdiction, fallback: !own };
}
