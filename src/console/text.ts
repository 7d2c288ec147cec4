import fs from 'node:fs';
import path from 'node:path';
import { LOCALES_DIR, DEFAULT_LANGUAGE, englishKeys, translate, type Language } from '../lib/i18n';

/**
 * The console's texts live in several catalogs so each part of the console has its own file:
 * `console.json` (layout, sign-in, forms, problems) and `console-<part>.json` for the pages of
 * one part. A key names its part by its first segment: `worker.victim.title` is read from
 * `console-worker.json`, `nav.home` from `console.json`.
 */
const PARTS = new Set(
  fs.existsSync(path.join(LOCALES_DIR, DEFAULT_LANGUAGE))
    ? fs
        .readdirSync(path.join(LOCALES_DIR, DEFAULT_LANGUAGE))
        .filter((f) => /^console-[a-z]+\.json$/.test(f))
        .map((f) => f.slice('console-'.length, -'.json'.length))
    : [],
);

export function namespaceOf(key: string): string {
  const part = key.slice(0, key.indexOf('.'));
  return PARTS.has(part) ? `console-${part}` : 'console';
}

export type ConsoleText = (key: string, vars?: Record<string, string | number>) => string;

/** `t('nav.home')` in the person's language (English where a text is missing; unknown keys throw). */
export function consoleText(language: Language): ConsoleText {
  return (key, vars) => translate(language, namespaceOf(key), key, vars);
}

const known = new Map<string, Set<string>>();
/** Whether English has `key` (to pick a specific text, e.g. for a joi error type, or a general one). */
export function hasConsoleText(key: string): boolean {
  const ns = namespaceOf(key);
  let keys = known.get(ns);
  if (!keys) {
    keys = new Set(englishKeys(ns));
    known.set(ns, keys);
  }
  return keys.has(key);
}
