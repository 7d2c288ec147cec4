import type { Role } from '../lib/auth';

/**
 * The life of a claim on each compensation route (seed, Diagram 1), kept as data: states,
 * allowed transitions, what each transition requires and who may record it. Two conventions
 * hold on every route and are added by `machine()` so no route can forget them: the victim may
 * withdraw from every open state (with a reason), and every finished state ends `closed`.
 */
export const ROUTES = ['civil', 'labour', 'criminal', 'state_fund'] as const;
export type Route = (typeof ROUTES)[number];

export const CRIMINAL_MODES = ['joined_civil_claim', 'compensation_order'] as const;
export type CriminalMode = (typeof CRIMINAL_MODES)[number];

/** `award`: an award breakdown by head; `reason`: a note; `fully_paid`: every awarded head received. */
export type Requirement = 'award' | 'reason' | 'fully_paid';

export interface StateRule {
  /** open: still being pursued, so the victim may withdraw. finished: an end result awaiting `closed`. */
  kind: 'open' | 'finished' | 'closed';
  /** Entering this state sets (award) or clears (no_award) the awarded amounts. */
  outcome?: 'award' | 'no_award';
  /** An appeal or review may be lodged from here, within the jurisdiction's appeal period. */
  appealable?: boolean;
  /** The authority has not decided yet: the decision time limit runs. */
  beforeDecision?: boolean;
  /** The victim is (potentially) a witness in the proceedings while the claim is here. */
  witness?: boolean;
}

export interface TransitionRule {
  from: string;
  to: string;
  requires: readonly Requirement[];
  by: readonly Role[];
}

export interface RouteMachine {
  route: Route;
  initial: string;
  states: Readonly<Record<string, StateRule>>;
  transitions: readonly TransitionRule[];
}

type Step = [from: string, to: string, requires?: Requirement[], by?: Role[]];

const LEGAL_AID: Role[] = ['legal_aid'];
const FUND: Role[] = ['fund_admin'];
const EITHER: Role[] = ['legal_aid', 'fund_admin'];

function machine(
  route: Route,
  initial: string,
  states: Record<string, StateRule>,
  steps: Step[],
  defaultBy: Role[],
  withdrawBy: Role[] = LEGAL_AID,
): RouteMachine {
  const all: Record<string, StateRule> = {
    ...states,
    withdrawn: { kind: 'finished' },
    closed: { kind: 'closed' },
  };
  const transitions: TransitionRule[] = steps.map(([from, to, requires = [], by = defaultBy]) => ({
    from,
    to,
    requires,
    by,
  }));
  for (const [name, rule] of Object.entries(all)) {
    if (rule.kind === 'open')
      transitions.push({ from: name, to: 'withdrawn', requires: ['reason'], by: withdrawBy });
    if (rule.kind === 'finished') transitions.push({ from: name, to: 'closed', requires: [], by: EITHER });
  }
  return { route, initial, states: all, transitions };
}

const civil = machine(
  'civil',
  'filed',
  {
    filed: { kind: 'open', beforeDecision: true },
    hearing: { kind: 'open', beforeDecision: true },
    settlement: { kind: 'open', outcome: 'award' },
    judgment: { kind: 'open', outcome: 'award', appealable: true },
    appeal: { kind: 'open' },
    enforcement: { kind: 'open' },
    dismissed: { kind: 'finished', outcome: 'no_award', appealable: true },
    paid: { kind: 'finished' },
    unrecoverable: { kind: 'finished' },
  },
  [
    ['filed', 'hearing'],
    ['filed', 'settlement', ['award']],
    ['hearing', 'settlement', ['award']],
    ['hearing', 'judgment', ['award']],
    ['hearing', 'dismissed', ['reason']],
    ['judgment', 'appeal'],
    ['dismissed', 'appeal'],
    ['appeal', 'judgment', ['award']],
    ['appeal', 'dismissed', ['reason']],
    ['judgment', 'enforcement'],
    ['settlement', 'enforcement'],
    ['judgment', 'paid', ['fully_paid']],
    ['settlement', 'paid', ['fully_paid']],
    ['enforcement', 'paid', ['fully_paid']],
    ['enforcement', 'unrecoverable', ['reason']],
  ],
  LEGAL_AID,
);

