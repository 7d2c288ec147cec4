import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { fundInReach, heldCurrency, potOf } from '../funds/funds.service';
import { transact, type Trx } from '../lib/db';
import { ValidationError } from '../lib/errors';
import { ApprovalThresholdUnreachable } from './disbursements.errors';
import { formatMoney, parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import { administratorsNeeded, type Policy } from './disbursements';
import { activeFundAdminsOf } from './approval-capacity.repository';
import { loadPolicy, savePolicy } from './disbursements.repository';

export interface PolicyBody {
  potOrder: string[];
  approvalThresholds: Array<{ currency: string; above: string }>;
}

function policyView(fundId: string, p: Policy) {
  return {
    fundId,
    potOrder: p.potOrder,
    approvalThresholds: [...p.thresholds]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, above]) => ({ currency, above: formatMoney(above, currency) })),
  };
}

export async function getPolicy(ctx: AppContext, call: Call, fundId: string) {
  const fund = await fundInReach(ctx.db, ctx.db, call.actor, fundId, false);
  return policyView(fund.id, await loadPolicy(ctx.db, fund.id));
}

/**
 * A threshold asks for two approvers besides the requester: a fund with fewer active
 * administrators would leave every request above it `requested` for ever.
 */
async function refuseUnreachableThreshold(trx: Trx, organizationId: string, hasThreshold: boolean) {
  if (!hasThreshold) return;
  const active = await activeFundAdminsOf(trx, organizationId);
  const needed = administratorsNeeded(true);
  if (active < needed)
    throw new ApprovalThresholdUnreachable(
      `A second-approval threshold needs ${needed} active fund administrators (the requester and two different approvers); this fund has ${active}.`,
      { activeAdministrators: active, administratorsNeeded: needed },
    );
}

/**
 * Replaces the fund's disbursement policy: the order pots are tried in, and per currency the
 * amount above which a second, different approver is needed (none unless set here).
 */
export async function putPolicy(ctx: AppContext, call: Call, fundId: string, body: PolicyBody) {
  return transact(ctx.db, async (trx: Trx) => {
    const fund = await fundInReach(ctx.db, trx, call.actor, fundId, true);
    body.potOrder.forEach((c, i) => {
      const pot = potOf(fund, c, `potOrder[${i}]`);
      if (pot.kind !== 'restricted' && pot.kind !== 'unrestricted')
        throw new ValidationError([
          { path: `potOrder[${i}]`, message: `pot "${c}" is never drawn on automatically` },
        ]);
    });
    const thresholds = new Map<string, bigint>();
    body.approvalThresholds.forEach((t, i) => {
      heldCurrency(fund, t.currency, `approvalThresholds[${i}].currency`);
      thresholds.set(t.currency, parseMoney(t.above, t.currency));
    });
    await refuseUnreachableThreshold(trx, fund.organizationId, thresholds.size > 0);
    const policy: Policy = { potOrder: body.potOrder, thresholds };
    await savePolicy(trx, fund.id, policy, call.actor.userId);
    await recordAudit(trx, {
      actor: call.actor,
      action: 'disbursement_policy.update',
      resourceType: 'fund',
      resourceId: fund.id,
      requestId: call.requestId,
      details: { potOrder: policy.potOrder, thresholdCurrencies: [...thresholds.keys()] },
    });
    return policyView(fund.id, policy);
  });
}
