import { escapeHtml, LANGUAGE_NAMES, LANGUAGES, type Language } from '../lib/i18n';
import type { StatusResult } from './status.service';
import { htmlDocument, tr } from './status.view';

export type PageMessage = { kind: 'notFound' } | { kind: 'missing' } | { kind: 'locked'; retryAfter: number };

export interface PageModel {
  language: Language;
  /** The visitor picked the language (switch or form): keep it through the form post. */
  chosen: boolean;
  message?: PageMessage;
  result?: StatusResult;
  reference?: string;
}

const e = escapeHtml;

function languageSwitch(current: Language, label: string): string {
  const items = LANGUAGES.map((l) => {
    const attrs = l === current ? ' aria-current="true"' : '';
    return `<li><a href="/status?language=${l}" lang="${l}" hreflang="${l}"${attrs}>${e(LANGUAGE_NAMES[l])}</a></li>`;
  });
  return `<nav aria-label="${e(label)}"><ul class="langs">${items.join('')}</ul></nav>`;
}

function message(t: ReturnType<typeof tr>, m: PageMessage): string {
  const text =
    m.kind === 'locked'
      ? t('error.locked', { minutes: Math.max(1, Math.ceil(m.retryAfter / 60)) })
      : t(m.kind === 'missing' ? 'error.missing' : 'error.notFound');
  return `<p class="error" role="alert">${e(text)}</p>`;
}

function form(t: ReturnType<typeof tr>, model: PageModel): string {
  const hidden = model.chosen ? `<input type="hidden" name="language" value="${model.language}">` : '';
  const field = (name: string, id: string, label: string, hint: string, value = '') =>
    `<label for="${id}">${e(label)}</label>` +
    `<input id="${id}" name="${name}" type="text" value="${e(value)}" required maxlength="60" ` +
    `autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="${id}-hint">` +
    `<p id="${id}-hint" class="hint">${e(hint)}</p>`;
  return [
    `<p>${e(t('form.intro'))}</p>`,
    '<form method="post" action="/status">',
    hidden,
    field('reference', 'reference', t('form.reference'), t('form.referenceHint'), model.reference),
    field('accessCode', 'accessCode', t('form.code'), t('form.codeHint')),
    `<button type="submit">${e(t('form.submit'))}</button>`,
    '</form>',
  ].join('');
}

function claims(t: ReturnType<typeof tr>, result: StatusResult): string {
  if (result.claims.length === 0) return `<p>${e(t('results.none'))}</p>`;
  return result.claims
    .map((c) =>
      [
        '<article class="claim">',
        `<h3>${e(t(`route.${c.route}`))}</h3>`,
        `<p><strong>${e(c.statusText)}</strong></p>`,
        '<dl>',
        `<dt>${e(t('claim.next'))}</dt><dd>${e(c.nextStep)}</dd>`,
        `<dt>${e(t('claim.updated'))}</dt><dd>${e(c.updatedOn)}</dd>`,
        `<dt>${e(t('claim.awarded'))}</dt><dd>${e(c.awarded)} ${e(c.currency)}</dd>`,
        `<dt>${e(t('claim.paid'))}</dt><dd>${e(c.paid)} ${e(c.currency)}</dd>`,
        '</dl></article>',
      ].join(''),
    )
    .join('');
}

/** The whole page: server-rendered, no script, one hashed inline style. */
export function renderStatusPage(model: PageModel): string {
  const t = tr(model.language);
  const parts = [languageSwitch(model.language, t('language.label')), `<h1>${e(t('page.heading'))}</h1>`];
  if (model.message) parts.push(message(t, model.message));
  if (model.result) {
    parts.push(
      `<section aria-labelledby="claims-heading"><h2 id="claims-heading">${e(t('results.heading'))}</h2>`,
      claims(t, model.result),
      '</section>',
      `<p><a href="/status?language=${model.language}">${e(t('results.again'))}</a></p>`,
    );
  } else {
    parts.push(form(t, model));
  }
  parts.push(`<p class="small">${e(t('page.privacy'))}</p>`, `<p class="small">${e(t('page.help'))}</p>`);
  return htmlDocument(model.language, t('page.title'), parts.join(''));
}
