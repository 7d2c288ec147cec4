import Decimal from 'decimal.js';
import Joi from 'joi';

/**
 * Money: decimal strings at the edge, bigint minor units inside, decimal.js for anything beyond
 * adding and subtracting. A JS number never holds an amount.
 */

// ISO 4217 active codes by minor-unit exponent. Listed as data so an unknown code is a 400
// ("unknown currency") rather than a guess at its decimals.
const BY_EXPONENT: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
    'GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD ' +
    'MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP ' +
    'PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS ' +
    'TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

export const CURRENCY_EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_EXPONENT).flatMap(([exp, codes]) =>
    codes.split(' ').map((code) => [code, Number(exp)] as const),
  ),
);

export const CURRENCY_CODES: readonly string[] = [...CURRENCY_EXPONENTS.keys()].sort();

export class MoneyError extends Error {}

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && CURRENCY_EXPONENTS.has(code);
}

export function exponentOf(currency: string): number {
  const exp = CURRENCY_EXPONENTS.get(currency);
  if (exp === undefined) throw new MoneyError(`"${currency}" is not an ISO 4217 currency code`);
  return exp;
}

/** PostgreSQL int8: the largest amount a column (and so any balance) can hold. */
export const MAX_MINOR = 9223372036854775807n;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "1250.50" THB → 125050n. Throws MoneyError with a message fit for a 400. */
export function parseMoney(input: unknown, currency: string): bigint {
  if (typeof input === 'number')
    throw new MoneyError('must be a decimal string such as "1250.50", not a JSON number');
  if (typeof input !== 'string') throw new MoneyError('must be a decimal string such as "1250.50"');
  const exp = exponentOf(currency);
  const m = DECIMAL.exec(input);
  if (!m)
    throw new MoneyError('must be a decimal string such as "1250.50" (digits, optional "." and decimals)');
  const [, minus, whole, frac = ''] = m;
  if (frac.length > exp)
    throw new MoneyError(
      exp === 0
        ? `${currency} has no minor unit: give a whole number`
        : `${currency} allows at most ${exp} decimal${exp === 1 ? '' : 's'}`,
    );
  const minor = BigInt(whole! + frac.padEnd(exp, '0'));
  if (minor > MAX_MINOR) throw new MoneyError('is too large');
  return minus ? -minor : minor;
}

/** 125050n THB → "1250.50": always exactly the currency's exponent. */
export function formatMoney(minor: bigint | string, currency: string): string {
  const exp = exponentOf(currency);
  const value = typeof minor === 'bigint' ? minor : BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = exp > 0 ? `.${digits.slice(digits.length - exp)}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/** For calculations (shares, interest, FX): minor units as an exact decimal in major units. */
export function toDecimal(minor: bigint, currency: string): Decimal {
  return new Decimal(minor.toString()).div(new Decimal(10).pow(exponentOf(currency)));
}

// A Decimal that never prints in exponent notation, so BigInt() can read any integer exactly.
const PlainDecimal = Decimal.clone({ toExpPos: 9e15, toExpNeg: -9e15 });
const PlainDigits = (d: Decimal) => new PlainDecimal(d);

/** Back to minor units; the caller states the rounding (a fund must choose, never the runtime). */
export function fromDecimal(
  value: Decimal,
  currency: string,
  rounding: Decimal.Rounding = Decimal.ROUND_HALF_EVEN,
): bigint {
  const scaled = value.mul(new Decimal(10).pow(exponentOf(currency))).toDecimalPlaces(0, rounding);
  return BigInt(PlainDigits(scaled).toString());
}

type MoneySchema = Joi.StringSchema & {
  /** Checks decimals against the currency found at `ref` (a sibling field, usually). */
  currency(ref: string | Joi.Reference): MoneySchema;
  positive(): MoneySchema;
};

/**
 * joi type for amounts: a string (a JSON number is refused with its own message), decimal
 * format, and — given `.currency(ref)` — no more decimals than that currency allows. Errors
 * carry the field's own path, so a 400 names `postings[2].amount`.
 */
const MoneyJoi = Joi.extend((joi) => ({
  type: 'money',
  base: joi.string().trim(false),
  messages: {
    'money.number': '{{#label}} must be a decimal string such as "1250.50", not a JSON number',
    'money.format': '{{#label}} must be a decimal string such as "1250.50"',
    'money.positive': '{{#label}} must be greater than zero',
    'money.decimals': '{{#label}}: {{#reason}}',
  },
  prepare(value, helpers) {
    if (typeof value === 'number') return { errors: [helpers.error('money.number')] };
    return undefined;
  },
  validate(value, helpers) {
    if (typeof value === 'string' && !DECIMAL.test(value))
      return { value, errors: [helpers.error('money.format')] };
    return { value };
  },
  rules: {
    positive: {
      method() {
        return this.$_addRule({ name: 'positive' });
      },
      validate(value: string, helpers) {
        return /^-|^[0.]+$/.test(value) ? helpers.error('money.positive') : value;
      },
    },
    currency: {
      method(ref: unknown) {
        return this.$_addRule({ name: 'currency', args: { ref } });
      },
      args: [{ name: 'ref', ref: true, assert: () => true, message: 'a currency' }],
      validate(value: string, helpers, args: Record<string, unknown>) {
        const currency = args.ref;
        // An unknown or missing currency is reported on the currency field itself.
        if (!isCurrency(currency)) return value;
        try {
          parseMoney(value, currency);
          return value;
        } catch (err) {
          return helpers.error('money.decimals', { reason: (err as Error).message });
        }
      },
    },
  },
}));

export function money(): MoneySchema {
  // Published in OpenAPI as a decimal string (joi-to-swagger knows only joi's own types).
  return MoneyJoi.money().meta({
    swagger: { type: 'string', pattern: DECIMAL.source, example: '1250.50' },
    swaggerOverride: true,
  }) as MoneySchema;
}

export function currencyCode(): Joi.StringSchema {
  return Joi.string()
    .valid(...CURRENCY_CODES)
    .messages({ 'any.only': '{{#label}} must be an ISO 4217 currency code (e.g. "THB")' });
}
