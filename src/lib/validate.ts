import type Joi from 'joi';
import type { RequestHandler } from 'express';
import { ValidationError, type FieldError } from './errors';
import { textRuleErrors } from './text-rule';
import './request';

/**
 * The parts of a request after validation: each has its schema's type once a route declares
 * one (see `Call` in route.ts); until then nothing is known about it.
 */
export interface Validated {
  body: unknown;
  query: unknown;
  params: unknown;
}

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  allowUnknown: false, // an unknown field is a client bug worth telling about, not something to drop
  convert: true,
  errors: { wrap: { label: false } },
};

export function toFieldErrors(error: Joi.ValidationError, prefix?: string): FieldError[] {
  return error.details.map((d) => {
    const p = d.path.reduce<string>(
      (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : String(part)),
      '',
    );
    return { path: prefix && !p ? prefix : p, message: d.message };
  });
}

/** Validates body, query and params; the converted values land on `req.valid`. */
export function validateRequest(
  schemas: {
    body?: Joi.Schema;
    query?: Joi.Schema;
    params?: Joi.Schema;
  },
  /** Top-level body fields the service normalizes itself (see RouteSpec.rawText). */
  rawText: readonly string[] = [],
): RequestHandler {
  return (req, _res, next) => {
    // The text rule holds for every route, with or without a schema for the part.
    const errors: FieldError[] = [
      ...textRuleErrors(req.params, [], 'params'),
      ...textRuleErrors(req.query, [], 'query'),
      ...textRuleErrors(req.body, rawText, 'body'),
    ];
    if (errors.length > 0) {
      next(new ValidationError(errors));
      return;
    }
    const valid: Validated = { body: req.body, query: req.query, params: req.params };
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const input = part === 'body' ? (req.body ?? {}) : part === 'query' ? req.query : req.params;
      const { value, error } = schema.validate(input, OPTIONS);
      if (error) errors.push(...toFieldErrors(error, part));
      else valid[part] = value;
    }
    if (errors.length > 0) {
      next(new ValidationError(errors));
      return;
    }
    req.valid = valid;
    next();
  };
}

export function valid(req: { valid?: Validated }): Validated | undefined {
  return req.valid;
}
