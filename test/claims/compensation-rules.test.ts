import type { HeadAmounts } from '../../src/claims/claims';
import {
  compensationSummary,
  decisionOffset,
  headFigures,
  type SummaryClaim,
  type SummaryPayment,
} from '../../src/claims/compensation';

const head = (h: Partial<HeadAmounts> & { head: string }): HeadAmounts => ({
  description: null,
  claimed: 0n,
  decided: null,
  offset: 0n,
  awarded: 0n,
  received: 0n,
  ...h,
});

const claim = (
  id: string,
  route: SummaryClaim['route'],
  currency: string,
  heads: HeadAmounts[],
): SummaryClaim => ({
  id,
  reference: id,
  route,
  status: 'x',
  currency,
  fundId: route === 'state_fund' ? 'fund-1' : null,
  heads,
});

const pay = (p: Partial<SummaryPayment> & { claimId: string; amount: bigint }): SummaryPayment => ({
  head: 'medical_expenses',
  currency: 'THB',
  payer: 'perpetrator',
  paidTo: 'victim',
  recovery: 0n,
  trust: 0n,
  ...p,
});

describe('the State-fund offset', () => {
  const civil = claim('c', 'civil', 'THB', [
    head({ head: 'medical_expenses', claimed: 5000n, awarded: 5000n }),
  ]);
  const usd = claim('u', 'civil', 'USD', [head({ head: 'medical_expenses', claimed: 500n, awarded: 500n })]);
  const sf = claim('s', 'state_fund', 'THB', [head({ head: 'medical_expenses', claimed: 4000n })]);

  it('deducts what other routes paid the victim for the same head, up to the decision', () => {
    const payments = [pay({ claimId: 'c', amount: 1500n }), pay({ claimId: 'c', amount: 600n })];
    expect(decisionOffset(4000n, sf, 'medical_expenses', [civil, sf], payments)).toBe(2100n);
    expect(decisionOffset(1000n, sf, 'medical_expenses', [civil, sf], payments)).toBe(1000n);
  });

  it('ignores other heads, other currencies and money the fund kept as its recovery', () => {
    const payments = [
      pay({ claimId: 'c', amount: 700n, head: 'legal_fees' }),
      pay({ claimId: 'u', amount: 300n, currency: 'USD' }),
      pay({ claimId: 'c', amount: 900n, paidTo: 'fund', recovery: 800n, trust: 100n }),
    ];
    // only the 100 held in trust for the victim reached them
    expect(decisionOffset(4000n, sf, 'medical_expenses', [civil, usd, sf], payments)).toBe(100n);
  });

  it('does not offset the same payment twice against two fund decisions', () => {
    const first = claim('s1', 'state_fund', 'THB', [
      head({ head: 'medical_expenses', claimed: 1000n, decided: 1000n, offset: 1000n }),
    ]);
    const payments = [pay({ claimId: 'c', amount: 1500n })];
    expect(decisionOffset(4000n, sf, 'medical_expenses', [civil, first, sf], payments)).toBe(500n);
  });
});

describe('subrogation', () => {
  // fund decided 2,000 (no offset) and paid it; a court awarded 3,000; the perpetrator then paid 1,500
  const claims = [
    claim('s', 'state_fund', 'THB', [
      head({ head: 'medical_expenses', claimed: 2000n, decided: 2000n, awarded: 2000n, received: 2000n }),
    ]),
    claim('c', 'civil', 'THB', [
      head({ head: 'medical_expenses', claimed: 3000n, awarded: 3000n, received: 1500n }),
    ]),
  ];
  const payments = [
    pay({ claimId: 's', amount: 2000n, payer: 'fund' }),
    pay({ claimId: 'c', amount: 1500n }),
  ];

  it('under victim_first owes the fund only what exceeds the victim’s loss', () => {
    const f = headFigures('THB', 'medical_expenses', claims, payments, () => 'victim_first');
    // 2,000 + 1,500 − 3,000 = 500
    expect(f).toMatchObject({ awarded: 3000n, received: 3500n, owedToFund: 500n, outstanding: 0n });
    expect(f.subrogation).toMatchObject({ fundPaid: 2000n, laterPaidByPerpetrator: 1500n, dueToFund: 500n });
  });

  it('under fund_first owes the fund all the later money up to what it paid', () => {
    const f = headFigures('THB', 'medical_expenses', claims, payments, () => 'fund_first');
    // min(2,000, 1,500) = 1,500; the victim keeps 2,000 of a 3,000 loss
    expect(f).toMatchObject({ received: 3500n, owedToFund: 1500n, outstanding: 1000n });
  });

  it('counts what the fund already recovered directly', () => {
    const direct = [
      pay({ claimId: 's', amount: 2000n, payer: 'fund' }),
      pay({ claimId: 'c', amount: 1500n, paidTo: 'fund', recovery: 1500n }),
    ];
    const f = headFigures('THB', 'medical_expenses', claims, direct, () => 'fund_first');
    expect(f).toMatchObject({ received: 2000n, owedToFund: 0n, outstanding: 1000n });
    expect(f.subrogation).toMatchObject({ dueToFund: 1500n, recoveredByFund: 1500n });
  });

  it('owes the fund nothing when it paid nothing', () => {
    const f = headFigures(
      'THB',
      'medical_expenses',
      claims,
      [pay({ claimId: 'c', amount: 1500n })],
      () => 'fund_first',
    );
    expect(f).toMatchObject({ owedToFund: 0n, subrogation: null });
  });
});

describe('the summary', () => {
  it('never adds two currencies together and counts a loss claimed on two routes once', () => {
    const s = compensationSummary(
      [
        claim('a', 'labour', 'THB', [
          head({ head: 'unpaid_wages', claimed: 1000n, awarded: 800n, received: 300n }),
        ]),
        claim('b', 'civil', 'THB', [head({ head: 'unpaid_wages', claimed: 1200n })]),
        claim('c', 'civil', 'USD', [head({ head: 'legal_fees', claimed: 50n, awarded: 40n })]),
      ],
      [pay({ claimId: 'a', amount: 300n, head: 'unpaid_wages', payer: 'employer' })],
      () => 'victim_first',
    );
    expect(s.currencies).toEqual({
      THB: {
        claimed: 1200n,
        awarded: 800n,
        received: 300n,
        owedToFund: 0n,
        outstanding: 500n,
        heldInTrust: 0n,
      },
      USD: { claimed: 50n, awarded: 40n, received: 0n, owedToFund: 0n, outstanding: 40n, heldInTrust: 0n },
    });
    expect(s.byRoute.map((r) => [r.route, r.currency, r.claimed])).toEqual([
      ['labour', 'THB', 1000n],
      ['civil', 'THB', 1200n],
      ['civil', 'USD', 50n],
    ]);
  });
});
