import type Joi from 'joi';
import { AppError, type FieldError } from '../lib/errors';
import { hasConsoleText, type ConsoleText } from './text';

/** A refused form, ready to draw: messages by field (dotted path), one for the whole form. */
export interface FormProblem {
  status: number;
  /** `heads.0.amount` → message, in the person's language. */
  fields: Record<string, string>;
  /** For the box at the top of the form. */
  summary: string;
  /** The API's English detail, for a problem that is not about one field. */
  detail?: string;
  /** What was typed, to fill the form again (never a password). */
  values: Record<string, unknown>;
}

/** Form-only fields (CSRF token, form key) are not part of the operation's input. */
export function stripFormFields(body: Record<string, unknown>): Record<string, unknown> {
  return blanksRemoved(
    Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith('_'))),
  ) as Record<string, unknown>;
}

/** An empty box in an HTML form means "not given", as a missing key does in JSON. */
function blanksRemoved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blanksRemoved).filter((v) => v !== undefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = blanksRemoved(v);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

function withoutSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const { password: _password, ...rest } = values;
  return rest;
}

function joiMessage(t: ConsoleText, d: Joi.ValidationErrorItem): string {
  const key = `validation.${d.type}`;
  const vars: Record<string, string | number> = {};
  const limit = d.context?.limit as unknown;
  if (typeof limit === 'number' || typeof limit === 'string') vars.limit = limit;
  return hasConsoleText(key) ? t(key, vars) : t('validation.invalid');
}

function problemMessage(t: ConsoleText, err: AppError): string {
  const key = `problem.${err.kind}`;
  return hasConsoleText(key) ? t(key) : t('problem.other');
}

export function formProblem(
  t: ConsoleText,
  error: Joi.ValidationError | AppError,
  values: Record<string, unknown>,
): FormProblem {
  const fields: Record<string, string> = {};
  if (error instanceof AppError) {
    const errors = (error.extra.errors ?? []) as FieldError[];
    for (const e of errors) fields[e.path] ??= problemMessage(t, error);
    return {
      status: error.status,
      fields,
      summary: problemMessage(t, error),
      detail: error.message,
      values: withoutSecrets(values),
    };
  }
  for (const d of error.details) fields[d.path.join('.')] ??= joiMessage(t, d);
  return { status: 422, fields, summary: t('form.fixFields'), values: withoutSecrets(values) };
}
