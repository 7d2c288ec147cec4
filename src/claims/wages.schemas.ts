import Joi from 'joi';
import { ValidationError, type FieldError } from '../lib/errors';
import { currencyCode, money } from '../lib/money';
import { assertDateOrder, notAfter, notBefore } from '../lib/date-order';
import { isCountryCode, isoDate, pastDate } from '../lib/schemas';
import type { WageInput } from './wages';

const quantity = Joi.number().min(0).max(100000).precision(2);
const amount = money().currency(Joi.ref('/currency'));

/** A wage calculation as sent: without `calculateOn` it is calculated as of today. */
export type WageBody = Omit<WageInput, 'calculateOn'> & { calculateOn?: string };
type WagePeriod = WageInput['periods'][number];
type WageDeduction = NonNullable<WageInput['deductions']>[number];

export const wageBody = Joi.object<WageBody, true>({
  jurisdiction: Joi.string()
    .pattern(/^[A-Z]{2}$/)
    .required(),
  currency: currencyCode().required(),
  calculateOn: pastDate(),
  wage: Joi.object<WageInput['wage'], true>({
    amount: amount.positive().required(),
    per: Joi.string().valid('hour', 'day', 'month').required(),
  }).required(),
  normalHoursPerDay: Joi.number().greater(0).max(24).precision(2),
  overtimeMultiplier: Joi.string().pattern(/^[1-9](\.\d{1,4})?$/),
  periods: Joi.array()
    .items(
      Joi.object<WagePeriod, true>({
        from: pastDate().required(),
        to: pastDate().required(),
        dueOn: isoDate(),
        hoursWorked: quantity,
        daysWorked: quantity.max(31),
        months: quantity.max(12),
        overtimeHours: quantity.max(1000),
      }),
    )
    .min(1)
    .max(240)
    .required(),
  payments: Joi.array()
    .items(
      Joi.object<NonNullable<WageInput['payments']>[number], true>({
        paidOn: pastDate().required(),
        amount: amount.positive().required(),
      }),
    )
    .max(1000),
  deductions: Joi.array()
    .items(
      Joi.object<WageDeduction, true>({
        kind: Joi.string().valid('recruitment_fee', 'document_fee', 'debt', 'other').required(),
        amount: amount.positive().required(),
        paidOn: pastDate().required(),
        description: Joi.string().trim().max(500),
      }),
    )
    .max(100),
});

/** What joi cannot say alone: a real country, the unit the wage is paid by, dates in order. */
export function crossCheck(b: WageInput): void {
  const errors: FieldError[] = [];
  if (!isCountryCode(b.jurisdiction))
    errors.push({ path: 'jurisdiction', message: 'must be an ISO 3166-1 alpha-2 country code' });
  const unit = b.wage.per === 'hour' ? 'hoursWorked' : b.wage.per === 'day' ? 'daysWorked' : null;
  b.periods.forEach((p, i) => {
    if (unit && p[unit] === undefined)
      errors.push({ path: `periods[${i}].${unit}`, message: `is required for a wage per ${b.wage.per}` });
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const calculation = 'the calculation date (calculateOn)';
  assertDateOrder([
    ...b.periods.map((p, i) => notBefore(`periods[${i}].to`, p.to, `the period's start (from)`, p.from)),
    ...(b.payments ?? []).map((p, i) =>
      notAfter(`payments[${i}].paidOn`, p.paidOn, calculation, b.calculateOn),
    ),
    ...(b.deductions ?? []).map((d, i) =>
      notAfter(`deductions[${i}].paidOn`, d.paidOn, calculation, b.calculateOn),
    ),
  ]);
}
