import type { FieldError } from './errors';

/**
 * One rule for every piece of text a client sends: no C0 control characters but tab, CR and
 * LF, and no lone UTF-16 surrogates. PostgreSQL refuses NUL in text (a 500 before this rule), a
 * lone surrogate is silently turned into U+FFFD on its way to the database (so what is stored is
 * not what was checked), and neither has any place in a name, a note or an identifier.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

// Prototype-pollution probes: no field of ours has these names, and some libraries treat them
// specially, so they are refused rather than passed on.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Deeper than any body the API takes; past it the schema refuses the shape anyway.
const MAX_DEPTH = 32;

/** Why `text` breaks the rule, or null when it keeps it. */
export function textProblem(text: string): string | null {
  if (CONTROL.test(text)) return 'must not contain control characters (other than tab and line breaks)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return null;
}

/** The text with each lone surrogate replaced by U+FFFD, as PostgreSQL would store it anyway. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Every string (and every key) in a parsed body, query or params that breaks the rule, named
 * by its path; `exempt` top-level fields are left to services that normalize them themselves.
 */
export function textRuleErrors(value: unknown, exempt: readonly string[] = [], prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (v: unknown, path: string, depth: number): void => {
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) errors.push({ path: path || prefix, message: `${path || prefix} ${problem}` });
      return;
    }
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, pathOf(path, i), depth + 1));
      return;
    }
    for (const key of Object.keys(v)) {
      if (depth === 0 && exempt.includes(key)) continue;
      const keyProblem = FORBIDDEN_KEYS.has(key) ? 'is not allowed' : textProblem(key);
      // the key itself cannot name the field, so the path shows it with its bad parts replaced
      if (keyProblem) errors.push({ path: pathOf(path, safeKey(key)), message: `field name ${keyProblem}` });
      else visit((v as Record<string, unknown>)[key], pathOf(path, key), depth + 1);
    }
  };
  visit(value, '', 0);
  return errors;
}

function safeKey(key: string): string {
  return wellFormed(key).replace(new RegExp(CONTROL.source, 'g'), '\uFFFD');
}
