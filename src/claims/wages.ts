import Decimal from 'decimal.js';
import { formatMoney, fromDecimal, parseMoney, toDecimal } from '../lib/money';
import { addDays, daysBetween, isLeapYear, yearOf } from '../lib/dates';
import wageRulesFile from './rules/wage-rules.json';

/**
 * The labour-claim calculator: wages earned per pay period (normal time and overtime), less what
 * the worker actually received, plus unlawful fees the worker paid, each with the
 * jurisdiction's statutory interest. Pure; decimal.js throughout; each line is rounded once to
 * the minor unit (half up) and totals are sums of the rounded lines, so the breakdown adds up.
 *
 * Payments are what reached the worker (net): anything withheld from wages is therefore already
 * unpaid wages. `deductions` are charges paid separately (recruitment or document fees, "debts").
 */
export interface WageRules {
  normalHoursPerDay: number;
  monthlyDivisorDays: number;
  overtimeMultiplier: string;
  interest: Record<'wages' | 'deductions', { ratePerYear: string; basis: string }>;
}

const wageRules = wageRulesFile as unknown as {
  jurisdictions: Record<string, WageRules>;
  fallback: WageRules;
};

export function wageRulesFor(jurisdiction: string): WageRules & { fallback: boolean } {
  const own = Object.hasOwn(wageRules.jurisdictions, jurisdiction)
    ? wageRules.jurisdictions[jurisdiction]
    : undefined;
  return { ...(own ?? wageRules.fallback), fallback: !own };
}

export interface WageInput {
  jurisdiction: string;
  currency: string;
  calculateOn: string;
  wage: { amount: string; per: 'hour' | 'day' | 'month' };
  normalHoursPerDay?: number;
  overtimeMultiplier?: string;
  periods: Array<{
    from: string;
    to: string;
    dueOn?: string;
    hoursWorked?: number;
    daysWorked?: number;
    months?: number;
    overtimeHours?: number;
  }>;
  payments?: Array<{ paidOn: string; amount: string }>;
  deductions?: Array<{ kind: string; amount: string; paidOn: string; description?: string }>;
}

const HALF_UP = Decimal.ROUND_HALF_UP;

/** Years between two dates, actual/actual: each day weighs 1/365 or 1/366 of its own year. */
export function yearFraction(from: string, to: string): Decimal {
  let total = new Decimal(0);
  let cursor = from;
  while (cursor < to) {
    const year = yearOf(addDays(cursor, 1));
    const yearEnd = `${year}-12-31`;
    const end = to < yearEnd ? to : yearEnd;
    total = total.plus(new Decimal(daysBetween(cursor, end)).div(isLeapYear(year) ? 366 : 365));
    cursor = end;
  }
  return total;
}

/** Simple interest on a balance that falls at each reduction, from `from` to `to`. */
export function accrue(
  principal: Decimal,
  rate: Decimal,
  from: string,
  to: string,
  reductions: Array<{ on: string; amount: Decimal }>,
): Decimal {
  let balance = principal;
  let cursor = from;
  let interest = new Decimal(0);
  for (const r of reductions) {
    if (r.on > cursor && cursor < to) {
      const end = r.on < to ? r.on : to;
      interest = interest.plus(balance.mul(rate).mul(yearFraction(cursor, end)));
      cursor = end;
    }
    balance = balance.minus(r.amount);
  }
  if (cursor < to) interest = interest.plus(balance.mul(rate).mul(yearFraction(cursor, to)));
  return interest;
}

const q = (n: number | undefined) => new Decimal(String(n ?? 0));

