import type { HeadAmounts } from '../../src/claims/claims';
import { compensationSummary, type SummaryClaim, type SummaryPayment } from '../../src/claims/compensation';
import { claimMoney, stillHeld } from '../../src/claims/compensation-victim';

const head = (h: Partial<HeadAmounts> & { head: string }): HeadAmounts => ({
  description: null,
  claimed: 0n,
  decided: null,
  offset: 0n,
  awarded: 0n,
  received: 0n,
  ...h,
});

const claim = (id: string, route: SummaryClaim['route'], heads: HeadAmounts[]): SummaryClaim => ({
  id,
  reference: id,
  route,
  status: 'x',
  currency: 'THB',
  fundId: route === 'state_fund' ? 'fund-1' : null,
  heads,
});

const pay = (
  p: Partial<SummaryPayment> & { claimId: string; head: string; amount: bigint },
): SummaryPayment => ({
  currency: 'THB',
  payer: 'perpetrator',
  paidTo: 'victim',
  recovery: 0n,
  trust: 0n,
  ...p,
});

/*
 * The case of the issue, in whole baht. The same 300,000 of unpaid wages is claimed in the
 * labour court, in the criminal case and from the State fund; the criminal court also awards
 * 110,000 for pain and suffering.
 *   labour    settlement: wages 300,000; the employer pays 200,000
 *   criminal  conviction: wages 300,000 + pain 110,000 = 410,000; the perpetrator pays 40,000 of pain
 *   state     decided wages 300,000 − offset 200,000 (the employer's payment) = 100,000; paid in full
 * Awards shown claim by claim: 300,000 + 410,000 + 100,000 = 810,000.
 * Still owed: wages 300,000 − (200,000 + 100,000) = 0; pain 110,000 − 40,000 = 70,000 → 70,000.
 */
const W = 300_000n;
const claims = [
  claim('labour', 'labour', [head({ head: 'unpaid_wages', claimed: W, awarded: W, received: 200_000n })]),
  claim('criminal', 'criminal', [
    head({ head: 'unpaid_wages', claimed: W, awarded: W }),
    head({ head: 'pain_and_suffering', claimed: 110_000n, awarded: 110_000n, received: 40_000n }),
  ]),
  claim('state', 'state_fund', [
    head({
      head: 'unpaid_wages',
      claimed: W,
      decided: W,
      offset: 200_000n,
      awarded: 100_000n,
      received: 100_000n,
    }),
  ]),
];
const payments = [
  pay({ claimId: 'labour', head: 'unpaid_wages', amount: 200_000n, payer: 'employer' }),
  pay({ claimId: 'criminal', head: 'pain_and_suffering', amount: 40_000n }),
  pay({ claimId: 'state', head: 'unpaid_wages', amount: 100_000n, payer: 'fund' }),
];

describe('what is still owed to a victim who claims the same loss on several routes', () => {
  const s = compensationSummary(claims, payments, () => 'victim_first');

  it('is 70,000, each loss counted once, though the claims awarded 810,000 between them', () => {
    expect(s.byRoute.reduce((a, r) => a + r.awarded, 0n)).toBe(810_000n);
    expect(s.stillOwed).toEqual({ THB: 70_000n });
    expect(s.currencies.THB).toMatchObject({ awarded: 410_000n, outstanding: 70_000n });
  });

  it('never shows a route as owing what another route already paid for the same loss', () => {
    // labour: 100,000 of its award unpaid, but the wages are paid in full → 0
    // criminal: wages 300,000 unpaid → 0 (paid elsewhere); pain 70,000 → 70,000
    expect(s.byRoute.map((r) => [r.route, r.outstanding])).toEqual([
      ['labour', 0n],
      ['criminal', 70_000n],
      ['state_fund', 0n],
    ]);
  });

  it('still shows what a route owes while the loss is not paid anywhere else', () => {
    // the fund has decided but not paid yet
    const unpaid = claims.map((c) =>
      c.id === 'state' ? { ...c, heads: c.heads.map((h) => ({ ...h, received: 0n })) } : c,
    );
    const before = compensationSummary(
      unpaid,
      payments.filter((p) => p.claimId !== 'state'),
      () => 'victim_first',
    );
    // wages 300,000 − 200,000 = 100,000 still owed, which labour (100,000 unpaid), the criminal
    // case (300,000 unpaid, capped at 100,000) and the fund (100,000) could each bring; counted once
    expect(before.byRoute.map((r) => [r.route, r.outstanding])).toEqual([
      ['labour', 100_000n],
      ['criminal', 170_000n],
      ['state_fund', 100_000n],
    ]);
    expect(before.stillOwed).toEqual({ THB: 170_000n });
  });
});

describe('money held in trust', () => {
  const deposit = (claimId: string, amount: bigint, fundId = 'fund-1') => ({
    claimId,
    head: 'medical_expenses',
    currency: 'THB',
    fundId,
    amount,
  });

  it('is paid out oldest first, per fund and currency, and never below zero', () => {
    const held = stillHeld(
      [deposit('a', 5_000n), deposit('b', 3_000n), deposit('c', 2_000n, 'fund-2')],
      [
        { fundId: 'fund-1', currency: 'THB', amount: 6_000n },
        { fundId: 'fund-1', currency: 'USD', amount: 9_999n },
        { fundId: 'fund-2', currency: 'THB', amount: 2_500n },
      ],
    );
    // fund-1: 6,000 empties a (5,000) and takes 1,000 of b; fund-2: 2,500 empties c
    expect(held.map((h) => [h.claimId, h.held])).toEqual([
      ['a', 0n],
      ['b', 2_000n],
      ['c', 0n],
    ]);
  });

  it('counts as received on the claim but not as paid to the victim', () => {
    const c = {
      id: 'sf',
      currency: 'THB',
      heads: [head({ head: 'medical_expenses', awarded: 5_000n, received: 5_000n })],
    };
    const money = claimMoney(
      c,
      [pay({ claimId: 'sf', head: 'medical_expenses', amount: 5_000n, payer: 'fund' })],
      [{ claimId: 'sf', head: 'medical_expenses', currency: 'THB', held: 3_800n }],
      () => 0n,
    );
    expect(money).toEqual({
      awarded: 5_000n,
      received: 5_000n,
      paid: 1_200n,
      heldInTrust: 3_800n,
      paymentState: 'paid',
      stillOwed: 0n,
    });
  });

  it('leaves out the part of money paid into the fund that was its recovery', () => {
    const c = {
      id: 'cr',
      currency: 'THB',
      heads: [head({ head: 'pain_and_suffering', awarded: 9_000n, received: 9_000n })],
    };
    const money = claimMoney(
      c,
      [
        pay({
          claimId: 'cr',
          head: 'pain_and_suffering',
          amount: 9_000n,
          paidTo: 'fund',
          recovery: 6_000n,
          trust: 3_000n,
        }),
      ],
      [{ claimId: 'cr', head: 'pain_and_suffering', currency: 'THB', held: 3_000n }],
      () => 0n,
    );
    expect([money.paid, money.heldInTrust]).toEqual([0n, 3_000n]);
  });
});
