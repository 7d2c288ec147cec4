import { escapeHtml, LANGUAGE_NAMES, LANGUAGES, translator, type Language } from '../lib/i18n';
import { htmlDocument } from '../status/status.view';

/**
 * The landing page at `/`: where a victim finds the status page and a developer the API docs.
 * Server-rendered, no script, the status page's hashed style and CSP. The staff console will
 * be linked here once it exists (issue 13 item 7); until then the page says staff use the API.
 */
const e = escapeHtml;

export function renderHomePage(language: Language): string {
  const t = translator(language, 'home');
  const langs = LANGUAGES.map((l) => {
    const current = l === language ? ' aria-current="true"' : '';
    return `<li><a href="/?language=${l}" lang="${l}" hreflang="${l}"${current}>${e(LANGUAGE_NAMES[l])}</a></li>`;
  });
  const link = (href: string, text: string, hint: string) =>
    `<li><a href="${href}">${e(text)}</a><p class="hint">${e(hint)}</p></li>`;
  const body = [
    `<nav aria-label="${e(t('language.label'))}"><ul class="langs">${langs.join('')}</ul></nav>`,
    `<h1>${e(t('page.title'))}</h1>`,
    `<p>${e(t('page.intro'))}</p>`,
    '<ul>',
    link(`/status?language=${language}`, t('link.status'), t('link.statusHint')),
    link('/docs', t('link.docs'), t('link.docsHint')),
    '</ul>',
    `<p class="small">${e(t('staff.note'))}</p>`,
  ].join('');
  return htmlDocument(language, t('page.title'), body);
}
