import type { ClaimView } from './claim-view';
import { todayUtc } from '../lib/dates';
import { formatMoney } from '../lib/money';
import { pastWhenRecorded, type Deadline } from './deadlines';
import { allowedTargets, transitionsFrom, type Route } from './route-machines';

/** Heads of loss from the seed (section 2.3), plus `other` with a description. */
export const HEADS = [
  'unpaid_wages',
  'legal_fees',
  'medical_expenses',
  'lost_opportunities',
  'pain_and_suffering',
  'other',
] as const;
export type Head = (typeof HEADS)[number];

export const PAYERS = ['perpetrator', 'employer', 'fund', 'other'] as const;
export const PAID_TO = ['victim', 'fund'] as const;
export const SUBROGATION_POLICIES = ['victim_first', 'fund_first'] as const;
export type SubrogationPolicy = (typeof SUBROGATION_POLICIES)[number];

export interface HeadAmounts {
  head: string;
  description: string | null;
  claimed: bigint;
  /** State fund only: the decision before the offset; null elsewhere or before a decision. */
  decided: bigint | null;
  offset: bigint;
  awarded: bigint;
  received: bigint;
  /** The part of `received` held in the victim's trust pot: it has not reached the family. */
  heldInTrust?: bigint;
}

/**
 * Whether the award reached the victim. Money held in trust for them (a child's award, money
 * paid into the fund) has not: an award settled only that far is `held_in_trust`, not `paid`.
 * - paid: something was awarded and all of it reached the victim;
 * - held_in_trust: all of it is settled, but part sits in the victim's trust pot;
 * - partly_paid: some money reached the victim (also before an award), not all that is owed;
 * - unpaid: nothing reached the victim (money held in trust may exist: see heldInTrust).
 */
export const PAYMENT_STATES = ['unpaid', 'partly_paid', 'held_in_trust', 'paid'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export function paymentStateOf(
  heads: ReadonlyArray<Pick<HeadAmounts, 'awarded' | 'received' | 'heldInTrust'>>,
): PaymentState {
  const awarded = heads.reduce((a, h) => a + h.awarded, 0n);
  const reached = heads.reduce((a, h) => a + h.received - (h.heldInTrust ?? 0n), 0n);
  if (awarded > 0n && heads.every((h) => h.received - (h.heldInTrust ?? 0n) >= h.awarded)) return 'paid';
  if (awarded > 0n && heads.every((h) => h.received >= h.awarded)) return 'held_in_trust';
  return reached > 0n ? 'partly_paid' : 'unpaid';
}

/** Every head's award received (held in trust counts: the debtor has paid), and something was awarded. */
export function awardFullyReceived(heads: ReadonlyArray<Pick<HeadAmounts, 'awarded' | 'received'>>): boolean {
  return heads.some((h) => h.awarded > 0n) && heads.every((h) => h.received >= h.awarded);
}

export interface ClaimRecord {
  id: string;
  reference: string;
  victimId: string;
  organizationId: string;
  route: Route;
  mode: string | null;
  fundId: string | null;
  jurisdiction: string;
  forum: string | null;
  caseNumber: string | null;
  respondent: string | null;
  currency: string;
  status: string;
  statusSince: string;
  filedOn: string;
  causeOfActionOn: string | null;
  assigneeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  heads: HeadAmounts[];
}

export interface HistoryEntry {
  /** The entry's id: a decision's documents are attached to it. */
  id: string;
  from: string | null;
  to: string;
  at: string;
  occurredOn: string;
  by: string;
  note: string | null;
  award: unknown;
  hearingOn?: string | null;
}

/** Who is looking decides what is shown: auditors get no case numbers and no free-text notes. */
export type ClaimAudience = 'case' | 'oversight';

const positive = (n: bigint) => (n > 0n ? n : 0n);

export function claimTotals(heads: HeadAmounts[]) {
  const sum = (f: (h: HeadAmounts) => bigint) => heads.reduce((acc, h) => acc + f(h), 0n);
  return {
    claimed: sum((h) => h.claimed),
    awarded: sum((h) => h.awarded),
    received: sum((h) => h.received),
    heldInTrust: sum((h) => h.heldInTrust ?? 0n),
    outstanding: sum((h) => positive(h.awarded - h.received)),
  };
}

export function presentClaim(
  c: ClaimRecord,
  audience: ClaimAudience,
  extra: { deadlines?: Deadline[]; history?: HistoryEntry[]; today?: string } = {},
): ClaimView {
  const m = (n: bigint) => formatMoney(n, c.currency);
  const totals = claimTotals(c.heads);
  const today = extra.today ?? todayUtc();
  return {
    id: c.id,
    reference: c.reference,
    victimId: c.victimId,
    route: c.route,
    ...(c.route === 'criminal' ? { mode: c.mode } : {}),
    ...(c.route === 'state_fund' ? { fundId: c.fundId } : {}),
    jurisdiction: c.jurisdiction,
    forum: c.forum,
    ...(audience === 'case' ? { caseNumber: c.caseNumber } : {}),
    respondent: c.respondent,
    currency: c.currency,
    status: c.status,
    statusSince: c.statusSince,
    filedOn: c.filedOn,
    causeOfActionOn: c.causeOfActionOn,
    assigneeId: c.assigneeId,
    heads: c.heads.map((h) => ({
      head: h.head,
      ...(h.description !== null ? { description: h.description } : {}),
      claimed: m(h.claimed),
      ...(c.route === 'state_fund' && h.decided !== null
        ? { decided: m(h.decided), offset: m(h.offset) }
        : {}),
      awarded: m(h.awarded),
      received: m(h.received),
      heldInTrust: m(h.heldInTrust ?? 0n),
      outstanding: m(positive(h.awarded - h.received)),
      paymentState: paymentStateOf([h]),
    })),
    totals: {
      claimed: m(totals.claimed),
      awarded: m(totals.awarded),
      received: m(totals.received),
      heldInTrust: m(totals.heldInTrust),
      outstanding: m(totals.outstanding),
    },
    paymentState: paymentStateOf(c.heads),
    allowedTransitions: allowedTargets(c.route, c.status),
    transitionRequirements: transitionsFrom(c.route, c.status).map((t) => ({
      to: t.to,
      requires: t.requires,
      by: t.by,
    })),
    ...(extra.deadlines
      ? {
          deadlines: extra.deadlines.map((d) => ({
            kind: d.kind,
            dueOn: d.dueOn,
            metOn: d.metOn,
            status: deadlineStatus(d, today),
            basis: d.basis,
            recordedOn: d.recordedOn ?? null,
            pastWhenRecorded: pastWhenRecorded(d),
          })),
        }
      : {}),
    ...(extra.history
      ? {
          history: extra.history.map((h) => ({
            id: h.id,
            from: h.from,
            to: h.to,
            at: h.at,
            occurredOn: h.occurredOn,
            by: h.by,
            ...(audience === 'case' ? { note: h.note } : {}),
            ...(h.award ? { award: h.award } : {}),
            ...(h.hearingOn ? { hearingOn: h.hearingOn } : {}),
          })),
        }
      : {}),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function deadlineStatus(d: Pick<Deadline, 'dueOn' | 'metOn'>, today: string): string {
  if (d.metOn) return d.metOn <= d.dueOn ? 'met' : 'late';
  return today > d.dueOn ? 'overdue' : 'open';
}
