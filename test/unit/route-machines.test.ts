import {
  ROUTES,
  ROUTE_MACHINES,
  allowedTargets,
  findTransition,
  openStates,
  statesOf,
  type Route,
} from '../../src/claims/route-machines';

function reachable(route: Route): Set<string> {
  const m = ROUTE_MACHINES[route];
  const seen = new Set([m.initial]);
  const queue = [m.initial];
  while (queue.length > 0) {
    for (const to of allowedTargets(route, queue.shift()!)) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

function walk(route: Route, path: string[]): void {
  for (let i = 1; i < path.length; i++) {
    expect([route, path[i - 1], path[i], !!findTransition(route, path[i - 1]!, path[i]!)]).toEqual([
      route,
      path[i - 1],
      path[i],
      true,
    ]);
  }
}

describe.each(ROUTES)('the %s state machine', (route) => {
  const m = ROUTE_MACHINES[route];

  it('names only declared states in its transitions, without duplicates', () => {
    const states = statesOf(route);
    const keys = new Set<string>();
    for (const t of m.transitions) {
      expect(states).toContain(t.from);
      expect(states).toContain(t.to);
      const key = `${t.from}->${t.to}`;
      expect(keys.has(key)).toBe(false);
      keys.add(key);
    }
  });

  it('reaches every state from the initial one', () => {
    expect([...reachable(route)].sort()).toEqual(statesOf(route).sort());
  });

  it('lets the victim withdraw, with a reason, from every open state', () => {
    expect(openStates(route).length).toBeGreaterThan(2);
    for (const state of openStates(route)) {
      const t = findTransition(route, state, 'withdrawn');
      expect({ state, requires: t?.requires, by: t?.by }).toEqual({
        state,
        requires: ['reason'],
        by: ['legal_aid'],
      });
    }
  });

  it('ends closed: finished states lead only to closed, and closed leads nowhere', () => {
    expect(allowedTargets(route, 'closed')).toEqual([]);
    for (const [state, rule] of Object.entries(m.states)) {
      if (rule.kind === 'finished') {
        expect(allowedTargets(route, state)).toContain('closed');
        expect(
          allowedTargets(route, state).filter((s) => s !== 'closed' && s !== 'appeal' && s !== 'review'),
        ).toEqual([]);
      }
      if (rule.kind === 'open') expect(findTransition(route, state, 'closed')).toBeUndefined();
    }
  });

  it('requires an award breakdown to enter every awarding state, and a reason for every refusal', () => {
    for (const t of m.transitions) {
      const target = m.states[t.to]!;
      if (target.outcome === 'award') expect([t.from, t.to, t.requires]).toEqual([t.from, t.to, ['award']]);
      if (target.outcome === 'no_award' || t.to === 'withdrawn' || t.to === 'unrecoverable')
        expect([t.from, t.to, t.requires]).toEqual([t.from, t.to, ['reason']]);
      if (t.to === 'paid') expect(t.requires).toEqual(['fully_paid']);
    }
  });

  it('allows an appeal or review from every appealable outcome', () => {
    for (const [state, rule] of Object.entries(m.states)) {
      if (!rule.appealable) continue;
      const targets = allowedTargets(route, state);
      expect(targets.includes('appeal') || targets.includes('review')).toBe(true);
    }
  });
});

describe('typical paths from the design', () => {
  it('civil: filed → hearing → judgment → enforcement → paid → closed', () => {
    walk('civil', ['filed', 'hearing', 'judgment', 'enforcement', 'paid', 'closed']);
    walk('civil', [
      'filed',
      'hearing',
      'judgment',
      'appeal',
      'judgment',
      'enforcement',
      'unrecoverable',
      'closed',
    ]);
  });

  it('labour: filed → conciliation → hearing → award or settlement → enforcement', () => {
    walk('labour', ['filed', 'conciliation', 'hearing', 'award', 'enforcement', 'paid', 'closed']);
    walk('labour', ['filed', 'conciliation', 'settlement', 'enforcement', 'unrecoverable', 'closed']);
  });

  it('criminal: complaint → investigation → prosecution → trial → conviction → enforcement', () => {
    walk('criminal', [
      'complaint',
      'investigation',
      'prosecution',
      'trial',
      'conviction',
      'enforcement',
      'paid',
    ]);
    walk('criminal', ['trial', 'acquittal', 'appeal', 'conviction']);
  });

  it('state fund: submitted → eligibility review → info requested → decision → review → payment', () => {
    walk('state_fund', [
      'submitted',
      'eligibility_review',
      'info_requested',
      'eligibility_review',
      'decided',
    ]);
    walk('state_fund', ['decided', 'review', 'decided', 'paid', 'closed']);
    walk('state_fund', ['eligibility_review', 'denied', 'review', 'denied', 'closed']);
  });

  it('leaves the decision to the fund agency and the review request to the victim side', () => {
    expect(findTransition('state_fund', 'eligibility_review', 'decided')?.by).toEqual(['fund_admin']);
    expect(findTransition('state_fund', 'review', 'denied')?.by).toEqual(['fund_admin']);
    expect(findTransition('state_fund', 'decided', 'review')?.by).toEqual(['legal_aid']);
  });

  it('refuses jumps that skip the proceedings', () => {
    expect(findTransition('civil', 'filed', 'judgment')).toBeUndefined();
    expect(findTransition('criminal', 'complaint', 'conviction')).toBeUndefined();
    expect(findTransition('state_fund', 'submitted', 'decided')).toBeUndefined();
    expect(findTransition('labour', 'closed', 'filed')).toBeUndefined();
    expect(findTransition('civil', 'withdrawn', 'hearing')).toBeUndefined();
  });

  it('marks the criminal proceedings before judgment as witness states, and nothing on other routes', () => {
    const witness = (r: Route) =>
      Object.entries(ROUTE_MACHINES[r].states)
        .filter(([, s]) => s.witness)
        .map(([n]) => n);
    expect(witness('criminal')).toEqual(['complaint', 'investigation', 'prosecution', 'trial', 'appeal']);
    expect([...witness('civil'), ...witness('labour'), ...witness('state_fund')]).toEqual([]);
  });
});
