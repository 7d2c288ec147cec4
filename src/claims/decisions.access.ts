import type { Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import { claimFor } from './claims.access';
import { findTransitionOf } from './claims.repository';
import { stateRule, type Route } from './route-machines';

/**
 * A decision of a claim — an entry of its history that moved it into a state with an outcome
 * (an award or none: `decided`, `denied`, a judgment) — within the caller's reach of the claim.
 */
export async function decisionFor(
  db: Db | Trx,
  actor: Actor,
  claimId: string,
  decisionId: string,
): Promise<{ claimId: string; decisionId: string; status: string }> {
  const claim = await claimFor(db, actor, claimId);
  const entry = await findTransitionOf(db, claimId, decisionId);
  if (!entry || !stateRule(claim.route as Route, entry.to_status)?.outcome)
    throw new NotFoundError('decision');
  return { claimId, decisionId: entry.id, status: entry.to_status };
}
