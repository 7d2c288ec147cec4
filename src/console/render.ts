import crypto from 'node:crypto';
import path from 'node:path';
import type { Response } from 'express';
import nunjucks from 'nunjucks';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../lib/i18n';
import type { Actor } from '../lib/auth';
import { NAV } from './nav';
import { consoleText, type ConsoleText } from './text';

/** Templates and the stylesheet sit beside this file (scripts/build.js copies them into dist/). */
export const VIEWS_DIR = path.join(__dirname, 'views');
export const STATIC_DIR = path.join(__dirname, 'static');

/**
 * Autoescape on: every `{{ value }}` is HTML-escaped unless a template says `| safe`, which only
 * the chart partial does (for SVG the server drew). Missing variables render empty rather than throw.
 */
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
  trimBlocks: true,
  lstripBlocks: true,
});

/**
 * No script and no inline style at all: the console works without JavaScript, and the one
 * stylesheet is a file. Forms post only to the console; nothing loads from another site.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "script-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** `heads.0.amount` → `heads[0][amount]`: the form name that express.urlencoded reads back as nested. */
export function fieldName(path: string): string {
  const [first, ...rest] = path.split('.');
  return first + rest.map((p) => `[${p}]`).join('');
}

/** The element id of a field: the error summary links to it, its label points at it. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The value at a dotted path in a submitted form (to fill the form in again). */
export function valueAt(values: unknown, path: string): unknown {
  let at: unknown = values;
  for (const part of path.split('.')) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

env.addFilter('fieldName', fieldName);
env.addFilter('fieldId', fieldId);
env.addGlobal('valueAt', valueAt);

export interface Viewer {
  actor: Actor;
  name: string;
  language: Language;
  csrf: string;
}

/** What every page gets besides its own model: the viewer, texts, menu, flash and form helpers. */
export interface PageFrame {
  viewer?: Viewer;
  language: Language;
  t: ConsoleText;
  path: string;
  flash?: string;
  csrf: string;
}

export function render(
  res: Response,
  frame: PageFrame,
  view: string,
  model: Record<string, unknown>,
  status = 200,
): void {
  const html = env.render(view, {
    ...model,
    lang: frame.language,
    t: frame.t,
    csrf: frame.csrf,
    path: frame.path,
    flash: frame.flash,
    viewer: frame.viewer,
    nav: frame.viewer ? NAV[frame.viewer.actor.role] : [],
    languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    // a new key each time a form is drawn: submitting it twice runs it once
    formKey: () => crypto.randomUUID(),
  });
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONSOLE_CSP,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    .send(html);
}

export function frameText(language: Language): ConsoleText {
  return consoleText(language);
}
