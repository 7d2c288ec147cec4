import crypto from 'node:crypto';
import { loadConfig } from '../../src/config';
import { deriveChainKeys, parseChainKeys, resolveChainKeys } from '../../src/lib/chain-keys';
import { generateKeyMaterial, parseKeyRing } from '../../src/lib/crypto';
import { ChainWalker, chainHash, GENESIS_HASH, keyedChainHash } from '../../src/lib/hash-chain';
import { createLogger } from '../../src/lib/logger';

const b64 = () => crypto.randomBytes(32).toString('base64');
const material = () => {
  const k = generateKeyMaterial();
  return parseKeyRing(k.piiKeys, k.blindIndexKey);
};

describe('CHAIN_KEYS', () => {
  it('signs with the first key and keeps every key for verifying', () => {
    const ring = parseChainKeys(`new:${b64()},old:${b64()}`);
    expect(ring.activeKeyId).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['new', 'old']);
  });

  it.each([
    ['a short key', `k1:${crypto.randomBytes(16).toString('base64')}`, /at least 32 bytes/],
    ['a repeated id', `k1:${b64()},k1:${b64()}`, /unique/],
    ['no id', `:${b64()}`, /id:base64key/],
  ])('refuses %s', (_label, text, message) => {
    expect(() => parseChainKeys(text)).toThrow(message);
  });

  it('is required in production; elsewhere it is derived from the PII keys, the same every start', () => {
    const m = material();
    const dev = loadConfig({ NODE_ENV: 'development' });
    const a = resolveChainKeys(dev, m, createLogger('silent'));
    const b = deriveChainKeys(m);
    expect(a.activeKeyId).toBe(`pii-${m.keys[0]!.id}`);
    expect(a.keys.get(a.activeKeyId)).toEqual(b.keys.get(b.activeKeyId));
    expect(a.keys.get(a.activeKeyId)).not.toEqual(m.keys[0]!.key); // never the PII key itself
    expect(() => resolveChainKeys({ ...dev, nodeEnv: 'production' }, m, createLogger('silent'))).toThrow(
      /CHAIN_KEYS is required in production/,
    );
    const set = resolveChainKeys({ ...dev, chainKeys: `ops1:${b64()}` }, m, createLogger('silent'));
    expect(set.activeKeyId).toBe('ops1');
  });
});

describe('ChainWalker', () => {
  const ring = parseChainKeys(`k2:${b64()},k1:${b64()}`);
  const key = (id: string) => ring.keys.get(id)!;
  const content = (i: number) => ({ i });

  it('accepts legacy links up to the bound, then keyed links under any key of the ring', () => {
    const walker = new ChainWalker(ring.keys, 1n);
    const h1 = chainHash(GENESIS_HASH, content(1));
    expect(
      walker.accept({ chainSeq: '1', prevHash: GENESIS_HASH, hash: h1, chainKeyId: null }, content(1)),
    ).toBe(true);
    const h2 = keyedChainHash(key('k1'), 'k1', '2', h1, content(2));
    expect(walker.accept({ chainSeq: '2', prevHash: h1, hash: h2, chainKeyId: 'k1' }, content(2))).toBe(true);
    const h3 = keyedChainHash(key('k2'), 'k2', '3', h2, content(3));
    expect(walker.accept({ chainSeq: '3', prevHash: h2, hash: h3, chainKeyId: 'k2' }, content(3))).toBe(true);
    expect(walker.legacyEnds).toBe('1');
  });

  it('refuses an unkeyed link past the bound, an unknown key id, and a link moved to another place', () => {
    const h1 = chainHash(GENESIS_HASH, content(1));
    expect(
      new ChainWalker(ring.keys, 0n).accept(
        { chainSeq: '1', prevHash: GENESIS_HASH, hash: h1, chainKeyId: null },
        content(1),
      ),
    ).toBe(false);
    const other = crypto.randomBytes(32);
    const forged = keyedChainHash(other, 'k9', '1', GENESIS_HASH, content(1));
    expect(
      new ChainWalker(ring.keys, 0n).accept(
        { chainSeq: '1', prevHash: GENESIS_HASH, hash: forged, chainKeyId: 'k9' },
        content(1),
      ),
    ).toBe(false);
    // The sequence number is signed: the same link at seq 1 does not verify as seq 2's.
    const walker = new ChainWalker(ring.keys, 0n);
    const k1 = keyedChainHash(key('k1'), 'k1', '1', GENESIS_HASH, content(1));
    expect(
      walker.accept({ chainSeq: '1', prevHash: GENESIS_HASH, hash: k1, chainKeyId: 'k1' }, content(1)),
    ).toBe(true);
    const moved = keyedChainHash(key('k1'), 'k1', '1', k1, content(2));
    expect(walker.accept({ chainSeq: '2', prevHash: k1, hash: moved, chainKeyId: 'k1' }, content(2))).toBe(
      false,
    );
  });
});
