/**
 * Calendar arithmetic on 'YYYY-MM-DD' strings, in UTC so a server's time zone never moves a
 * deadline. Adding months or years to the 29th–31st clamps to the month's last day (29 Feb
 * plus one year is 28 Feb), the usual reading of "one year from". The one home of these
 * helpers: domains import them from here rather than keep their own copies.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const HOUR = 3_600_000;

/** The calendar date a moment fell on in UTC. */
export function utcDateOf(moment: Date): string {
  return fromUtc(moment.getTime());
}

/** Today's calendar date in UTC (the date the server's jobs and defaults go by). */
export function todayUtc(now: Date = new Date()): string {
  return utcDateOf(now);
}

/** The latest calendar date anywhere on Earth right now (UTC+14), so "today" is never refused. */
export function latestToday(now: Date = new Date()): string {
  return fromUtc(now.getTime() + 14 * HOUR);
}

/** The earliest calendar date a moment fell on anywhere on Earth (UTC−12). */
export function earliestDateOf(moment: Date): string {
  return fromUtc(moment.getTime() - 12 * HOUR);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return fromUtc(Date.UTC(y, m - 1, d + days));
}

export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(y, m - 1 + months, Math.min(d, last)));
}

export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

export function addPeriod(date: string, p: { years?: number; months?: number; days?: number }): string {
  return addDays(addMonths(date, (p.years ?? 0) * 12 + (p.months ?? 0)), p.days ?? 0);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = parts(a);
  const [yb, mb, db] = parts(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / 86_400_000);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function yearOf(date: string): number {
  return parts(date)[0];
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}