const labour = machine(
  'labour',
  'filed',
  {
    filed: { kind: 'open', beforeDecision: true },
    conciliation: { kind: 'open', beforeDecision: true },
    hearing: { kind: 'open', beforeDecision: true },
    settlement: { kind: 'open', outcome: 'award' },
    award: { kind: 'open', outcome: 'award', appealable: true },
    appeal: { kind: 'open' },
    enforcement: { kind: 'open' },
    dismissed: { kind: 'finished', outcome: 'no_award', appealable: true },
    paid: { kind: 'finished' },
    unrecoverable: { kind: 'finished' },
  },
  [
    ['filed', 'conciliation'],
    ['filed', 'hearing'],
    ['conciliation', 'settlement', ['award']],
    ['conciliation', 'hearing'],
    ['hearing', 'settlement', ['award']],
    ['hearing', 'award', ['award']],
    ['hearing', 'dismissed', ['reason']],
    ['award', 'appeal'],
    ['dismissed', 'appeal'],
    ['appeal', 'award', ['award']],
    ['appeal', 'dismissed', ['reason']],
    ['award', 'enforcement'],
    ['settlement', 'enforcement'],
    ['award', 'paid', ['fully_paid']],
    ['settlement', 'paid', ['fully_paid']],
    ['enforcement', 'paid', ['fully_paid']],
    ['enforcement', 'unrecoverable', ['reason']],
  ],
  LEGAL_AID,
);

const criminal = machine(
  'criminal',
  'complaint',
  {
    complaint: { kind: 'open', beforeDecision: true, witness: true },
    investigation: { kind: 'open', beforeDecision: true, witness: true },
    prosecution: { kind: 'open', beforeDecision: true, witness: true },
    trial: { kind: 'open', beforeDecision: true, witness: true },
    conviction: { kind: 'open', outcome: 'award', appealable: true },
    appeal: { kind: 'open', witness: true },
    enforcement: { kind: 'open' },
    not_prosecuted: { kind: 'finished', outcome: 'no_award' },
    acquittal: { kind: 'finished', outcome: 'no_award', appealable: true },
    paid: { kind: 'finished' },
    unrecoverable: { kind: 'finished' },
  },
  [
    ['complaint', 'investigation'],
    ['investigation', 'prosecution'],
    ['investigation', 'not_prosecuted', ['reason']],
    ['prosecution', 'trial'],
    ['prosecution', 'not_prosecuted', ['reason']],
    ['trial', 'conviction', ['award']],
    ['trial', 'acquittal', ['reason']],
    ['conviction', 'appeal'],
    ['acquittal', 'appeal'],
    ['appeal', 'conviction', ['award']],
    ['appeal', 'acquittal', ['reason']],
    ['conviction', 'enforcement'],
    ['conviction', 'paid', ['fully_paid']],
    ['enforcement', 'paid', ['fully_paid']],
    ['enforcement', 'unrecoverable', ['reason']],
  ],
  LEGAL_AID,
);

// The fund agency decides; the victim's legal aid worker answers requests and asks for review.
const stateFund = machine(
  'state_fund',
  'submitted',
  {
    submitted: { kind: 'open', beforeDecision: true },
    eligibility_review: { kind: 'open', beforeDecision: true },
    info_requested: { kind: 'open', beforeDecision: true },
    decided: { kind: 'open', outcome: 'award', appealable: true },
    review: { kind: 'open' },
    denied: { kind: 'finished', outcome: 'no_award', appealable: true },
    paid: { kind: 'finished' },
  },
  [
    ['submitted', 'eligibility_review', [], FUND],
    ['eligibility_review', 'info_requested', ['reason'], FUND],
    ['info_requested', 'eligibility_review', [], EITHER],
    ['eligibility_review', 'decided', ['award'], FUND],
    ['eligibility_review', 'denied', ['reason'], FUND],
    ['decided', 'review', [], LEGAL_AID],
    ['denied', 'review', [], LEGAL_AID],
    ['review', 'decided', ['award'], FUND],
    ['review', 'denied', ['reason'], FUND],
    ['decided', 'paid', ['fully_paid'], FUND],
  ],
  FUND,
);

export const ROUTE_MACHINES: Readonly<Record<Route, RouteMachine>> = {
  civil,
  labour,
  criminal,
  state_fund: stateFund,
};

export function machineOf(route: Route): RouteMachine {
  return ROUTE_MACHINES[route];
}

export function statesOf(route: Route): string[] {
  return Object.keys(ROUTE_MACHINES[route].states);
}

export function stateRule(route: Route, state: string): StateRule | undefined {
  return Object.hasOwn(ROUTE_MACHINES[route].states, state) ? ROUTE_MACHINES[route].states[state] : undefined;
}

/** The transitions out of `from`, in data order. */
export function transitionsFrom(route: Route, from: string): TransitionRule[] {
  return ROUTE_MACHINES[route].transitions.filter((t) => t.from === from);
}

export function findTransition(route: Route, from: string, to: string): TransitionRule | undefined {
  return ROUTE_MACHINES[route].transitions.find((t) => t.from === from && t.to === to);
}

/** Target states reachable from `from` (what `allowedTransitions` shows). */
export function allowedTargets(route: Route, from: string): string[] {
  return transitionsFrom(route, from).map((t) => t.to);
}

/** States in which the victim may still withdraw. */
export function openStates(route: Route): string[] {
  return Object.entries(ROUTE_MACHINES[route].states)
    .filter(([, s]) => s.kind === 'open')
    .map(([name]) => name);
}

export function isWitnessState(route: Route, state: string): boolean {
  return stateRule(route, state)?.witness === true;
}
