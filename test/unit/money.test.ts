import Decimal from 'decimal.js';
import Joi from 'joi';
import {
  currencyCode,
  exponentOf,
  formatMoney,
  fromDecimal,
  money,
  MoneyError,
  parseMoney,
  toDecimal,
} from '../../src/lib/money';
import { toFieldErrors } from '../../src/lib/validate';

describe('currency table', () => {
  it.each([
    ['THB', 2],
    ['PHP', 2],
    ['IDR', 2],
    ['VND', 0],
    ['KHR', 2],
    ['MMK', 2],
    ['MYR', 2],
    ['AUD', 2],
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['CLF', 4],
  ])('%s has exponent %d', (code, exp) => {
    expect(exponentOf(code)).toBe(exp);
  });

  it('refuses an unknown code', () => {
    expect(() => exponentOf('XYZ')).toThrow(/not an ISO 4217 currency/);
    expect(() => exponentOf('thb')).toThrow(MoneyError);
  });
});

describe('parseMoney', () => {
  it('parses to minor units with the currency exponent', () => {
    expect(parseMoney('1250.50', 'THB')).toBe(125050n);
    expect(parseMoney('1250.5', 'THB')).toBe(125050n);
    expect(parseMoney('1250', 'THB')).toBe(125000n);
    expect(parseMoney('0.01', 'USD')).toBe(1n);
    expect(parseMoney('1500', 'JPY')).toBe(1500n);
    expect(parseMoney('1.234', 'KWD')).toBe(1234n);
    expect(parseMoney('-3.10', 'EUR')).toBe(-310n);
  });

  it('keeps amounts far beyond 2^53 exact', () => {
    expect(parseMoney('92233720368547758.07', 'USD')).toBe(9223372036854775807n);
  });

  it('refuses JSON numbers, bad formats and too many decimals with clear messages', () => {
    expect(() => parseMoney(12.5, 'THB')).toThrow(/not a JSON number/);
    expect(() => parseMoney('12.505', 'THB')).toThrow('THB allows at most 2 decimals');
    expect(() => parseMoney('100.5', 'JPY')).toThrow('JPY has no minor unit');
    expect(() => parseMoney('1.2345', 'KWD')).toThrow('KWD allows at most 3 decimals');
    for (const bad of ['', '1,000.00', '1e3', '.5', '5.', ' 5', '+5', 'abc', '0x10']) {
      expect(() => parseMoney(bad, 'THB')).toThrow(/decimal string/);
    }
    expect(() => parseMoney('1.00', 'ZZZ')).toThrow(/not an ISO 4217/);
  });
});

describe('formatMoney', () => {
  it('prints exactly the exponent decimals', () => {
    expect(formatMoney(125050n, 'THB')).toBe('1250.50');
    expect(formatMoney(5n, 'THB')).toBe('0.05');
    expect(formatMoney(0n, 'USD')).toBe('0.00');
    expect(formatMoney(-310n, 'EUR')).toBe('-3.10');
    expect(formatMoney(-5n, 'EUR')).toBe('-0.05');
    expect(formatMoney(1500n, 'JPY')).toBe('1500');
    expect(formatMoney(7n, 'KWD')).toBe('0.007');
    expect(formatMoney('9223372036854775807', 'USD')).toBe('92233720368547758.07');
  });

  it('round-trips with parseMoney', () => {
    for (const s of ['0.00', '1.00', '999999999.99', '-12.34'])
      expect(formatMoney(parseMoney(s, 'USD'), 'USD')).toBe(s);
  });
});

describe('decimal helpers', () => {
  it('splits a sum in thirds with an explicit rounding, without floats', () => {
    const third = toDecimal(10000n, 'THB').div(3); // 100.00 / 3
    expect(fromDecimal(third, 'THB')).toBe(3333n);
    expect(fromDecimal(third, 'THB', Decimal.ROUND_UP)).toBe(3334n);
    expect(fromDecimal(new Decimal('0.125'), 'USD')).toBe(12n); // half-even
    // The largest amount PostgreSQL's int8 can hold, to the last digit.
    expect(fromDecimal(new Decimal('92233720368547758.07'), 'USD')).toBe(9223372036854775807n);
  });
});

describe('joi money()', () => {
  const schema = Joi.object({
    amount: money().positive().currency(Joi.ref('currency')).required(),
    currency: currencyCode().required(),
  });
  const errors = (value: unknown) => {
    const { error } = schema.validate(value, { abortEarly: false, errors: { wrap: { label: false } } });
    return error ? toFieldErrors(error) : [];
  };

  it('accepts a positive decimal string in the currency precision', () => {
    expect(errors({ amount: '1250.50', currency: 'THB' })).toEqual([]);
    expect(errors({ amount: '7', currency: 'JPY' })).toEqual([]);
  });

  it('refuses a JSON number with its own message', () => {
    expect(errors({ amount: 1250.5, currency: 'THB' })).toEqual([
      { path: 'amount', message: 'amount must be a decimal string such as "1250.50", not a JSON number' },
    ]);
  });

  it('refuses zero, negative, bad format and too many decimals at the amount path', () => {
    expect(errors({ amount: '0.00', currency: 'THB' })).toEqual([
      { path: 'amount', message: 'amount must be greater than zero' },
    ]);
    expect(errors({ amount: '-1', currency: 'THB' })[0]?.message).toBe('amount must be greater than zero');
    expect(errors({ amount: '1e3', currency: 'THB' })[0]?.message).toMatch(/decimal string/);
    expect(errors({ amount: '1.001', currency: 'THB' })).toEqual([
      { path: 'amount', message: 'amount: THB allows at most 2 decimals' },
    ]);
    expect(errors({ amount: '1.5', currency: 'VND' })[0]?.message).toMatch(/VND has no minor unit/);
  });

  it('reports an unknown currency on the currency field only', () => {
    expect(errors({ amount: '1.00', currency: 'XYZ' })).toEqual([
      { path: 'currency', message: 'currency must be an ISO 4217 currency code (e.g. "THB")' },
    ]);
  });
});
