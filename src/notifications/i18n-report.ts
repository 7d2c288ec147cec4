import { LANGUAGES, missingTranslations, namespaces } from '../lib/i18n';

/**
 * The `i18n-check` report: one line per text a language lacks ("th mail:update.subject"), so a
 * translator knows what to add; those texts are shown in English meanwhile.
 */
export function i18nReport(missing = missingTranslations()): { ok: boolean; text: string } {
  if (missing.length === 0) {
    return {
      ok: true,
      text: `All translations present: ${LANGUAGES.join(', ')} (${namespaces().join(', ')}).`,
    };
  }
  const lines = missing.map((m) => `${m.language} ${m.namespace}:${m.key}`);
  return {
    ok: false,
    text: [`${missing.length} missing translation(s), shown in English until added:`, ...lines].join('\n'),
  };
}
