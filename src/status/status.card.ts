import { escapeHtml, type Language } from '../lib/i18n';
import { CONTENT_SECURITY_POLICY, htmlDocument, tr } from './status.view';

/**
 * The printable card a legal aid worker hands over: reference, code and how to use the page,
 * in the victim's language. No name and nothing about the case, so a lost card exposes nobody.
 */
export function renderCard(
  language: Language,
  input: { reference: string; accessCode: string; url: string },
) {
  const t = tr(language);
  const e = escapeHtml;
  const body = [
    `<h1>${e(t('card.title'))}</h1>`,
    '<dl>',
    `<dt>${e(t('form.reference'))}</dt><dd class="code">${e(input.reference)}</dd>`,
    `<dt>${e(t('form.code'))}</dt><dd class="code">${e(input.accessCode)}</dd>`,
    '</dl>',
    '<ol>',
    `<li>${e(t('card.step1'))} <strong>${e(input.url)}</strong></li>`,
    `<li>${e(t('card.step2'))}</li>`,
    `<li>${e(t('card.step3'))}</li>`,
    '</ol>',
    `<p class="small">${e(t('card.keep'))}</p>`,
    `<p class="small">${e(t('card.lost'))}</p>`,
  ].join('');
  const csp = `<meta http-equiv="Content-Security-Policy" content="${e(CONTENT_SECURITY_POLICY.replace(/; frame-ancestors 'none'/, ''))}">`;
  return htmlDocument(language, t('page.title'), body, csp);
}
