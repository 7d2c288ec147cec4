import Decimal from 'decimal.js';
import { accrue, calculateWages, yearFraction } from '../../src/claims/wages';

describe('year fractions (actual/actual by calendar year)', () => {
  it('weighs a leap-year day as 1/366 and a common-year day as 1/365', () => {
    expect(
      yearFraction('2024-01-01', '2025-01-01').equals(
        new Decimal(365).div(366).plus(new Decimal(1).div(365)),
      ),
    ).toBe(true);
    expect(yearFraction('2023-12-31', '2024-12-31').toString()).toBe('1');
    expect(yearFraction('2024-02-28', '2024-03-01').equals(new Decimal(2).div(366))).toBe(true);
    expect(yearFraction('2025-01-01', '2025-01-01').toString()).toBe('0');
  });

  it('stops accruing on what was paid from the day it was paid', () => {
    // 1,000 at 10% for 2025-01-01..2025-03-01 (59 days), less 400 paid on 2025-02-01 (31 days in)
    const i = accrue(new Decimal(1000), new Decimal('0.1'), '2025-01-01', '2025-03-01', [
      { on: '2025-02-01', amount: new Decimal(400) },
    ]);
    expect(i.equals(new Decimal(1000 * 31).div(3650).plus(new Decimal(600 * 28).div(3650)))).toBe(true);
  });
});

describe('Thailand: 15% a year on late wages, over the 2024 leap year', () => {
  const result = calculateWages({
    jurisdiction: 'TH',
    currency: 'THB',
    calculateOn: '2024-12-31',
    wage: { amount: '400.00', per: 'day' },
    periods: [
      { from: '2024-01-01', to: '2024-01-31', daysWorked: 26, overtimeHours: 10 },
      { from: '2024-02-01', to: '2024-02-29', daysWorked: 25 },
    ],
    payments: [{ paidOn: '2024-02-15', amount: '5000.00' }],
    deductions: [{ kind: 'document_fee', amount: '3000.00', paidOn: '2023-12-01' }],
  });

  it('prices normal days and overtime at 1.5 × the hourly rate (day rate / 8)', () => {
    // January: 400 × 26 = 10,400.00; overtime 10 h × 50.00 × 1.5 = 750.00
    expect(result.periods[0]).toMatchObject({
      normalPay: '10400.00',
      overtimePay: '750.00',
      due: '11150.00',
    });
    expect(result.periods[1]).toMatchObject({ normalPay: '10000.00', overtimePay: '0.00', due: '10000.00' });
  });

  it('applies the payment to the oldest wages and charges interest day by day until paid', () => {
    // January: 11,150 × 15% × 15/366 (31 Jan–15 Feb) + 6,150 × 15% × 320/366 (15 Feb–31 Dec)
    //        = 320,287.5 / 366 = 875.1024… → 875.10
    // February: 10,000 × 15% × 306/366 (29 Feb–31 Dec) = 459,000 / 366 = 1,254.0983… → 1,254.10
    expect(result.periods[0]).toMatchObject({ paid: '5000.00', unpaid: '6150.00', interest: '875.10' });
    expect(result.periods[1]).toMatchObject({ paid: '0.00', unpaid: '10000.00', interest: '1254.10' });
  });

  it('refunds the unlawful fee with interest across the year boundary', () => {
    // 3,000 × 15% × (30/365 + 366/366) = 13,500/365 + 450 = 36.9863… + 450 → 486.99
    expect(result.deductions).toEqual([
      {
        kind: 'document_fee',
        description: null,
        paidOn: '2023-12-01',
        amount: '3000.00',
        interest: '486.99',
      },
    ]);
  });

  it('totals exactly and prefills the labour claim heads', () => {
    expect(result.totals).toEqual({
      wagesDue: '21150.00',
      paid: '5000.00',
      unpaidWages: '16150.00',
      wageInterest: '2129.20',
      unlawfulDeductions: '3000.00',
      deductionInterest: '486.99',
      overpaid: '0.00',
      total: '21766.19',
    });
    expect(result.heads).toEqual([
      { head: 'unpaid_wages', amount: '18279.20' },
      { head: 'other', amount: '3486.99', description: 'Unlawful fees and deductions, with interest' },
    ]);
  });
});

describe('Philippines: 6% on wages, 12% a year on unlawful placement fees', () => {
  const result = calculateWages({
    jurisdiction: 'PH',
    currency: 'PHP',
    calculateOn: '2024-11-30',
    wage: { amount: '25000.00', per: 'month' },
    periods: [{ from: '2023-11-01', to: '2023-11-30', months: 1, overtimeHours: 8 }],
    deductions: [{ kind: 'recruitment_fee', amount: '50000.00', paidOn: '2023-06-15' }],
  });

  it('derives the hourly rate from the monthly wage over 26 days of 8 hours, overtime at 1.25', () => {
    // 25,000 / 26 / 8 = 120.192307…; 8 h × 120.192307… × 1.25 = 1,201.923… → 1,201.92
    expect(result.periods[0]).toMatchObject({
      normalPay: '25000.00',
      overtimePay: '1201.92',
      due: '26201.92',
    });
  });

  it('charges 6% from the due date through the 2024 leap year', () => {
    // 26,201.92 × 6% × (31/365 + 335/366) = 133.5221… + 1,438.9579… = 1,572.4800… → 1,572.48
    expect(result.periods[0]!.interest).toBe('1572.48');
  });

  it('refunds the placement fee with 12% a year from the day it was paid', () => {
    // 50,000 × 12% × (199/365 + 335/366) = 1,194,000/365 + 2,010,000/366 = 3,271.2328… + 5,491.8032… → 8,763.04
    expect(result.deductions[0]!.interest).toBe('8763.04');
    expect(result.totals.total).toBe('86537.44');
    expect(result.heads).toEqual([
      { head: 'unpaid_wages', amount: '27774.40' },
      { head: 'other', amount: '58763.04', description: 'Unlawful fees and deductions, with interest' },
    ]);
  });
});

describe('edge cases', () => {
  it('charges no interest on wages paid in full on the due day, and reports an overpayment', () => {
    const r = calculateWages({
      jurisdiction: 'TH',
      currency: 'THB',
      calculateOn: '2025-06-30',
      wage: { amount: '50.00', per: 'hour' },
      periods: [{ from: '2025-05-01', to: '2025-05-31', hoursWorked: 100 }],
      payments: [{ paidOn: '2025-05-31', amount: '5100.00' }],
    });
    expect(r.totals).toMatchObject({
      wagesDue: '5000.00',
      unpaidWages: '0.00',
      wageInterest: '0.00',
      overpaid: '100.00',
      total: '0.00',
    });
    expect(r.heads).toEqual([]);
  });

  it('uses the fallback rules, without interest, for a jurisdiction with no wage rules', () => {
    const r = calculateWages({
      jurisdiction: 'FR',
      currency: 'JPY',
      calculateOn: '2025-06-30',
      wage: { amount: '1001', per: 'day' },
      periods: [{ from: '2025-01-01', to: '2025-01-31', daysWorked: 3, overtimeHours: 1 }],
    });
    // 1001 × 3 = 3003; overtime 1 h × 1001/8 × 1.5 = 187.6875 → 188 (JPY has no minor unit)
    expect(r.totals).toMatchObject({ wagesDue: '3191', wageInterest: '0', total: '3191' });
    expect(r.rules.fallback).toBe(true);
  });
});
