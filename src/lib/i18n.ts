import fs from 'node:fs';
import path from 'node:path';

/**
 * Translations live in `locales/<language>/<namespace>.json` (flat "key": "text" with
 * {{placeholders}}), so a translator edits JSON and never touches code. A key missing in a
 * language falls back to English; `missingTranslations()` lists every such gap
 * (`npm run cli -- i18n-check`).
 */
export const LANGUAGES = ['en', 'th', 'id', 'vi', 'fil', 'km', 'my'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** Native names, for language switches (each shown in its own script). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  th: 'ไทย',
  id: 'Bahasa Indonesia',
  vi: 'Tiếng Việt',
  fil: 'Filipino',
  km: 'ខ្មែរ',
  my: 'မြန်မာ',
};

const ALIASES: Record<string, Language> = {
  tl: 'fil',
  tgl: 'fil',
  in: 'id',
  bur: 'my',
  mya: 'my',
  khm: 'km',
};

export const LOCALES_DIR = path.resolve(__dirname, '../../locales');

type Catalog = Record<string, string>;
const cache = new Map<string, Catalog>();

function load(language: Language, namespace: string): Catalog {
  const id = `${language}/${namespace}`;
  let catalog = cache.get(id);
  if (!catalog) {
    const file = path.join(LOCALES_DIR, language, `${namespace}.json`);
    catalog = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Catalog) : {};
    cache.set(id, catalog);
  }
  return catalog;
}

/** Accepts 'th', 'th-TH', 'TL', 'fil-PH'…; anything unknown becomes English. */
export function normalizeLanguage(input: string | null | undefined): Language {
  const base = (input ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  return ALIASES[base] ?? DEFAULT_LANGUAGE;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The text for `key` in `language`, falling back to English; an unknown key is a bug and throws. */
export function translate(
  language: Language,
  namespace: string,
  key: string,
  vars: Record<string, string | number> = {},
): string {
  const text = load(language, namespace)[key] ?? load(DEFAULT_LANGUAGE, namespace)[key];
  if (text === undefined) throw new Error(`i18n: no English text for ${namespace}:${key}`);
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Binds a language and namespace: `const t = translator('th', 'status'); t('title')`. */
export function translator(language: Language, namespace: string) {
  return (key: string, vars?: Record<string, string | number>) => translate(language, namespace, key, vars);
}

export function namespaces(): string[] {
  const dir = path.join(LOCALES_DIR, DEFAULT_LANGUAGE);
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort()
    : [];
}

export function englishKeys(namespace: string): string[] {
  return Object.keys(load(DEFAULT_LANGUAGE, namespace));
}

/** Every (language, namespace, key) that English has and the language lacks. */
export function missingTranslations(): Array<{ language: Language; namespace: string; key: string }> {
  const missing: Array<{ language: Language; namespace: string; key: string }> = [];
  for (const namespace of namespaces()) {
    const keys = englishKeys(namespace);
    for (const language of LANGUAGES) {
      if (language === DEFAULT_LANGUAGE) continue;
      const catalog = load(language, namespace);
      for (const key of keys) if (!catalog[key]?.trim()) missing.push({ language, namespace, key });
    }
  }
  return missing;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * The language of one e-mail to several staff members: theirs if they all share it, else the
 * default (a single message, so that a retry never reaches some of them twice).
 */
export function sharedLanguage(recipients: ReadonlyArray<{ preferred_language: Language }>): Language {
  const first = recipients[0]?.preferred_language;
  return first && recipients.every((r) => r.preferred_language === first) ? first : DEFAULT_LANGUAGE;
}
