import { DatesOutOfOrderError, type FieldError } from './errors';

/**
 * Dates that follow one another: a payment after its approval, a decision after the filing, a
 * hearing after the stage that leads to it. Each rule names the field, the earlier event and its
 * date, so the 400 (`dates-out-of-order`) names both dates.
 *
 * Dates are calendar days ('YYYY-MM-DD', compared as strings). A moment recorded by the server
 * (an approval's timestamp) becomes the earliest calendar day it was anywhere on Earth (UTC−12),
 * and "today" the latest (UTC+14), so no office's time zone ever has a same-day act refused.
 */
export interface DateRule {
  /** the field that holds the later date, e.g. `paidOn` */
  path: string;
  date: string | null | undefined;
  /** the other event, in words: 'the approval', 'the filing (filedOn)' */
  other: string;
  /** its date; no rule when either date is unknown */
  otherDate: string | null | undefined;
  /** `date` must not be before the other date (the usual case), or not after it */
  mustNotBe: 'before' | 'after';
}

/** `date` (at `path`) must not be before the date of `other`. */
export function notBefore(
  path: string,
  date: string | null | undefined,
  other: string,
  otherDate: string | null | undefined,
): DateRule {
  return { path, date, other, otherDate, mustNotBe: 'before' };
}

/** `date` (at `path`) must not be after the date of `other`. */
export function notAfter(
  path: string,
  date: string | null | undefined,
  other: string,
  otherDate: string | null | undefined,
): DateRule {
  return { path, date, other, otherDate, mustNotBe: 'after' };
}

const broken = (r: DateRule) =>
  !!r.date && !!r.otherDate && (r.mustNotBe === 'before' ? r.date < r.otherDate : r.date > r.otherDate);

/** The first broken rule of each field, as `{path, message}` naming the other date. */
export function datesOutOfOrder(rules: DateRule[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const r of rules)
    if (broken(r) && !errors.some((e) => e.path === r.path))
      errors.push({ path: r.path, message: `must not be ${r.mustNotBe} ${r.other} (${r.otherDate})` });
  return errors;
}

/** Throws `dates-out-of-order` (400) naming each field and the date it must follow. */
export function assertDateOrder(rules: DateRule[]): void {
  const errors = datesOutOfOrder(rules);
  if (errors.length === 0) return;
  const first = rules.find(broken)!;
  throw new DatesOutOfOrderError(
    errors,
    `${first.path} (${first.date}) is ${first.mustNotBe} ${first.other} (${first.otherDate}).`,
  );
}
