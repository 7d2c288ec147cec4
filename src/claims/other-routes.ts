import type { Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { formatMoney } from '../lib/money';
import { loadRecords } from './claims.access';
import type { ClaimRecord } from './claims';
import { claimsOfVictim, type ClaimRow } from './claims.repository';

export interface OtherRoute {
  route: string;
  status: string;
  currency: string;
  heads: Array<{ head: string; claimed: string; awarded: string; received: string }>;
}

/**
 * What a fund administrator deciding a State-fund application needs of the applicant's other
 * claims: the route, its stage and per head what was claimed, awarded and received, for the
 * offset against double recovery. No ids, references, case numbers, forum, respondent or notes:
 * those other claims stay outside the fund's reach.
 */
export function presentOtherRoutes(others: ClaimRecord[]): OtherRoute[] {
  return others.map((c) => ({
    route: c.route,
    status: c.status,
    currency: c.currency,
    heads: c.heads.map((h) => ({
      head: h.head,
      claimed: formatMoney(h.claimed, c.currency),
      awarded: formatMoney(h.awarded, c.currency),
      received: formatMoney(h.received, c.currency),
    })),
  }));
}

/** Only for a fund administrator reading a State-fund claim of their fund; undefined otherwise. */
export async function otherRoutesFor(
  db: Db | Trx,
  actor: Actor,
  claim: ClaimRow,
): Promise<OtherRoute[] | undefined> {
  if (actor.role !== 'fund_admin' || claim.route !== 'state_fund') return undefined;
  const rows = (await claimsOfVictim(db, claim.victim_id)).filter((r) => r.id !== claim.id);
  return presentOtherRoutes(await loadRecords(db, rows));
}
