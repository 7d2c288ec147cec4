import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/config';
import { createFieldCipher, parseKeyRing, resolveKeyMaterial } from '../../src/lib/crypto';
import { createLogger } from '../../src/lib/logger';

const b64 = (bytes: number) => crypto.randomBytes(bytes).toString('base64');
const K1 = `k1:${b64(32)}`;
const K2 = `k2:${b64(32)}`;
const INDEX_KEY = b64(32);

const cipherFor = (ring: string, indexKey = INDEX_KEY) => createFieldCipher(parseKeyRing(ring, indexKey));

/** Flips one bit of one base64url part of a ciphertext. */
function flip(ciphertext: string, part: number): string {
  const parts = ciphertext.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('field encryption', () => {
  it('round-trips text, including non-Latin scripts', () => {
    const c = cipherFor(K1);
    for (const text of ['Somchai Jaidee', 'สมชาย ใจดี', '', 'x'.repeat(5000)]) {
      expect(c.decrypt('victim.full_name', c.encrypt('victim.full_name', text))).toBe(text);
    }
  });

  it('never stores the plaintext and gives a different ciphertext each time', () => {
    const c = cipherFor(K1);
    const a = c.encrypt('victim.full_name', 'Somchai Jaidee');
    const b = c.encrypt('victim.full_name', 'Somchai Jaidee');
    expect(a).not.toBe(b);
    expect(a).not.toContain('Somchai');
    expect(a.split('.').slice(0, 2)).toEqual(['v1', 'k1']);
  });

  it('rotates keys: old ciphertexts still decrypt, new writes use the first key of the ring', () => {
    const old = cipherFor(K1).encrypt('victim.phone', '+66 81 234 5678');
    const rotated = cipherFor(`${K2},${K1}`);
    expect(rotated.decrypt('victim.phone', old)).toBe('+66 81 234 5678');
    expect(rotated.activeKeyId).toBe('k2');
    const fresh = rotated.encrypt('victim.phone', '+66 81 234 5678');
    expect(fresh.split('.')[1]).toBe('k2');
    // ...and a process that only knows k1 cannot read what k2 wrote.
    expect(() => cipherFor(K1).decrypt('victim.phone', fresh)).toThrow(/unknown format or key id/);
  });

  it('refuses a ciphertext moved to another field', () => {
    const c = cipherFor(K1);
    const name = c.encrypt('victim.full_name', 'Somchai Jaidee');
    expect(() => c.decrypt('victim.phone', name)).toThrow();
  });

  it('refuses a tampered ciphertext, tag or iv', () => {
    const c = cipherFor(K1);
    const good = c.encrypt('victim.full_name', 'Somchai Jaidee');
    for (const part of [2, 3, 4]) expect(() => c.decrypt('victim.full_name', flip(good, part))).toThrow();
    expect(() => c.decrypt('victim.full_name', good.replace('v1.', 'v2.'))).toThrow();
    expect(() => c.decrypt('victim.full_name', 'not a ciphertext')).toThrow();
  });

  it('passes null and undefined through the nullable helpers', () => {
    const c = cipherFor(K1);
    expect(c.encryptNullable('victim.email', null)).toBeNull();
    expect(c.encryptNullable('victim.email', undefined)).toBeNull();
    expect(c.decryptNullable('victim.email', null)).toBeNull();
    const sealed = c.encryptNullable('victim.email', 'a@b.example')!;
    expect(c.decryptNullable('victim.email', sealed)).toBe('a@b.example');
  });
});

describe('blind index', () => {
  it('is deterministic, and the same across key-ring rotation', () => {
    const value = 'AB1234567';
    expect(cipherFor(K1).blindIndex('victim.document_number', value)).toBe(
      cipherFor(`${K2},${K1}`).blindIndex('victim.document_number', value),
    );
    expect(cipherFor(K1).blindIndex('victim.document_number', value)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores spaces and letter case', () => {
    const c = cipherFor(K1);
    const expected = c.blindIndex('victim.document_number', 'AB123456');
    for (const variant of [' ab 123 456 ', 'Ab123456', 'AB\t123\n456'])
      expect(c.blindIndex('victim.document_number', variant)).toBe(expected);
    expect(c.blindIndex('victim.document_number', 'AB123457')).not.toBe(expected);
  });

  it('differs per field and per index key', () => {
    const c = cipherFor(K1);
    const a = c.blindIndex('victim.document_number', 'AB123456');
    expect(c.blindIndex('victim.phone', 'AB123456')).not.toBe(a);
    expect(cipherFor(K1, b64(32)).blindIndex('victim.document_number', 'AB123456')).not.toBe(a);
  });

  it('is an HMAC of field and normalized value under the index key', () => {
    const expected = crypto
      .createHmac('sha256', Buffer.from(INDEX_KEY, 'base64'))
      .update('victim.phone\u0000+66812345678')
      .digest('hex');
    expect(cipherFor(K1).blindIndex('victim.phone', '+66 81 234 5678')).toBe(expected);
  });
});

describe('key ring parsing', () => {
  it('rejects a key that is not 32 bytes', () => {
    expect(() => parseKeyRing(`k1:${b64(16)}`, INDEX_KEY)).toThrow(/PII_KEYS: key k1 must be 32 bytes/);
    expect(() => parseKeyRing(`${K1},k2:${b64(31)}`, INDEX_KEY)).toThrow(/key k2 must be 32 bytes/);
  });

  it('rejects a short blind-index key, a malformed entry and a repeated id', () => {
    expect(() => parseKeyRing(K1, b64(16))).toThrow(/BLIND_INDEX_KEY/);
    expect(() => parseKeyRing(b64(32), INDEX_KEY)).toThrow(/PII_KEYS/);
    expect(() => parseKeyRing(`${K1},k1:${b64(32)}`, INDEX_KEY)).toThrow(/unique/);
  });
});

describe('key material on start-up', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-keys-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('generates DATA_DIR/keys.json with a warning when none are set, and reuses it next time', () => {
    const dataDir = tmp();
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });

    const first = resolveKeyMaterial(config, logger);
    const file = path.join(dataDir, 'keys.json');
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toContain('PII_KEYS/BLIND_INDEX_KEY not set');

    const second = resolveKeyMaterial(config, logger);
    expect(second.keys.map((k) => k.id)).toEqual(first.keys.map((k) => k.id));
    expect(second.keys[0]!.key.equals(first.keys[0]!.key)).toBe(true);
    expect(second.blindIndexKey.equals(first.blindIndexKey)).toBe(true);
    const ciphertext = createFieldCipher(first).encrypt('victim.full_name', 'Somchai');
    expect(createFieldCipher(second).decrypt('victim.full_name', ciphertext)).toBe('Somchai');
  });

  it('uses configured keys and writes nothing', () => {
    const dataDir = tmp();
    const config = loadConfig({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PII_KEYS: K1,
      BLIND_INDEX_KEY: INDEX_KEY,
    });
    const material = resolveKeyMaterial(config, createLogger('silent'));
    expect(material.keys.map((k) => k.id)).toEqual(['k1']);
    expect(fs.existsSync(path.join(dataDir, 'keys.json'))).toBe(false);
  });

  it('never generates keys in production', () => {
    const dataDir = tmp();
    const config = {
      ...loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }),
      nodeEnv: 'production' as const,
    };
    expect(() => resolveKeyMaterial(config, createLogger('silent'))).toThrow(/required in production/);
    expect(fs.existsSync(path.join(dataDir, 'keys.json'))).toBe(false);
  });

  it('refuses to load a production configuration without PII_KEYS, naming it', () => {
    const load = () =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://app@db.example:5432/redress',
        BLIND_INDEX_KEY: INDEX_KEY,
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PII_KEYS: is required when NODE_ENV=production/);
  });
});
