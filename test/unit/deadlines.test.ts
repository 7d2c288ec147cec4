import { computeDeadlines, type DeadlineInput } from '../../src/claims/deadlines';
import { ROUTES } from '../../src/claims/route-machines';
import { rulesFor } from '../../src/claims/rules';
import { isCountryCode } from '../../src/lib/schemas';
import { reflectionPeriod } from '../../src/victims/victims';

const adult = { isChild: false, dateOfBirth: '1990-01-01' };

function claim(over: Partial<DeadlineInput>): DeadlineInput {
  return {
    route: 'civil',
    jurisdiction: 'TH',
    filedOn: '2025-06-01',
    causeOfActionOn: '2025-03-10',
    status: 'filed',
    statusSince: '2025-06-01',
    history: [{ from: null, to: 'filed', occurredOn: '2025-06-01' }],
    victim: adult,
    ...over,
  };
}

const kinds = (d: ReturnType<typeof computeDeadlines>) => Object.fromEntries(d.map((x) => [x.kind, x]));

describe('the jurisdiction rules file', () => {
  it('has every route for TH, PH, ID, MY, VN, KH and AU, with a reflection period of 30 to 90 days', () => {
    for (const code of ['TH', 'PH', 'ID', 'MY', 'VN', 'KH', 'AU']) {
      const r = rulesFor(code);
      expect([code, r.fallback]).toEqual([code, false]);
      expect(r.reflection.days).toBeGreaterThanOrEqual(30);
      expect(r.reflection.days).toBeLessThanOrEqual(90);
      for (const route of ROUTES) {
        const rr = r.routes[route];
        expect(rr).toBeDefined();
        for (const rule of [rr.limitation, rr.decision, rr.appeal])
          if (rule) expect(rule.basis.length).toBeGreaterThan(5);
      }
    }
  });

  it('falls back to defaults for any other country, and knows which codes are countries', () => {
    expect(rulesFor('FR').fallback).toBe(true);
    expect(rulesFor('FR').routes.civil.limitation?.years).toBe(3);
    expect(isCountryCode('TH')).toBe(true);
    expect(isCountryCode('ZZ')).toBe(false);
    expect(isCountryCode('QQ')).toBe(false);
    expect(isCountryCode('th')).toBe(false);
  });
});

