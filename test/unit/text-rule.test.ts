import { textProblem, textRuleErrors, wellFormed } from '../../src/lib/text-rule';

describe('the text rule', () => {
  it('allows tab, CR, LF and surrogate pairs; refuses other C0 controls and lone surrogates', () => {
    expect(textProblem('a\tb\r\nc 😀 ไทย')).toBeNull();
    for (const bad of ['\u0000', 'a\u001fb', '\u000b', '\ud800', 'x\udc00', '\ud83d'])
      expect(textProblem(bad)).not.toBeNull();
  });

  it('names each offending value by its path, and refuses prototype keys', () => {
    const body = JSON.parse(
      '{"a":{"b":["ok","x\\u0000"]},"__proto__":{"x":1},"n":1,"k\\u0001":"v","constructor":{}}',
    ) as unknown;
    expect(textRuleErrors(body).map((e) => e.path)).toEqual([
      'a.b[1]',
      '__proto__',
      'k\uFFFD',
      'constructor',
    ]);
  });

  it('leaves exempt top-level fields to their service', () => {
    expect(
      textRuleErrors({ reference: '\ud800', other: '\ud800' }, ['reference']).map((e) => e.path),
    ).toEqual(['other']);
  });

  it('makes text storable as PostgreSQL would', () => {
    expect(wellFormed('a\ud800b😀')).toBe('a\uFFFDb😀');
  });
});
