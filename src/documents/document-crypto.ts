import crypto from 'node:crypto';
import type { FieldCipher } from '../lib/crypto';

/**
 * File content is encrypted with AES-256-GCM under a random key of its own; that data key is
 * wrapped by the PII key ring (FieldCipher), whose ciphertext names the key id. Rotating
 * PII_KEYS therefore re-wraps 32-byte keys and never re-encrypts megabytes of content. The
 * document id is bound in as additional data on both layers: content or a wrapped key copied
 * onto another document fails to decrypt instead of showing the wrong file.
 */

export interface SealedContent {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyId: string;
  wrappedKey: string;
}

/** The content, or its key, did not decrypt: altered, damaged or under a key no longer in the ring. */
export class DocumentIntegrityError extends Error {}

const keyField = (documentId: string) => `document.key:${documentId}`;
const contentAad = (documentId: string) => Buffer.from(`document.content:${documentId}`);

export function keyIdOf(wrappedKey: string): string {
  return wrappedKey.split('.')[1] ?? '';
}

export function sealContent(cipher: FieldCipher, documentId: string, plaintext: Buffer): SealedContent {
  const dataKey = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  const gcm = crypto.createCipheriv('aes-256-gcm', dataKey, iv);
  gcm.setAAD(contentAad(documentId));
  const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final()]);
  const wrappedKey = cipher.encrypt(keyField(documentId), dataKey.toString('base64'));
  return { ciphertext, iv, tag: gcm.getAuthTag(), keyId: keyIdOf(wrappedKey), wrappedKey };
}

function unwrapKey(cipher: FieldCipher, documentId: string, wrappedKey: string): Buffer {
  try {
    return Buffer.from(cipher.decrypt(keyField(documentId), wrappedKey), 'base64');
  } catch {
    throw new DocumentIntegrityError(
      `the data key (wrapped under PII key '${keyIdOf(wrappedKey)}') did not decrypt: the key is no longer in PII_KEYS, or the wrapped key was altered`,
    );
  }
}

export function openContent(
  cipher: FieldCipher,
  documentId: string,
  sealed: Pick<SealedContent, 'ciphertext' | 'iv' | 'tag' | 'wrappedKey'>,
): Buffer {
  const dataKey = unwrapKey(cipher, documentId, sealed.wrappedKey);
  try {
    const gcm = crypto.createDecipheriv('aes-256-gcm', dataKey, sealed.iv);
    gcm.setAAD(contentAad(documentId));
    gcm.setAuthTag(sealed.tag);
    return Buffer.concat([gcm.update(sealed.ciphertext), gcm.final()]);
  } catch {
    throw new DocumentIntegrityError(
      'the stored content failed its authentication check: it was altered or damaged',
    );
  }
}

/** The same data key, wrapped under the ring's current key (for rotation). */
export function rewrapKey(cipher: FieldCipher, documentId: string, wrappedKey: string): string {
  const dataKey = unwrapKey(cipher, documentId, wrappedKey);
  return cipher.encrypt(keyField(documentId), dataKey.toString('base64'));
}
