import { escapeHtml, translator, type Language } from '../lib/i18n';
import type { MailMessage } from './mailer';

/**
 * Every notification is a subject and a few paragraphs from the `mail` catalog
 * (`locales/<language>/mail.json`), rendered once as text and once as HTML, so a translator
 * edits wording without touching code and both forms always say the same thing.
 */
export interface MailBody {
  subject: string;
  /** Replaces the catalog's plain "Hello," (e.g. to greet a staff member by name). */
  greeting?: string;
  paragraphs: string[];
  /** Shown as a link in HTML, as "label: url" in text. */
  link?: { label: string; url: string };
  /** Adds "if you did not expect this, ignore it": for people outside the organization. */
  ignorable?: boolean;
}

export type Translate = ReturnType<typeof translator>;

export function mailTranslator(language: Language): Translate {
  return translator(language, 'mail');
}

export function renderMail(language: Language, to: string, body: MailBody): MailMessage {
  const t = mailTranslator(language);
  const paragraphs = [body.greeting ?? t('greeting'), ...body.paragraphs];
  const closing = [...(body.ignorable ? [t('ignore')] : []), t('footer')];
  const text = [
    ...paragraphs,
    ...(body.link ? [`${body.link.label}: ${body.link.url}`] : []),
    ...closing,
    'Redress',
  ].join('\n\n');
  const html = [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"></head><body>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(body.link
      ? [`<p><a href="${escapeHtml(body.link.url)}">${escapeHtml(body.link.label)}</a></p>`]
      : []),
    ...closing.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<p>Redress</p>',
    '</body></html>',
  ].join('\n');
  return { to, subject: body.subject, text, html };
}

/** PUBLIC_URL/status, whatever the configured URL ends with. */
export function statusPageUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/status`;
}
