import type { FieldCipher } from '../lib/crypto';
import type { Trx } from '../lib/db';
import { replaceNameIndexRows, type NameIndexRow } from './name-index.repository';
import { nameKeys, normaliseName, segmentedWords, spacedWords } from './name-normalise';

/**
 * Blind indexes of victims' names: keyed HMACs (purpose key derived from BLIND_INDEX_KEY, see
 * FieldCipher.purposeHmac) of the normalised whole name and of each word. Without the key a
 * row says nothing, and a word cannot be tested against it offline; with the key a search is an
 * index look-up. The kind is hashed in, so a word's HMAC never equals a one-word name's.
 */
const PURPOSE = 'victim-name-search';

const hmacOf = (cipher: FieldCipher, kind: 'full' | 'token', value: string) =>
  cipher.purposeHmac(PURPOSE, `${kind}\u0000${value}`);

export function nameIndexRows(
  cipher: FieldCipher,
  victimId: string,
  organizationId: string,
  name: string,
): NameIndexRow[] {
  const rows = nameKeys(name).map((k) => ({
    victim_id: victimId,
    organization_id: organizationId,
    kind: k.kind,
    token_hmac: hmacOf(cipher, k.kind, k.value),
  }));
  const seen = new Set<string>();
  return rows.filter(
    (r) => !seen.has(`${r.kind}:${r.token_hmac}`) && !!seen.add(`${r.kind}:${r.token_hmac}`),
  );
}

export async function replaceNameIndex(
  trx: Trx,
  cipher: FieldCipher,
  victim: { id: string; organizationId: string; fullName: string },
): Promise<void> {
  await replaceNameIndexRows(
    trx,
    victim.id,
    nameIndexRows(cipher, victim.id, victim.organizationId, victim.fullName),
  );
}

/** What a name search looks for: the whole name, or all the words of one of two splits. */
export interface NameProbe {
  full: string;
  spaced: string[];
  segmented: string[];
}

export function nameProbe(cipher: FieldCipher, query: string): NameProbe {
  const normalised = normaliseName(query);
  return {
    full: hmacOf(cipher, 'full', normalised),
    spaced: spacedWords(normalised).map((w) => hmacOf(cipher, 'token', w)),
    segmented: segmentedWords(normalised).map((w) => hmacOf(cipher, 'token', w)),
  };
}
