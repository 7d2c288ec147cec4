import type { ClaimMoney } from '../../src/claims/compensation-victim';
import { LANGUAGES, translate } from '../../src/lib/i18n';
import { claimTexts } from '../../src/status/status.claims';
import { formatAmount, formatDate } from '../../src/status/status.format';

const money = (m: Partial<ClaimMoney>): ClaimMoney => ({
  awarded: 100_000n,
  received: 0n,
  paid: 0n,
  heldInTrust: 0n,
  paymentState: 'unpaid',
  stillOwed: 100_000n,
  ...m,
});
const decided = { route: 'state_fund' as const, status: 'decided', currency: 'THB' };
const waitForPayment = (language: (typeof LANGUAGES)[number]) =>
  translate(language, 'status', 'state.decided.next');

describe('what the status page says about the money of a claim', () => {
  it('never tells the victim to wait for an award that is fully paid, in any language', () => {
    for (const language of LANGUAGES) {
      const t = claimTexts(
        language,
        decided,
        money({ received: 100_000n, paid: 100_000n, paymentState: 'paid', stillOwed: 0n }),
      );
      expect([language, t.nextStep.includes(waitForPayment(language))]).toEqual([language, false]);
      expect(t.statusText).toBe(translate(language, 'status', 'payment.paid.text'));
    }
    // the same claim before the payment does say so
    expect(claimTexts('en', decided, money({})).nextStep).toBe('Wait for the payment.');
  });

  it('says an award is partly paid', () => {
    const t = claimTexts(
      'en',
      decided,
      money({ received: 30_000n, paid: 30_000n, paymentState: 'partly_paid', stillOwed: 70_000n }),
    );
    expect(t).toEqual({
      statusText: 'The fund has decided to pay you.',
      nextStep: 'Wait for the payment.',
      paymentText: 'Part of the award has been paid.',
    });
  });

  it('does not call money held in trust paid to the victim, and says how much is held', () => {
    const t = claimTexts(
      'en',
      { route: 'state_fund', status: 'paid', currency: 'THB' },
      money({
        received: 500_000n,
        awarded: 500_000n,
        heldInTrust: 380_000n,
        paid: 120_000n,
        paymentState: 'paid',
        stillOwed: 0n,
      }),
    );
    expect(t.statusText).not.toBe(translate('en', 'status', 'state.state_fund.paid.text'));
    expect(t.statusText).toMatch(/held for you in trust/);
    expect(t.paymentText).toBe(
      '3,800.00 THB is held for you in trust by the fund. It has not been paid out to you yet.',
    );
    const th = claimTexts(
      'th',
      { route: 'state_fund', status: 'decided', currency: 'THB' },
      money({
        heldInTrust: 380_000n,
        received: 500_000n,
        awarded: 500_000n,
        paymentState: 'paid',
        stillOwed: 0n,
      }),
    );
    expect(th.paymentText).toContain('3,800.00 THB');
    expect(th.nextStep).not.toContain(waitForPayment('th'));
  });

  it('stops waiting on a route whose award was paid through another claim', () => {
    // labour settlement 300,000, 200,000 paid by the employer; the fund paid the rest of the wages
    const t = claimTexts(
      'en',
      { route: 'labour', status: 'settlement', currency: 'THB' },
      money({
        awarded: 30_000_000n,
        received: 20_000_000n,
        paid: 20_000_000n,
        paymentState: 'partly_paid',
        stillOwed: 0n,
      }),
    );
    expect(t.statusText).toBe(
      'Nothing more is owed to you on this claim: the rest of the same loss was paid through another claim.',
    );
    expect(t.nextStep).not.toMatch(/wait for the payment/i);
  });
});

describe('amounts and dates in the page language', () => {
  it('groups the digits of a decimal string exactly, beyond what a float can hold', () => {
    expect(formatAmount('12345678901234567.89', 'en')).toBe('12,345,678,901,234,567.89');
    expect(formatAmount('70000.00', 'id')).toBe('70.000,00');
    expect(formatAmount('70000.00', 'vi')).toBe('70.000,00');
    expect(formatAmount('810000.05', 'th')).toBe('810,000.05');
    expect(formatAmount('1500', 'en')).toBe('1,500');
    expect(formatAmount('50000.00', 'my')).toBe('၅၀,၀၀၀.၀၀');
    expect(formatAmount('0.5', 'en')).toBe('0.5');
  });

  it('writes the day as is, with the Buddhist-era year in Thai', () => {
    expect(formatDate('2026-03-05', 'en')).toBe('March 5, 2026');
    expect(formatDate('2026-03-05', 'th')).toBe('5 มีนาคม 2569');
    expect(formatDate('2026-12-31', 'id')).toBe('31 Desember 2026');
    expect(formatDate('2026-01-01', 'en')).toBe('January 1, 2026');
  });
});