describe('claim deadlines', () => {
  it('gives a Thai civil claim one year from the cause of action, met by filing', () => {
    expect(computeDeadlines(claim({}))).toEqual([
      expect.objectContaining({ kind: 'limitation', dueOn: '2026-03-10', metOn: '2025-06-01' }),
    ]);
  });

  it('omits the limitation when the cause-of-action date is unknown', () => {
    expect(computeDeadlines(claim({ causeOfActionOn: null }))).toEqual([]);
  });

  it('keeps a Thai child’s labour claim open until one year after majority at 20', () => {
    // born 2008-05-20 → majority 2028-05-20; 2 years from 2025-01-15 = 2027-01-15 < 2029-05-20
    const d = computeDeadlines(
      claim({
        route: 'labour',
        causeOfActionOn: '2025-01-15',
        filedOn: '2025-02-01',
        victim: { isChild: true, dateOfBirth: '2008-05-20' },
      }),
    );
    expect(kinds(d).limitation!.dueOn).toBe('2029-05-20');
    expect(kinds(d).limitation!.basis).toMatch(/majority on 2028-05-20/);
  });

  it('starts a Malaysian child’s civil clock at 18', () => {
    const d = computeDeadlines(
      claim({
        jurisdiction: 'MY',
        causeOfActionOn: '2024-06-30',
        filedOn: '2025-01-01',
        victim: { isChild: true, dateOfBirth: '2010-02-28' },
      }),
    );
    expect(kinds(d).limitation!.dueOn).toBe('2034-02-28'); // 2028-02-28 + 6 years
  });

  it('gives an Australian child victim ten years after turning 18 for the State fund, an adult two', () => {
    const child = computeDeadlines(
      claim({
        route: 'state_fund',
        jurisdiction: 'AU',
        status: 'submitted',
        causeOfActionOn: '2024-03-01',
        filedOn: '2024-04-01',
        victim: { isChild: true, dateOfBirth: '2012-07-01' },
        history: [{ from: null, to: 'submitted', occurredOn: '2024-04-01' }],
      }),
    );
    expect(kinds(child).limitation!.dueOn).toBe('2040-07-01');
    const grown = computeDeadlines(
      claim({
        route: 'state_fund',
        jurisdiction: 'AU',
        status: 'submitted',
        causeOfActionOn: '2024-02-29',
        filedOn: '2024-04-01',
        history: [{ from: null, to: 'submitted', occurredOn: '2024-04-01' }],
      }),
    );
    expect(kinds(grown).limitation!.dueOn).toBe('2026-02-28');
  });

  it('uses the normal period when the victim was already an adult, and flags a child without birth date', () => {
    const d = computeDeadlines(
      claim({
        jurisdiction: 'MY',
        causeOfActionOn: '2024-06-30',
        victim: { isChild: false, dateOfBirth: '2000-01-01' },
      }),
    );
    expect(kinds(d).limitation!.dueOn).toBe('2030-06-30');
    const unknown = computeDeadlines(
      claim({
        jurisdiction: 'MY',
        causeOfActionOn: '2024-06-30',
        victim: { isChild: true, dateOfBirth: null },
      }),
    );
    expect(kinds(unknown).limitation!.dueOn).toBe('2030-06-30');
    expect(kinds(unknown).limitation!.basis).toMatch(/may start later/);
  });

  it('counts six months for the Philippine Board of Claims, clamped to the month end', () => {
    const d = computeDeadlines(
      claim({
        route: 'state_fund',
        jurisdiction: 'PH',
        status: 'submitted',
        causeOfActionOn: '2025-08-31',
        filedOn: '2025-09-10',
        history: [{ from: null, to: 'submitted', occurredOn: '2025-09-10' }],
      }),
    );
    expect(kinds(d).limitation!.dueOn).toBe('2026-02-28');
    expect(kinds(d).decision).toEqual(expect.objectContaining({ dueOn: '2025-10-10', metOn: null }));
  });

  it('runs the decision limit until the award, then the appeal period until an appeal is lodged', () => {
    const base = {
      route: 'labour' as const,
      jurisdiction: 'PH',
      filedOn: '2025-01-10',
      causeOfActionOn: null,
    };
    const h0 = [{ from: null, to: 'filed', occurredOn: '2025-01-10' }];
    const h1 = [...h0, { from: 'filed', to: 'hearing', occurredOn: '2025-02-01' }];
    const h2 = [...h1, { from: 'hearing', to: 'award', occurredOn: '2025-03-20' }];
    const h3 = [...h2, { from: 'award', to: 'appeal', occurredOn: '2025-03-28' }];
    // 2025-01-10 + 90 days = 2025-04-10; award 2025-03-20 + 10 days = 2025-03-30
    expect(
      computeDeadlines(claim({ ...base, status: 'hearing', statusSince: '2025-02-01', history: h1 })),
    ).toEqual([expect.objectContaining({ kind: 'decision', dueOn: '2025-04-10', metOn: null })]);
    expect(
      kinds(computeDeadlines(claim({ ...base, status: 'award', statusSince: '2025-03-20', history: h2 }))),
    ).toEqual({
      decision: expect.objectContaining({ dueOn: '2025-04-10', metOn: '2025-03-20' }),
      appeal: expect.objectContaining({ dueOn: '2025-03-30', metOn: null }),
    });
    expect(
      kinds(computeDeadlines(claim({ ...base, status: 'appeal', statusSince: '2025-03-28', history: h3 })))
        .appeal,
    ).toEqual(expect.objectContaining({ dueOn: '2025-03-30', metOn: '2025-03-28' }));
  });

  it('drops the decision limit once the victim withdraws before a decision', () => {
    const h = [
      { from: null, to: 'filed', occurredOn: '2025-01-10' },
      { from: 'filed', to: 'withdrawn', occurredOn: '2025-01-20' },
    ];
    expect(
      computeDeadlines(
        claim({
          route: 'labour',
          jurisdiction: 'PH',
          filedOn: '2025-01-10',
          causeOfActionOn: null,
          status: 'withdrawn',
          statusSince: '2025-01-20',
          history: h,
        }),
      ),
    ).toEqual([]);
  });
});

describe('reflection period', () => {
  it('ends the given number of days after identification', () => {
    expect(reflectionPeriod('2025-01-01', 30)).toEqual({
      startsOn: '2025-01-01',
      days: 30,
      endsOn: '2025-01-31',
    });
    expect(reflectionPeriod('2024-02-01', 45)).toEqual({
      startsOn: '2024-02-01',
      days: 45,
      endsOn: '2024-03-17',
    });
    expect(reflectionPeriod(null, null)).toBeNull();
  });
});
