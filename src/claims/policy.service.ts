import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { sameOrganization, type Actor } from '../lib/auth';
import { transact } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import type { SubrogationPolicy } from './claims';
import { findFund, setSubrogationPolicy, subrogationPolicy } from './claims.repository';

/** Kept in claims' own table keyed by fund id: the ledger's `funds` table has no such column. */
async function fundInReach(ctx: AppContext, actor: Actor, fundId: string) {
  const fund = await findFund(ctx.db, fundId);
  if (!fund || (actor.role !== 'auditor' && !sameOrganization(actor, fund.organization_id)))
    throw new NotFoundError('fund');
  return fund;
}

export async function getPolicy(ctx: AppContext, actor: Actor, fundId: string) {
  await fundInReach(ctx, actor, fundId);
  return { fundId, policy: await subrogationPolicy(ctx.db, fundId) };
}

export async function putPolicy(
  ctx: AppContext,
  actor: Actor,
  fundId: string,
  policy: SubrogationPolicy,
  requestId: string,
) {
  await fundInReach(ctx, actor, fundId);
  await transact(ctx.db, async (trx) => {
    await setSubrogationPolicy(trx, fundId, policy, actor.userId);
    await recordAudit(trx, {
      actor,
      action: 'fund.subrogation_policy.set',
      resourceType: 'fund',
      resourceId: fundId,
      requestId,
      details: { policy },
    });
  });
  return { fundId, policy };
}
