import Joi from 'joi';
import { latestToday } from './dates';

/**
 * The joi pieces every domain's schemas share, kept once so a field means (and is refused with)
 * the same words wherever it appears.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The calendar dates the service takes anywhere: nothing it records (a birth, a hearing, a
 * payment) falls outside, and PostgreSQL or the formatting of pages would trip on year 0000.
 */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2999-12-31';

/** A real calendar date as 'YYYY-MM-DD' (2025-02-30 is refused), kept as a string. */
export function isoDate(): Joi.StringSchema {
  return Joi.string()
    .pattern(ISO_DATE)
    .custom((value: string, helpers) => {
      const d = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
        return helpers.error('date.real');
      if (value < EARLIEST_DATE || value > LATEST_DATE) return helpers.error('date.range');
      return value;
    })
    .messages({
      'string.pattern.base': '{{#label}} must be a date as YYYY-MM-DD',
      'date.real': '{{#label}} is not a calendar date',
      'date.range': `{{#label}} must be between ${EARLIEST_DATE} and ${LATEST_DATE}`,
    });
}

/** A moment (ISO 8601 date or date-time) within the same range, as a Date. */
export function isoMoment(): Joi.DateSchema {
  return Joi.date().iso().min(`${EARLIEST_DATE}T00:00:00Z`).max(`${LATEST_DATE}T23:59:59.999Z`);
}

/** A date that has already happened (today allowed). */
export function pastDate(): Joi.StringSchema {
  return isoDate()
    .custom((value: string, helpers) => (value > latestToday() ? helpers.error('date.future') : value))
    .messages({ 'date.future': '{{#label}} must not be in the future' });
}

export function uuid(): Joi.StringSchema {
  return Joi.string().guid();
}

/** A bigint id (ledger entries and accounts, outbox rows, reminders), sent as a decimal string. */
export function bigintId(): Joi.StringSchema {
  return Joi.string()
    .pattern(/^\d{1,18}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be an id' });
}

/**
 * Keyset paging as the ledger, funds and disbursements lists take it: `limit` rows after the
 * opaque `cursor` of the previous page. (Claims and audit keep a shorter cursor of their own.)
 */
export const pageQuery = {
  limit: Joi.number().integer().min(1).max(500).default(50),
  cursor: Joi.string().max(200),
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** An ISO 3166-1 alpha-2 country code that ICU knows (so "ZZ" or "QQ" is refused). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = regionNames.of(code);
  return !!name && name !== code && name !== 'Unknown Region';
}

export function countryCode(): Joi.StringSchema {
  return Joi.string()
    .custom((v: string, h) => (isCountryCode(v) ? v : h.error('country.code')))
    .messages({ 'country.code': '{{#label}} must be an ISO 3166-1 alpha-2 country code such as "TH"' });
}

/** A programme a victim is enrolled in, and a fund's pot may be restricted to, e.g. "reintegration". */
export function programmeCode(): Joi.StringSchema {
  return Joi.string()
    .pattern(/^[a-z][a-z0-9_]{0,39}$/)
    .messages({
      'string.pattern.base': '{{#label}} must be a programme code (lower case letters, digits, _)',
    });
}

/** The `:id` of a route on one record, as its handler receives it. */
export interface IdParams {
  id: string;
}

/** A body that only gives a reason (a reversal, a rejection). */
export interface ReasonBody {
  reason: string;
}

/** A keyset page request (see pageQuery), after joi's default fills `limit`. */
export interface PageQuery {
  limit: number;
  cursor?: string;
}
