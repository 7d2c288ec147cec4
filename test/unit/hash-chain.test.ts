import crypto from 'node:crypto';
import { canonicalJson, chainHash, GENESIS_HASH } from '../../src/lib/hash-chain';

describe('canonicalJson', () => {
  it('sorts keys at every depth, so key order never changes the text', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('keeps array order, drops undefined properties and writes dates as ISO strings', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
    expect(canonicalJson(new Date('2026-03-01T05:34:56.123Z'))).toBe('"2026-03-01T05:34:56.123Z"');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak "quoted"' })).toBe('{"k\\"ey":"line\\nbreak \\"quoted\\""}');
  });
});

describe('chainHash', () => {
  it('is sha256 of the previous hash, a newline and the canonical content', () => {
    const expected = crypto.createHash('sha256').update(`${GENESIS_HASH}\n{"a":1,"b":"x"}`).digest('hex');
    expect(chainHash(GENESIS_HASH, { b: 'x', a: 1 })).toBe(expected);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('changes when the content or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, { action: 'claim.read' });
    expect(chainHash(GENESIS_HASH, { action: 'claim.reads' })).not.toBe(base);
    expect(chainHash('1'.repeat(64), { action: 'claim.read' })).not.toBe(base);
  });

  it('links: each hash depends on every earlier row', () => {
    const rows = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const chain = (rs: object[]) => rs.reduce<string>((prev, r) => chainHash(prev, r), GENESIS_HASH);
    expect(chain(rows)).not.toBe(chain([{ n: 9 }, { n: 2 }, { n: 3 }]));
    expect(chain(rows)).not.toBe(chain([{ n: 2 }, { n: 1 }, { n: 3 }]));
  });
});
