import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { todayUtc } from '../lib/dates';
import { transact } from '../lib/db';
import { ForbiddenError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { FIELD } from '../victims/victims.mapper';
import {
  assignedOpenClaims,
  assignedVictims,
  disbursementsAwaitingApprovalBy,
  stateFundDecisionsDue,
  stateFundStageCounts,
} from './caseload.repository';

const LIMIT = 500;
/** An unmet deadline this close (days) puts the claim in "waiting on me". */
const DUE_SOON_DAYS = 14;

export interface CaseloadClaim {
  id: string;
  reference: string;
  victimId: string;
  route: string;
  status: string;
  nextDeadline: { kind: string; dueOn: string } | null;
  nextHearingOn: string | null;
  overdue: boolean;
}

export interface WaitingOnMe {
  claimId: string;
  reference: string;
  why: 'info_requested' | 'deadline_due';
  dueOn: string | null;
}

export interface CaseloadVictim {
  id: string;
  reference: string;
  fullName: string;
  openClaims: number;
}

export interface CaseloadView {
  victims: CaseloadVictim[];
  claims: CaseloadClaim[];
  waitingOnMe: WaitingOnMe[];
}

export interface ApprovalsView {
  applicationsByStage: Record<string, number>;
  decisionsDue: Array<{
    claimId: string;
    reference: string;
    status: string;
    fundId: string | null;
    dueOn: string | null;
  }>;
  approvalsWaiting: Array<{
    disbursementId: string;
    fundId: string;
    claimId: string | null;
    purpose: string;
    amount: string;
    currency: string;
    requestedAt: string;
  }>;
}

/**
 * A legal aid worker's day: the victims and open claims assigned to them, claims overdue first
 * then by the nearest deadline or hearing, and what waits on them (information the fund asked
 * for, a deadline due within two weeks). An identity read: audited with the victims' ids.
 */
export async function caseloadOf(ctx: AppContext, actor: Actor, requestId: string): Promise<CaseloadView> {
  if (actor.role !== 'legal_aid' || !actor.organizationId)
    throw new ForbiddenError('A caseload is a legal aid worker’s.');
  const today = todayUtc();
  const who = { organizationId: actor.organizationId, userId: actor.userId };
  const [victims, claims] = await Promise.all([
    assignedVictims(ctx.db, who, LIMIT),
    assignedOpenClaims(ctx.db, who, today, LIMIT),
  ]);
  const items: CaseloadClaim[] = claims.map((c) => {
    const [kind, dueOn] = c.next_deadline ? c.next_deadline.split(' ') : [];
    return {
      id: c.id,
      reference: c.reference,
      victimId: c.victim_id,
      route: c.route,
      status: c.status,
      nextDeadline: kind && dueOn ? { kind, dueOn } : null,
      nextHearingOn: c.next_hearing_on,
      overdue: !!dueOn && dueOn < today,
    };
  });
  const nextDate = (c: CaseloadClaim) =>
    [c.nextDeadline?.dueOn, c.nextHearingOn].filter((d): d is string => !!d).sort()[0] ?? '9999-12-31';
  items.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      nextDate(a).localeCompare(nextDate(b)) ||
      a.reference.localeCompare(b.reference),
  );
  const soon = new Date(`${today}T00:00:00Z`);
  soon.setUTCDate(soon.getUTCDate() + DUE_SOON_DAYS);
  const soonDay = soon.toISOString().slice(0, 10);
  const waitingOnMe = items.flatMap((c): WaitingOnMe[] => {
    if (c.route === 'state_fund' && c.status === 'info_requested')
      return [{ claimId: c.id, reference: c.reference, why: 'info_requested', dueOn: null }];
    if (c.nextDeadline && c.nextDeadline.dueOn <= soonDay)
      return [{ claimId: c.id, reference: c.reference, why: 'deadline_due', dueOn: c.nextDeadline.dueOn }];
    return [];
  });
  const victimItems = victims.map((v): CaseloadVictim => ({
    id: v.id,
    reference: v.reference,
    fullName: ctx.cipher.decrypt(FIELD.fullName, v.full_name_enc),
    openClaims: Number(v.open_claims),
  }));
  await transact(ctx.db, (trx) =>
    recordAudit(trx, {
      actor,
      action: 'caseload.read',
      resourceType: 'victim',
      requestId,
      details: { victimIds: victimItems.map((v) => v.id), claims: items.length },
    }),
  );
  return { victims: victimItems, claims: items, waitingOnMe };
}

/**
 * A fund administrator's desk: their funds' State-fund applications counted by stage, those
 * awaiting a decision by the decision deadline, and disbursements waiting for their approval
 * (requested by someone else, not yet approved by them: maker-checker).
 */
export async function approvalsOf(ctx: AppContext, actor: Actor): Promise<ApprovalsView> {
  if (actor.role !== 'fund_admin' || !actor.organizationId)
    throw new ForbiddenError('Approvals are a fund administrator’s.');
  const org = actor.organizationId;
  const [stages, decisions, approvals] = await Promise.all([
    stateFundStageCounts(ctx.db, org),
    stateFundDecisionsDue(ctx.db, org, LIMIT),
    disbursementsAwaitingApprovalBy(ctx.db, { organizationId: org, userId: actor.userId }, LIMIT),
  ]);
  return {
    applicationsByStage: Object.fromEntries(stages.map((s) => [s.status, Number(s.n)])),
    decisionsDue: decisions
      .map((d) => ({
        claimId: d.id,
        reference: d.reference,
        status: d.status,
        fundId: d.fund_id,
        dueOn: d.due_on,
      }))
      .sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999')),
    approvalsWaiting: approvals.map((d) => ({
      disbursementId: d.id,
      fundId: d.fund_id,
      claimId: d.claim_id,
      purpose: d.purpose,
      amount: formatMoney(d.amount, d.currency),
      currency: d.currency,
      requestedAt: d.requested_at.toISOString(),
    })),
  };
}
