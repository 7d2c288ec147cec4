import fs from 'node:fs';
import path from 'node:path';
import { ROUTE_MACHINES } from '../../src/claims/route-machines';
import { LANGUAGES, LOCALES_DIR } from '../../src/lib/i18n';
import {
  addressKeyOf,
  afterFailure,
  CODE_ALPHABET,
  codeEntropyBits,
  isLocked,
  newAccessCode,
  normalizeCode,
  normalizeReference,
  REFERENCE_POLICY,
  retryAfterSeconds,
  stateTextKeys,
  type GuardState,
} from '../../src/status/status';
import { FORBIDDEN_WORDS } from './support';

const catalog = (language: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, language, 'status.json'), 'utf8'));

describe('access codes', () => {
  it('are 18 symbols in groups of four from an alphabet without 0/O or 1/I/L, at least 80 bits', () => {
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    // 18 · log2(30) = 88.32 bits
    expect(codeEntropyBits()).toBeCloseTo(88.32, 1);
    expect(codeEntropyBits()).toBeGreaterThanOrEqual(80);
    for (let i = 0; i < 200; i++) {
      expect(newAccessCode()).toMatch(
        /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}$/,
      );
    }
  });

  it('are not repeated and use the whole alphabet', () => {
    const codes = Array.from({ length: 500 }, newAccessCode);
    expect(new Set(codes).size).toBe(500);
    const seen = new Set(codes.join('').replace(/-/g, ''));
    expect([...seen].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
  });

  it('match however they are typed: case, spaces and dashes do not matter', () => {
    expect(normalizeCode(' 7k3m 9qx2-HT4W—rb6n p8 ')).toBe('7K3M9QX2HT4WRB6NP8');
    expect(normalizeReference(' v-7k3m9qx2 ')).toBe('V-7K3M9QX2');
    expect(normalizeReference('V 7K3M 9QX2')).toBe('V-7K3M9QX2');
    expect(normalizeReference('C-7K3M9QX2')).toBe('C-7K3M9QX2'); // not a victim reference: matches nothing
  });
});

describe('the guard against guessing', () => {
  const t0 = new Date('2026-11-29T10:00:00Z');
  const fresh: GuardState = {
    failures: 0,
    totalFailures: 0,
    lockouts: 0,
    windowStartedAt: t0,
    lockedUntil: null,
    lastFailureAt: null,
  };
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const fail = (s: GuardState, n: number, now: Date) => {
    for (let i = 0; i < n; i++) s = afterFailure(s, REFERENCE_POLICY, now);
    return s;
  };

  it('locks a reference for 15 minutes at the 10th failure within the hour', () => {
    const nine = fail(fresh, 9, at(1));
    expect(isLocked(nine, at(1))).toBe(false);
    const ten = afterFailure(nine, REFERENCE_POLICY, at(2));
    expect(ten.lockedUntil).toEqual(at(17));
    expect(ten.totalFailures).toBe(10);
    expect(isLocked(ten, at(16))).toBe(true);
    expect(retryAfterSeconds([ten, undefined], at(16))).toBe(60);
  });

  it('doubles each following lockout, up to a day, and unlocks with time', () => {
    let s = fail(fresh, 10, at(0)); // locked until +15
    s = fail(s, 10, at(20)); // second lockout: 30 minutes
    expect(s.lockedUntil).toEqual(at(50));
    s = fail(s, 10, at(60)); // third: 60 minutes
    expect(s.lockedUntil).toEqual(at(120));
    // each burst right after the previous lock ends: 120, 240, 480, 960 minutes, then a day at most
    const lengths: number[] = [];
    for (let k = 0; k < 6; k++) {
      const now = new Date(s.lockedUntil!.getTime() + 60_000);
      s = fail(s, 10, now);
      lengths.push((s.lockedUntil!.getTime() - now.getTime()) / 60_000);
    }
    expect(lengths).toEqual([120, 240, 480, 960, 1440, 1440]);
    expect(isLocked(s, new Date(s.lockedUntil!.getTime() + 1))).toBe(false);
  });

  it('starts counting again after an hour without reaching the limit, and forgets lockouts after a quiet day', () => {
    const nine = fail(fresh, 9, at(0));
    expect(afterFailure(nine, REFERENCE_POLICY, at(61)).failures).toBe(1);
    const locked = fail(fresh, 10, at(0));
    const later = fail(locked, 10, at(60 * 26));
    expect(later.lockedUntil).toEqual(at(60 * 26 + 15)); // back to the first, shortest lockout
  });
});

describe('the client address a failure is counted against', () => {
  it('is the IPv4 address, also when IPv4-mapped, and the /64 of an IPv6 address', () => {
    expect(addressKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKeyOf('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressKeyOf('2001:db8:85a3:12:8a2e:370:7334:1')).toBe('2001:db8:85a3:12::/64');
    expect(addressKeyOf('2001:DB8:0:0042::1')).toBe('2001:db8:0:42::/64');
    expect(addressKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64');
    // two hosts of one subscriber share the limit
    expect(addressKeyOf('2001:db8:1:2:aaaa::1')).toBe(addressKeyOf('2001:db8:1:2:bbbb::9'));
  });
});

describe('status texts', () => {
  const english = catalog('en');
  const has = (key: string) => key in english;

  it('exist for every state of every route in every language', () => {
    let checked = 0;
    for (const machine of Object.values(ROUTE_MACHINES)) {
      for (const state of Object.keys(machine.states)) {
        const keys = stateTextKeys(machine.route, state, has);
        for (const language of LANGUAGES) {
          const texts = catalog(language);
          expect([language, keys.text, texts[keys.text]?.trim() || 'MISSING']).not.toContain('MISSING');
          expect([language, keys.next, texts[keys.next]?.trim() || 'MISSING']).not.toContain('MISSING');
          checked++;
        }
      }
      expect(english[`route.${machine.route}`]).toBeTruthy();
    }
    // civil 11 + labour 12 + criminal 13 + State fund 9 states, times 7 languages
    expect(checked).toBe(45 * 7);
  });

  it('use a route’s own text where it has one', () => {
    expect(stateTextKeys('state_fund', 'paid', has).text).toBe('state.state_fund.paid.text');
    expect(stateTextKeys('civil', 'paid', has).text).toBe('state.paid.text');
  });

  it('every language has every English key, each with the same placeholders', () => {
    for (const language of LANGUAGES) {
      const texts = catalog(language);
      expect(Object.keys(texts).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(english)) {
        const vars = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
        expect([language, key, vars(texts[key]!)]).toEqual([language, key, vars(text)]);
      }
    }
  });

  it('never say "trafficking" (or "victim") in any language', () => {
    for (const language of LANGUAGES) {
      for (const [key, text] of Object.entries(catalog(language))) {
        for (const word of FORBIDDEN_WORDS)
          expect([language, key, text.toLowerCase().includes(word.toLowerCase())]).toEqual([
            language,
            key,
            false,
          ]);
      }
    }
  });
});
