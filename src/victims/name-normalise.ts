/**
 * How a name becomes look-up keys, before any hashing. Pure and deterministic: the same name
 * typed by two workers, with or without accents, capitals or odd spacing, gives the same keys.
 *
 * - NFKC (full-width and compatibility forms folded), lower-cased, Latin diacritics stripped
 *   ("Nguyễn" → "nguyen"; only the Combining Diacritical Marks block, so the vowel signs of
 *   Thai, Khmer or Burmese, which are marks too, stay).
 * - The whole name, spaces collapsed: always indexed, so an exact search finds every script.
 * - Words: split on whitespace and punctuation, plus ICU's dictionary word segmentation
 *   (Intl.Segmenter), which finds the words of Thai, Khmer, Burmese and Lao names written
 *   without spaces. A search matches when all its words of either kind are among the name's.
 */

const LATIN_DIACRITICS = /[\u0300-\u036f]/g;
const SEPARATORS = /[\s\p{P}\p{S}]+/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(LATIN_DIACRITICS, '')
    .normalize('NFC')
    .trim()
    .replace(/\s+/g, ' ');
}

/** Words as written: split on whitespace and punctuation ("kaew-kla" → kaew, kla). */
export function spacedWords(normalised: string): string[] {
  return unique(normalised.split(SEPARATORS));
}

/** Words as ICU segments them, which also splits scripts written without spaces. */
export function segmentedWords(normalised: string): string[] {
  return unique(
    [...segmenter.segment(normalised)].filter((s) => s.isWordLike).map((s) => s.segment.replace(/'/g, '')),
  );
}

/** Everything a stored name is findable by, as (kind, value) pairs. */
export function nameKeys(name: string): Array<{ kind: 'full' | 'token'; value: string }> {
  const normalised = normaliseName(name);
  const words = unique([...spacedWords(normalised), ...segmentedWords(normalised)]);
  return [
    { kind: 'full' as const, value: normalised },
    ...words.map((value) => ({ kind: 'token' as const, value })),
  ];
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0))];
}
