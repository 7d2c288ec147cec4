import type Joi from 'joi';
import {
  addDays,
  addMonths,
  addPeriod,
  addYears,
  daysBetween,
  earliestDateOf,
  isLeapYear,
  latestToday,
  maxDate,
  todayUtc,
  utcDateOf,
  yearOf,
} from '../../src/lib/dates';
import { bigintId, isoDate, isoMoment, pastDate } from '../../src/lib/schemas';

/** A moment a few minutes before midnight UTC, where "today" differs across the world. */
const lateEvening = new Date('2025-03-10T23:50:00Z');

describe('the calendar date of a moment', () => {
  it('is taken in UTC whatever the server time zone', () => {
    expect(todayUtc(lateEvening)).toBe('2025-03-10');
    expect(utcDateOf(new Date('2025-03-11T00:00:00Z'))).toBe('2025-03-11');
  });

  it('is at its latest in UTC+14, so a same-day act east of UTC is never "in the future"', () => {
    expect(latestToday(lateEvening)).toBe('2025-03-11');
    expect(latestToday(new Date('2025-03-10T09:59:59Z'))).toBe('2025-03-10');
    expect(latestToday(new Date('2025-03-10T10:00:00Z'))).toBe('2025-03-11');
  });

  it('is at its earliest in UTC−12, so an approval at 01:00 UTC allows a payment dated the day before', () => {
    expect(earliestDateOf(new Date('2025-03-11T01:00:00Z'))).toBe('2025-03-10');
    expect(earliestDateOf(new Date('2025-03-11T12:00:00Z'))).toBe('2025-03-11');
  });
});

describe('calendar arithmetic', () => {
  it('adds days across month, year and leap-day boundaries, and subtracts with a negative count', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-03-10', 0)).toBe('2025-03-10');
  });

  it('clamps months and years to the last day of a shorter month', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addPeriod('2025-01-31', { years: 1, months: 1, days: 1 })).toBe('2026-03-01');
    expect(addPeriod('2025-01-31', {})).toBe('2025-01-31');
  });

  it('counts whole days between two dates, negative when the second is earlier', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysBetween('2025-03-10', '2025-03-03')).toBe(-7);
    expect(daysBetween('2025-03-10', '2025-03-10')).toBe(0);
  });

  it('undoes addDays with daysBetween for any offset', () => {
    for (const offset of [-400, -31, -1, 0, 1, 29, 365, 1461])
      expect(daysBetween('2024-02-29', addDays('2024-02-29', offset))).toBe(offset);
  });

  it('refuses a string that is not YYYY-MM-DD rather than computing with NaN', () => {
    expect(() => addDays('10/03/2025', 1)).toThrow('not a date');
    expect(() => daysBetween('2025-03-10', '2025-3-1')).toThrow('not a date');
  });

  it('knows leap years, the year of a date, and the later of two dates', () => {
    expect([1900, 2000, 2024, 2025].map(isLeapYear)).toEqual([false, true, true, false]);
    expect(yearOf('2025-03-10')).toBe(2025);
    expect(maxDate('2025-03-10', '2025-12-01')).toBe('2025-12-01');
    expect(maxDate('2025-12-01', '2025-03-10')).toBe('2025-12-01');
  });
});

describe('the shared date schemas', () => {
  // as src/lib/validate.ts reports them: the label bare, not in quotes
  const message = (schema: Joi.Schema, value: unknown) =>
    schema.validate(value, { errors: { wrap: { label: false } } }).error?.message;

  it('takes real calendar dates between 1900-01-01 and 2999-12-31, in the words the API answers', () => {
    expect(message(isoDate().label('filedOn'), '2024-02-29')).toBeUndefined();
    expect(message(isoDate().label('filedOn'), '10/03/2025')).toBe('filedOn must be a date as YYYY-MM-DD');
    expect(message(isoDate().label('filedOn'), '2025-02-29')).toBe('filedOn is not a calendar date');
    expect(message(isoDate().label('filedOn'), '1899-12-31')).toBe(
      'filedOn must be between 1900-01-01 and 2999-12-31',
    );
  });

  it('refuses a past date later than the latest today on Earth', () => {
    expect(message(pastDate().label('paidOn'), latestToday())).toBeUndefined();
    expect(message(pastDate().label('paidOn'), addDays(latestToday(), 1))).toBe(
      'paidOn must not be in the future',
    );
  });

  it('takes a moment as an ISO date or date-time within the same range', () => {
    expect(isoMoment().validate('2025-03-10T12:00:00Z').value).toEqual(new Date('2025-03-10T12:00:00Z'));
    expect(isoMoment().validate('3000-01-01').error).toBeDefined();
  });

  it('takes a bigint id as up to 18 digits, refused in the words the ledger routes answer', () => {
    expect(message(bigintId().label('accountId'), '123456789012345678')).toBeUndefined();
    expect(message(bigintId().label('accountId'), '1234567890123456789')).toBe('accountId must be an id');
    expect(message(bigintId().label('accountId'), '-1')).toBe('accountId must be an id');
  });
});