export function calculateWages(input: WageInput) {
  const rules = wageRulesFor(input.jurisdiction);
  const cur = input.currency;
  const money = (minor: bigint) => formatMoney(minor, cur);
  const round = (d: Decimal) => fromDecimal(d, cur, HALF_UP);
  const hoursPerDay = q(input.normalHoursPerDay ?? rules.normalHoursPerDay);
  const multiplier = new Decimal(input.overtimeMultiplier ?? rules.overtimeMultiplier);
  const wage = toDecimal(parseMoney(input.wage.amount, cur), cur);
  const hourly =
    input.wage.per === 'hour'
      ? wage
      : input.wage.per === 'day'
        ? wage.div(hoursPerDay)
        : wage.div(rules.monthlyDivisorDays).div(hoursPerDay);
  const wageRate = new Decimal(rules.interest.wages.ratePerYear);
  const feeRate = new Decimal(rules.interest.deductions.ratePerYear);

  const periods = input.periods
    .map((p) => {
      const units =
        input.wage.per === 'hour'
          ? q(p.hoursWorked)
          : input.wage.per === 'day'
            ? q(p.daysWorked)
            : q(p.months ?? 1);
      const normal = round(wage.mul(units));
      const overtime = round(hourly.mul(q(p.overtimeHours)).mul(multiplier));
      return { from: p.from, to: p.to, dueOn: p.dueOn ?? p.to, normal, overtime, due: normal + overtime };
    })
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn));

  // Payments settle the oldest wages first.
  const applied = periods.map(() => [] as Array<{ on: string; amount: bigint }>);
  const remaining = periods.map((p) => p.due);
  let overpaid = 0n;
  for (const pay of [...(input.payments ?? [])].sort((a, b) => a.paidOn.localeCompare(b.paidOn))) {
    let left = parseMoney(pay.amount, cur);
    for (let i = 0; i < periods.length && left > 0n; i++) {
      const take = remaining[i]! < left ? remaining[i]! : left;
      if (take === 0n) continue;
      remaining[i] = remaining[i]! - take;
      applied[i]!.push({ on: pay.paidOn, amount: take });
      left -= take;
    }
    overpaid += left;
  }

  const periodLines = periods.map((p, i) => {
    const reductions = applied[i]!.map((a) => ({ on: a.on, amount: toDecimal(a.amount, cur) }));
    const interest = round(accrue(toDecimal(p.due, cur), wageRate, p.dueOn, input.calculateOn, reductions));
    return { ...p, paid: p.due - remaining[i]!, unpaid: remaining[i]!, interest };
  });
  const deductionLines = (input.deductions ?? []).map((d) => {
    const amount = parseMoney(d.amount, cur);
    const interest = round(accrue(toDecimal(amount, cur), feeRate, d.paidOn, input.calculateOn, []));
    return { kind: d.kind, description: d.description ?? null, paidOn: d.paidOn, amount, interest };
  });

  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const t = {
    wagesDue: sum(periodLines.map((p) => p.due)),
    paid: sum(periodLines.map((p) => p.paid)),
    unpaidWages: sum(periodLines.map((p) => p.unpaid)),
    wageInterest: sum(periodLines.map((p) => p.interest)),
    deductions: sum(deductionLines.map((d) => d.amount)),
    deductionInterest: sum(deductionLines.map((d) => d.interest)),
  };
  const wagesHead = t.unpaidWages + t.wageInterest;
  const feesHead = t.deductions + t.deductionInterest;
  return {
    jurisdiction: input.jurisdiction,
    currency: cur,
    calculateOn: input.calculateOn,
    rules: {
      fallback: rules.fallback,
      normalHoursPerDay: hoursPerDay.toString(),
      overtimeMultiplier: multiplier.toString(),
      hourlyRate: hourly.toDecimalPlaces(6, HALF_UP).toString(),
      interest: rules.interest,
    },
    periods: periodLines.map((p) => ({
      from: p.from,
      to: p.to,
      dueOn: p.dueOn,
      normalPay: money(p.normal),
      overtimePay: money(p.overtime),
      due: money(p.due),
      paid: money(p.paid),
      unpaid: money(p.unpaid),
      interest: money(p.interest),
    })),
    deductions: deductionLines.map((d) => ({ ...d, amount: money(d.amount), interest: money(d.interest) })),
    totals: {
      wagesDue: money(t.wagesDue),
      paid: money(t.paid),
      unpaidWages: money(t.unpaidWages),
      wageInterest: money(t.wageInterest),
      unlawfulDeductions: money(t.deductions),
      deductionInterest: money(t.deductionInterest),
      overpaid: money(overpaid),
      total: money(wagesHead + feesHead),
    },
    // Ready to file as a labour claim's heads.
    heads: [
      ...(wagesHead > 0n ? [{ head: 'unpaid_wages', amount: money(wagesHead) }] : []),
      ...(feesHead > 0n
        ? [
            {
              head: 'other',
              amount: money(feesHead),
              description: 'Unlawful fees and deductions, with interest',
            },
          ]
        : []),
    ],
  };
}
