import { convertPayout, dedicatedPot } from '../../src/disbursements/disbursements';
import {
  awardPotCode,
  committedPot,
  fxDisbursementLines,
  potsFor,
  transferRefusal,
  trustPot,
  type Fund,
} from '../../src/funds/funds';

const victim = '11111111-2222-4333-8444-555555555555';
const other = '99999999-2222-4333-8444-555555555555';
const claim = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const pots = [
  ...potsFor([{ code: 'medical', name: 'Medical', purposes: ['medical'] }]),
  trustPot(victim, 'V-AAAAAAAA'),
  trustPot(other, 'V-BBBBBBBB'),
  committedPot(claim, 'C-AAAAAAAA'),
];
const ask = (over: Partial<Parameters<typeof dedicatedPot>[1]>) =>
  dedicatedPot(pots, {
    victimId: victim,
    claimId: null,
    purpose: 'medical',
    requestedPot: null,
    holdInTrust: false,
    ...over,
  });

describe('the pot a disbursement tied to one person must draw on', () => {
  it('pays an award only from its own committed pot', () => {
    expect(ask({ purpose: 'compensation_award', claimId: claim })).toEqual({ pot: pots[5] });
    expect(
      ask({ purpose: 'compensation_award', claimId: claim, requestedPot: 'unrestricted' }),
    ).toMatchObject({
      path: 'pot',
    });
    expect(ask({ purpose: 'compensation_award', claimId: other })).toMatchObject({ path: 'claimId' });
    expect(ask({ purpose: 'compensation_award', claimId: claim, requestedPot: 'no_such_pot' })).toMatchObject(
      {
        path: 'pot',
      },
    );
    expect(ask({ purpose: 'medical', requestedPot: awardPotCode(claim) })).toMatchObject({ path: 'pot' });
  });

  it('releases trust money only to its victim, and never puts it in trust again', () => {
    expect(ask({ requestedPot: `trust_${victim.replace(/-/g, '')}` })).toEqual({ pot: pots[3] });
    expect(ask({ requestedPot: `trust_${other.replace(/-/g, '')}` })).toMatchObject({ path: 'pot' });
    expect(
      ask({
        requestedPot: `trust_${victim.replace(/-/g, '')}`,
        holdInTrust: true,
        purpose: 'compensation_award',
      }),
    ).toMatchObject({ path: 'holdInTrust' });
  });

  it('leaves every other disbursement to the fund, and holds only awards in trust', () => {
    expect(ask({})).toBeNull();
    expect(ask({ requestedPot: 'medical' })).toBeNull();
    expect(ask({ holdInTrust: true })).toMatchObject({ path: 'holdInTrust' });
  });

  it('never moves committed or trust money by a manual pot transfer', () => {
    const [unrestricted, , , mine, , committed] = pots;
    expect(transferRefusal(unrestricted!, committed!)).toMatch(/committed/);
    expect(transferRefusal(committed!, unrestricted!)).toMatch(/committed/);
    expect(transferRefusal(mine!, pots[4]!)).toMatch(/held in trust/);
    expect(transferRefusal(unrestricted!, mine!)).toBeNull();
  });
});

describe('payouts in another currency', () => {
  const payout = { currency: 'PHP', rate: '1.6125', rateSource: 'BSP', rateDate: '2026-01-05' };

  it('converts at the rate, rounding half to even to the minor unit, fees on top', () => {
    // 10,000.00 × 1.6125 = 16,125.00; 0.01 × 1.5 = 0.015 → 0.02; 0.01 × 2.5 = 0.025 → 0.02
    expect(convertPayout(1_000_000n, 'THB', { ...payout, fees: '150.00' }, '2026-01-05')).toEqual({
      payout: { ...payout, amount: 1_612_500n, fees: 15_000n, convertedBy: 'fund' },
    });
    expect(convertPayout(1n, 'THB', { ...payout, rate: '1.5' }, '2026-01-05')).toMatchObject({
      payout: { amount: 2n, fees: 0n },
    });
    expect(convertPayout(1n, 'THB', { ...payout, rate: '2.5' }, '2026-01-05')).toMatchObject({
      payout: { amount: 2n },
    });
    // THB → JPY (no decimals): 333.33 × 4.5 = 1,499.985 → 1,500
    expect(
      convertPayout(33_333n, 'THB', { ...payout, currency: 'JPY', rate: '4.5' }, '2026-01-05'),
    ).toMatchObject({ payout: { amount: 1500n } });
  });

  it('refuses the same currency, a zero rate, a rate dated in the future and a rate that yields nothing', () => {
    expect(convertPayout(100n, 'PHP', payout, '2026-01-05')).toMatchObject({ path: 'payout.currency' });
    expect(convertPayout(100n, 'THB', { ...payout, rate: '0' }, '2026-01-05')).toMatchObject({
      path: 'payout.rate',
    });
    expect(convertPayout(100n, 'THB', payout, '2026-01-04')).toMatchObject({ path: 'payout.rateDate' });
    expect(convertPayout(1n, 'THB', { ...payout, rate: '0.001' }, '2026-01-05')).toMatchObject({
      path: 'payout.rate',
    });
  });

  it('posts lines that balance in each currency through the FX clearing accounts', () => {
    const fund = { id: 'f', accounts: new Map<string, string>() } as Fund;
    for (const c of [
      'pot:unrestricted:THB',
      'allocated:THB',
      'expense:compensation_award:THB',
      'fx:PHP-THB:THB',
      'fx:PHP-THB:PHP',
      'bank:PHP',
    ])
      fund.accounts.set(c, c);
    const lines = fxDisbursementLines(fund, {
      pot: 'unrestricted',
      purpose: 'compensation_award',
      currency: 'THB',
      amount: 1_000_000n,
      payoutCurrency: 'PHP',
      payoutTotal: 1_627_500n,
    });
    const net = (suffix: string) =>
      lines
        .filter((l) => l.accountId.endsWith(suffix))
        .reduce((s, l) => s + (l.side === 'debit' ? l.amount : -l.amount), 0n);
    expect([net(':THB'), net(':PHP')]).toEqual([0n, 0n]);
    expect(lines.find((l) => l.accountId === 'bank:PHP')).toEqual({
      accountId: 'bank:PHP',
      side: 'credit',
      amount: 1_627_500n,
    });
  });
});
