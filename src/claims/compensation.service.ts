import type { CompensationView } from './compensation-view';
import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact, type Db, type Trx } from '../lib/db';
import { formatMoney } from '../lib/money';
import { victimAccess } from '../victims/victims.service';
import { claimRowToRecord } from './claims.access';
import type { SubrogationPolicy } from './claims';
import { claimsOfVictim, headsOf, paymentsOfVictim, subrogationPolicy } from './claims.repository';
import { compensationSummary, type SummaryClaim, type SummaryPayment } from './compensation';
import { heldInTrustDisbursements, trustReleasesOf } from './compensation.repository';
import { stillHeld, type HeldInTrust, type TrustDeposit } from './compensation-victim';

export interface VictimMoney {
  claims: SummaryClaim[];
  payments: SummaryPayment[];
  policies: Map<string, SubrogationPolicy>;
  /** Per payment put in trust: what the fund still holds of it for the victim. */
  held: HeldInTrust[];
}

type LoadedPayment = Awaited<ReturnType<typeof paymentsOfVictim>>[number];

/** Money that went into the victim's trust pot, less what was paid out of it to them since. */
async function heldInTrust(db: Db | Trx, victimId: string, rows: LoadedPayment[]): Promise<HeldInTrust[]> {
  const ids = rows.map((p) => p.disbursement_id).filter((id): id is string => !!id);
  const inTrust = await heldInTrustDisbursements(db, ids);
  const deposits: TrustDeposit[] = [];
  for (const p of rows) {
    const award = p.disbursement_id ? inTrust.get(p.disbursement_id) : undefined;
    const part = p.paid_to === 'fund' ? BigInt(p.trust_minor) : award ? BigInt(p.amount_minor) : 0n;
    const fundId = p.paid_to === 'fund' ? p.fund_id : award?.fundId;
    if (part > 0n && fundId)
      deposits.push({ claimId: p.claim_id, head: p.head, currency: p.currency, fundId, amount: part });
  }
  if (deposits.length === 0) return [];
  return stillHeld(deposits, await trustReleasesOf(db, victimId)).filter((h) => h.held > 0n);
}

/** Every claim and payment of one victim, in the shape the pure summary rules take. */
export async function loadVictimMoney(db: Db | Trx, victimId: string): Promise<VictimMoney> {
  const rows = await claimsOfVictim(db, victimId);
  const heads = await headsOf(
    db,
    rows.map((r) => r.id),
  );
  const claims = rows.map((r) => {
    const c = claimRowToRecord(r, heads);
    return {
      id: c.id,
      reference: c.reference,
      route: c.route,
      status: c.status,
      currency: c.currency,
      fundId: c.fundId,
      heads: c.heads,
    };
  });
  const paymentRows = await paymentsOfVictim(db, victimId);
  const payments = paymentRows.map((p) => ({
    claimId: p.claim_id,
    head: p.head,
    currency: p.currency,
    amount: BigInt(p.amount_minor),
    payer: p.payer,
    paidTo: p.paid_to,
    recovery: BigInt(p.recovery_minor),
    trust: BigInt(p.trust_minor),
  }));
  const policies = new Map<string, SubrogationPolicy>();
  for (const fundId of new Set(claims.map((c) => c.fundId).filter((f): f is string => !!f)))
    policies.set(fundId, await subrogationPolicy(db, fundId));
  return { claims, payments, policies, held: await heldInTrust(db, victimId, paymentRows) };
}

export function policyLookup(money: VictimMoney): (fundId: string) => SubrogationPolicy {
  return (fundId) => money.policies.get(fundId) ?? 'victim_first';
}

/** The victim's money and its joined-up summary (what the status page shows, too). */
export async function victimMoneySummary(db: Db | Trx, victimId: string) {
  const money = await loadVictimMoney(db, victimId);
  return {
    money,
    summary: compensationSummary(money.claims, money.payments, policyLookup(money), money.held),
  };
}

export async function victimCompensation(
  ctx: AppContext,
  actor: Actor,
  victimId: string,
  requestId: string,
): Promise<CompensationView> {
  return transact(ctx.db, async (trx) => {
    await victimAccess(trx, actor, victimId);
    const { summary: s } = await victimMoneySummary(trx, victimId);
    await recordAudit(trx, {
      actor,
      action: 'victim.compensation.read',
      resourceType: 'victim',
      resourceId: victimId,
      requestId,
    });
    return {
      victimId,
      currencies: Object.fromEntries(
        Object.entries(s.currencies).map(([cur, t]) => [
          cur,
          {
            claimed: formatMoney(t.claimed, cur),
            awarded: formatMoney(t.awarded, cur),
            received: formatMoney(t.received, cur),
            outstanding: formatMoney(t.outstanding, cur),
            owedToFund: formatMoney(t.owedToFund, cur),
            heldInTrust: formatMoney(t.heldInTrust, cur),
          },
        ]),
      ),
      stillOwed: Object.fromEntries(
        Object.entries(s.stillOwed).map(([cur, owed]) => [cur, formatMoney(owed, cur)]),
      ),
      byRoute: s.byRoute.map((r) => ({
        route: r.route,
        currency: r.currency,
        claimIds: r.claimIds,
        claimed: formatMoney(r.claimed, r.currency),
        awarded: formatMoney(r.awarded, r.currency),
        received: formatMoney(r.received, r.currency),
        outstanding: formatMoney(r.outstanding, r.currency),
        heldInTrust: formatMoney(r.heldInTrust, r.currency),
        ...(r.route === 'state_fund' ? { offset: formatMoney(r.offset, r.currency) } : {}),
      })),
      byHead: s.byHead.map((h) => {
        const m = (n: bigint) => formatMoney(n, h.currency);
        return {
          currency: h.currency,
          head: h.head,
          claimed: m(h.claimed),
          awarded: m(h.awarded),
          received: m(h.received),
          outstanding: m(h.outstanding),
          offset: m(h.offset),
          owedToFund: m(h.owedToFund),
          heldInTrust: m(h.heldInTrust),
          subrogation: h.subrogation
            ? {
                fundId: h.subrogation.fundId,
                policy: h.subrogation.policy,
                fundPaid: m(h.subrogation.fundPaid),
                laterPaidByPerpetrator: m(h.subrogation.laterPaidByPerpetrator),
                dueToFund: m(h.subrogation.dueToFund),
                recoveredByFund: m(h.subrogation.recoveredByFund),
              }
            : null,
        };
      }),
    };
  });
}
