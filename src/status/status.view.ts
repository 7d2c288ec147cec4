import crypto from 'node:crypto';
import { englishKeys, escapeHtml, translator, type Language } from '../lib/i18n';

/**
 * Shared by the status page and the printable card: the catalog namespace, the inline style and
 * its CSP hash. The style is hashed rather than nonced: the page is the same for everyone, and a
 * hash lets the Content-Security-Policy forbid every other style and all scripts outright.
 */
export const NAMESPACE = 'status';

export const tr = (language: Language) => translator(language, NAMESPACE);

let known: Set<string> | undefined;
/** Whether English has `key` (what `stateTextKeys` needs to pick a route-specific text). */
export function hasText(key: string): boolean {
  known ??= new Set(englishKeys(NAMESPACE));
  return known.has(key);
}

// System fonts only (nothing is fetched): each platform's Thai, Khmer and Burmese faces are named
// so a phone without Noto still finds its own; the scripts with tall marks get more line height.
const FONTS =
  'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Thai","Noto Sans Khmer",' +
  '"Noto Sans Myanmar","Leelawadee UI","Khmer UI","Myanmar Text",Padauk,Tahoma,sans-serif';

export const STYLE = [
  '*{box-sizing:border-box}',
  `body{margin:0;font-family:${FONTS};font-size:1.0625rem;line-height:1.5;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}`,
  ':lang(th),:lang(km),:lang(my){line-height:1.85}',
  'main{max-width:40rem;margin:0 auto;padding:1rem}',
  'h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.25rem}h3{font-size:1.1rem;margin:0 0 .5rem}',
  '.langs{list-style:none;padding:0;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem}',
  'a{color:#0b4f8a}a[aria-current]{font-weight:700;color:#1a1a1a;text-decoration:none}',
  'a:focus,input:focus,button:focus{outline:3px solid #e09a00;outline-offset:2px}',
  'label{display:block;font-weight:600;margin-top:1rem}',
  'input{display:block;width:100%;font:inherit;padding:.6rem;border:2px solid #555;border-radius:4px;letter-spacing:.05em}',
  '.hint{margin:.25rem 0 0;color:#444;font-size:.95rem}',
  'button{margin-top:1.25rem;font:inherit;font-weight:600;padding:.7rem 1.4rem;border:0;border-radius:4px;background:#0b4f8a;color:#fff;width:100%;max-width:20rem;cursor:pointer}',
  '.error{border-left:4px solid #b00020;background:#fdecee;padding:.75rem}',
  '.claim{border:1px solid #bbb;border-radius:6px;padding:1rem;margin:1rem 0}',
  '.summary{background:#eef4fa;border-left:4px solid #0b4f8a;padding:.75rem 1rem;margin:1rem 0}',
  'dl{margin:.5rem 0 0}dt{font-weight:600;margin-top:.5rem}dd{margin:0}',
  '.small{font-size:.95rem;color:#444}',
  '.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.4rem;font-weight:700;letter-spacing:.08em}',
  '@media print{a{color:#000}.claim{break-inside:avoid}}',
].join('');

export const STYLE_HASH = `'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'`;

/** No script, font, image, frame or foreign form target can load; only our own hashed style. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function htmlDocument(language: Language, title: string, body: string, extraHead = ''): string {
  return [
    '<!doctype html>',
    `<html lang="${language}" dir="ltr">`,
    '<head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex,nofollow">',
    extraHead,
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><main>${body}</main></body></html>`,
  ].join('');
}
