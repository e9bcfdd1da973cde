import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { canonicalize } from './jcs.js';

describe('canonicalize (RFC 8785)', () => {
  it('sorts object members by UTF-16 code units, recursively', () => {
    expect(canonicalize({ b: 1, a: { d: true, c: null } })).toBe('{"a":{"c":null,"d":true},"b":1}');
    // RFC 8785 §3.2.3: U+FB33 sorts after U+1F600 (surrogates D83D DE00) by code units, not by code points.
    expect(canonicalize({ '\ufb33': 1, '\ud83d\ude00': 2, '\r': 3, '1': 4 })).toBe('{"\\r":3,"1":4,"😀":2,"\ufb33":1}');
  });

  it('writes numbers in their ECMAScript form (RFC 8785 §3.2.2.3 examples)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [333333333.33333329, '333333333.3333333'],
      [9007199254740991, '9007199254740991'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [100, '100'],
    ];
    for (const [value, text] of cases) expect(canonicalize(value)).toBe(text);
  });

  it('escapes strings as JSON.stringify does, keeping non-ASCII as is', () => {
    expect(canonicalize('\u0000\b\t\n\f\r"\\/é€')).toBe('"\\u0000\\b\\t\\n\\f\\r\\"\\\\/é€"');
  });

  it('matches the RFC 8785 §3.2.2 sample', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('follows JSON.stringify for undefined, functions and toJSON', () => {
    expect(canonicalize({ a: undefined, b: () => 1, c: [undefined] })).toBe('{"c":[null]}');
    expect(canonicalize({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('refuses values JSON cannot carry, naming where they are', () => {
    expect(() => canonicalize({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]: NaN/);
    expect(() => canonicalize({ n: 1n })).toThrow(InvalidArgumentError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/\$\.self: the value contains a cycle/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
