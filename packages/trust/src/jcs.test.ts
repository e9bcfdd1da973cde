import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { canonicalize, canonicalNumber } from './jcs.js';

/** The double whose IEEE 754 bits are `hex` (RFC 8785 Appendix B lists its samples this way). */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('sorts object members by UTF-16 code units, recursively (RFC 8785 §3.2.3 sample)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = Object.keys(JSON.parse(canonicalize(input)) as object);
    // Integer-like keys come first in any JS object, so compare the text, not a re-parsed object's key order.
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(keys).toHaveLength(7);
    expect(canonicalize({ b: 1, a: { d: true, c: null } })).toBe('{"a":{"c":null,"d":true},"b":1}');
  });

  it('writes numbers in their ECMAScript form (RFC 8785 Appendix B)', () => {
    const samples: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of samples) {
      expect(canonicalize(fromBits(bits)), bits).toBe(text);
      expect(canonicalNumber(fromBits(bits)), bits).toBe(text);
    }
  });

  it('refuses NaN and Infinity (RFC 8785 Appendix B), naming where they are', () => {
    expect(() => canonicalize(fromBits('7fffffffffffffff'))).toThrow(/NaN is not a JSON number/);
    expect(() => canonicalize({ a: [1, Number.POSITIVE_INFINITY] })).toThrow(/at \/a\/1: Infinity is not a JSON number/);
    expect(() => canonicalNumber(Number.NEGATIVE_INFINITY)).toThrow(InvalidArgumentError);
  });

  it('matches the RFC 8785 §3.2.2 sample', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('escapes strings as JSON.stringify does, keeping non-ASCII as is', () => {
    expect(canonicalize('\u0000\b\t\n\f\r"\\/é€')).toBe('"\\u0000\\b\\t\\n\\f\\r\\"\\\\/é€"');
    expect(canonicalize('\ud800')).toBe('"\\ud800"'); // a lone surrogate is escaped, not refused
  });

  it('leaves out object members that are undefined and honours toJSON', () => {
    expect(canonicalize({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalize({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalize(Object.assign(Object.create(null) as object, { z: 1, a: 2 }))).toBe('{"a":2,"z":1}');
  });

  it('refuses values JSON cannot carry, naming their JSON Pointer', () => {
    expect(() => canonicalize({ n: 1n })).toThrow(/at \/n: a bigint/);
    expect(() => canonicalize({ f: () => 1 })).toThrow(/at \/f: a function is not a JSON value/);
    expect(() => canonicalize([Symbol('x')])).toThrow(/at \/0: a symbol/);
    expect(() => canonicalize([undefined])).toThrow(/at \/0: undefined is not a JSON value/);
    expect(() => canonicalize(undefined)).toThrow(/the value: undefined/);
    expect(() => canonicalize({ 'a/b~': new Map() })).toThrow(/at \/a~1b~0: a Map is not a JSON value/);
    expect(() => canonicalize({ s: new Set([1]) })).toThrow(InvalidArgumentError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/at \/self: the value contains a cycle/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it('refuses nesting deeper than 1,000 levels instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/nested deeper than 1000 levels/);
  });
});
