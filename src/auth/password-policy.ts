import fs from 'node:fs';
import path from 'node:path';
import { MIN_PASSWORD_LENGTH } from './auth';

/**
 * What NIST SP 800-63B (5.1.1.2) asks of a memorized secret chosen by its user: long enough, and
 * not one that attackers try first. No composition rules (they make passwords harder to remember,
 * not to guess); instead, refuse the blank-ish, the repetitive, the known-breached and very
 * common ones, and those built from the service's or the person's own name.
 */
export const MIN_DISTINCT_CHARACTERS = 5;

const LIST_FILE = path.join(__dirname, 'common-passwords.txt');
let common: Set<string> | undefined;

/** The bundled list (src/auth/common-passwords.txt says where it comes from), read once. */
function commonPasswords(): Set<string> {
  common ??= new Set(
    fs
      .readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

const normalize = (s: string) => s.normalize('NFKC').toLowerCase();

/** Why `password` is refused, or null when it may be used. `context`: the e-mail, the name. */
export function passwordProblem(password: string, context: unknown[] = []): string | null {
  const p = normalize(password);
  if (p.trim() === '') return 'must not be blank';
  if ([...p.trim()].length < MIN_PASSWORD_LENGTH)
    return `must have at least ${MIN_PASSWORD_LENGTH} characters besides leading and trailing spaces`;
  if (new Set(p.replace(/\s/g, '')).size < MIN_DISTINCT_CHARACTERS)
    return `must use at least ${MIN_DISTINCT_CHARACTERS} different characters`;
  const list = commonPasswords();
  // the common word with digits or symbols tacked on ("password1234", "iloveyou2024!") is as weak
  const bare = p.trim();
  const stem = bare.replace(/[\d\W_]+$/u, '');
  const compact = bare.replace(/\s+/g, '');
  if (list.has(bare) || list.has(compact) || (stem.length >= 4 && list.has(stem)))
    return 'is too common: it appears in lists of breached passwords';
  const words = [
    'redress',
    ...context.flatMap((c) => (typeof c === 'string' ? normalize(c).split(/[@\s.]+/) : [])),
  ];
  if (words.some((w) => w.length >= 4 && compact.includes(w) && compact.length - w.length < 8))
    return 'must not be built from the service’s name, the e-mail address or the person’s name';
  return null;
}
