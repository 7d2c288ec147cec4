import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from './logger';

/**
 * Field encryption for identifying data (AES-256-GCM) and keyed blind indexes for exact look-ups.
 *
 * Ciphertext: `v1.<keyId>.<iv>.<tag>.<data>` (base64url parts). The key id travels with the
 * ciphertext, so keys rotate: new writes use the first key of the ring, old rows still decrypt.
 * The field name is bound in as additional authenticated data, so a ciphertext copied from one
 * column into another fails to decrypt instead of silently showing the wrong value.
 */
export interface FieldCipher {
  encrypt(field: string, plaintext: string): string;
  decrypt(field: string, ciphertext: string): string;
  encryptNullable(field: string, plaintext: string | null | undefined): string | null;
  decryptNullable(field: string, ciphertext: string | null | undefined): string | null;
  blindIndex(field: string, value: string): string;
  /**
   * HMAC-SHA256 (hex) of `value` as given, under a key of its own for `purpose`, derived from
   * BLIND_INDEX_KEY (never an encryption key): one purpose's hashes say nothing about another's.
   */
  purposeHmac(purpose: string, value: string): string;
  activeKeyId: string;
}

export interface KeyMaterial {
  keys: Array<{ id: string; key: Buffer }>;
  blindIndexKey: Buffer;
}

export function parseKeyRing(piiKeys: string, blindIndexKey: string): KeyMaterial {
  const keys = piiKeys.split(',').map((part) => {
    const [id, b64, extra] = part.trim().split(':');
    if (!id || !/^[A-Za-z0-9_-]+$/.test(id) || b64 === undefined || extra !== undefined)
      throw new Error('PII_KEYS: must be a comma-separated list of id:base64key');
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32)
      throw new Error(`PII_KEYS: key ${id} must be 32 bytes (base64 of 32 random bytes)`);
    return { id, key };
  });
  // A repeated id would make old ciphertexts decrypt with the wrong key.
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new Error('PII_KEYS: key ids must be unique');
  const index = Buffer.from(blindIndexKey, 'base64');
  if (index.length < 32) throw new Error('BLIND_INDEX_KEY: must be at least 32 bytes (base64)');
  return { keys, blindIndexKey: index };
}

export function generateKeyMaterial(): { piiKeys: string; blindIndexKey: string } {
  return {
    piiKeys: `k${Date.now().toString(36)}:${crypto.randomBytes(32).toString('base64')}`,
    blindIndexKey: crypto.randomBytes(32).toString('base64'),
  };
}

/**
 * Keys come from the environment. In embedded (non-production) mode without keys, one set is
 * generated into DATA_DIR/keys.json on first start and reused after, with a loud warning;
 * production refuses to start without keys (enforced in config.ts).
 */
export function resolveKeyMaterial(config: Config, logger: Logger): KeyMaterial {
  if (config.piiKeys && config.blindIndexKey) return parseKeyRing(config.piiKeys, config.blindIndexKey);
  if (config.nodeEnv === 'production')
    throw new Error('PII_KEYS and BLIND_INDEX_KEY are required in production');
  const file = path.join(config.dataDir, 'keys.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    try {
      // 'wx': when two processes start at once, the second keeps the first one's keys.
      fs.writeFileSync(file, JSON.stringify(generateKeyMaterial(), null, 2), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  logger.warn(
    { file },
    'PII_KEYS/BLIND_INDEX_KEY not set: using generated development keys. Set them in production.',
  );
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { piiKeys: string; blindIndexKey: string };
  return parseKeyRing(config.piiKeys ?? stored.piiKeys, config.blindIndexKey ?? stored.blindIndexKey);
}

export function createFieldCipher(material: KeyMaterial): FieldCipher {
  const active = material.keys[0];
  if (!active) throw new Error('PII_KEYS: at least one key is needed');
  const byId = new Map(material.keys.map((k) => [k.id, k.key]));

  const encrypt = (field: string, plaintext: string): string => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', active.key, iv);
    cipher.setAAD(Buffer.from(field));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return ['v1', active.id, ...parts].join('.');
  };

  const decrypt = (field: string, ciphertext: string): string => {
    const [version, keyId, iv, tag, data] = ciphertext.split('.');
    const key = keyId ? byId.get(keyId) : undefined;
    if (version !== 'v1' || !key || iv === undefined || tag === undefined || data === undefined) {
      throw new Error(`cannot decrypt ${field}: unknown format or key id`);
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  };

  const purposeKeys = new Map<string, Buffer>();
  const purposeKey = (purpose: string): Buffer => {
    let key = purposeKeys.get(purpose);
    if (!key) {
      key = crypto.createHmac('sha256', material.blindIndexKey).update(`redress/purpose/${purpose}`).digest();
      purposeKeys.set(purpose, key);
    }
    return key;
  };

  return {
    activeKeyId: active.id,
    purposeHmac: (purpose, value) =>
      crypto.createHmac('sha256', purposeKey(purpose)).update(value).digest('hex'),
    encrypt,
    decrypt,
    encryptNullable: (field, p) => (p === null || p === undefined ? null : encrypt(field, p)),
    decryptNullable: (field, c) => (c === null || c === undefined ? null : decrypt(field, c)),
    // Normalized (trimmed, case- and space-folded) so "ab 123" and "AB123" find the same record.
    blindIndex: (field, value) =>
      crypto
        .createHmac('sha256', material.blindIndexKey)
        .update(`${field}\u0000${value.normalize('NFKC').replace(/\s+/g, '').toUpperCase()}`)
        .digest('hex'),
  };
}
