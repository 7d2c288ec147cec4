import { escapeHtml, LANGUAGE_NAMES, LANGUAGES, type Language } from '../lib/i18n';
import { formatAmount, formatDate } from './status.format';
import type { StatusResult, StatusSummary } from './status.service';
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

type Translate = ReturnType<typeof tr>;

function money(language: Language, amount: string, currency: string): string {
  return `${e(formatAmount(amount, language))} ${e(currency)}`;
}

/** What is still owed, counted once per loss across the claims, and the next hearing. */
function summary(t: Translate, language: Language, s: StatusSummary, awards: number): string {
  const items: string[] = [];
  const decided = Object.keys(s.stillOwed).filter((cur) => /[1-9]/.test(s.awarded[cur] ?? ''));
  for (const cur of decided)
    items.push(`<dt>${e(t('summary.stillOwed'))}</dt><dd>${money(language, s.stillOwed[cur]!, cur)}</dd>`);
  for (const [cur, amount] of Object.entries(s.heldInTrust))
    if (/[1-9]/.test(amount))
      items.push(`<dt>${e(t('money.heldInTrust'))}</dt><dd>${money(language, amount, cur)}</dd>`);
  if (s.nextHearingOn)
    items.push(`<dt>${e(t('claim.hearing'))}</dt><dd>${e(formatDate(s.nextHearingOn, language))}</dd>`);
  if (items.length === 0) return '';
  // the note matters only where awards could be added up across claims
  const once = awards > 1 ? `<p class="small">${e(t('summary.once'))}</p>` : '';
  return `<div class="summary"><dl>${items.join('')}</dl>${once}</div>`;
}

function claims(t: Translate, language: Language, result: StatusResult): string {
  if (result.claims.length === 0) return `<p>${e(t('results.none'))}</p>`;
  return result.claims
    .map((c) =>
      [
        '<article class="claim">',
        `<h3>${e(t(`route.${c.route}`))}</h3>`,
        `<p><strong>${e(c.statusText)}</strong></p>`,
        c.paymentText ? `<p>${e(c.paymentText)}</p>` : '',
        '<dl>',
        `<dt>${e(t('claim.next'))}</dt><dd>${e(c.nextStep)}</dd>`,
        c.nextHearingOn
          ? `<dt>${e(t('claim.hearing'))}</dt><dd>${e(formatDate(c.nextHearingOn, language))}</dd>`
          : '',
        `<dt>${e(t('claim.updated'))}</dt><dd>${e(formatDate(c.updatedOn, language))}</dd>`,
        `<dt>${e(t('claim.awarded'))}</dt><dd>${money(language, c.awarded, c.currency)}</dd>`,
        `<dt>${e(t('claim.paid'))}</dt><dd>${money(language, c.paid, c.currency)}</dd>`,
        /[1-9]/.test(c.heldInTrust)
          ? `<dt>${e(t('money.heldInTrust'))}</dt><dd>${money(language, c.heldInTrust, c.currency)}</dd>`
          : '',
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
      summary(
        t,
        model.language,
        model.result.summary,
        model.result.claims.filter((c) => /[1-9]/.test(c.awarded)).length,
      ),
      claims(t, model.language, model.result),
      '</section>',
      `<p><a href="/status?language=${model.language}">${e(t('results.again'))}</a></p>`,
    );
  } else {
    parts.push(form(t, model));
  }
  parts.push(`<p class="small">${e(t('page.privacy'))}</p>`, `<p class="small">${e(t('page.help'))}</p>`);
  return htmlDocument(model.language, t('page.title'), parts.join(''));
}
