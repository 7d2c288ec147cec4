import type { Language } from '../lib/i18n';

/**
 * Amounts and dates as the page's language writes them. Amounts arrive as decimal strings and
 * never become a JS number: Intl groups the digits of the whole part as a BigInt, and the
 * decimals are kept from the string, written with the locale's own decimal sign and digits.
 */

// Thai counts years in the Buddhist era (2026 is 2569); the others use the Gregorian calendar.
const DATE_LOCALE: Record<Language, string> = {
  en: 'en',
  th: 'th-TH-u-ca-buddhist',
  id: 'id',
  vi: 'vi',
  fil: 'fil',
  km: 'km',
  my: 'my',
};

const numberFormats = new Map<Language, { grouped: Intl.NumberFormat; decimalSign: string }>();

function numberFormat(language: Language) {
  let f = numberFormats.get(language);
  if (!f) {
    const grouped = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
    const sample = new Intl.NumberFormat(language, { minimumFractionDigits: 1 }).formatToParts(0n);
    f = { grouped, decimalSign: sample.find((p) => p.type === 'decimal')?.value ?? '.' };
    numberFormats.set(language, f);
  }
  return f;
}

/** "1234567.50" → "1,234,567.50" (en), "1.234.567,50" (id), "၁,၂၃၄,၅၆၇.၅၀" (my). */
export function formatAmount(decimal: string, language: Language): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m) throw new Error(`not a decimal amount: ${decimal}`);
  const [, minus, whole, fraction] = m;
  const { grouped, decimalSign } = numberFormat(language);
  const digit = (d: string) => grouped.format(BigInt(d));
  const wholePart = grouped.format(BigInt(whole!));
  return `${minus}${wholePart}${fraction ? decimalSign + fraction.replace(/\d/g, digit) : ''}`;
}

const dateFormats = new Map<Language, Intl.DateTimeFormat>();

/** '2026-03-05' → "5 มีนาคม 2569" (th), "March 5, 2026" (en); the day as written, no time zone shift. */
export function formatDate(isoDate: string, language: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`not a date: ${isoDate}`);
  let f = dateFormats.get(language);
  if (!f) {
    f = new Intl.DateTimeFormat(DATE_LOCALE[language], { dateStyle: 'long', timeZone: 'UTC' });
    dateFormats.set(language, f);
  }
  return f.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}
