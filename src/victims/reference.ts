import crypto from 'node:crypto';

// No 0/O, 1/I/L or U: a reference is read aloud and typed on cheap phones.
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `V-7K3M9QX2`: 8 crypto-random symbols (~39 bits), never sequential, so nothing can be enumerated. */
export function newReference(prefix: 'V' | 'C'): string {
  let out = `${prefix}-`;
  for (let i = 0; i < 8; i++) out += REFERENCE_ALPHABET[crypto.randomInt(REFERENCE_ALPHABET.length)];
  return out;
}
