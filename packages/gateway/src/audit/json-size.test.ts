import { describe, expect, it } from 'vitest';
import { jsonSize } from './json-size.js';

describe('jsonSize', () => {
  it('equals JSON.stringify(value).length for text JSON needs no escape for', () => {
    const values = [
      { text: 'hello' },
      { content: [{ type: 'text', text: 'héllo wörld ✓' }], isError: false, structuredContent: { n: 1.5, m: -3e-7, big: 1e21, none: null } },
      [1, 'two', [true, false, null], {}, []],
      { skipped: undefined, kept: 0, nested: { a: [undefined, 1] } },
      'plain',
      42,
    ];
    for (const value of values) expect(jsonSize(value), JSON.stringify(value)).toBe(JSON.stringify(value).length);
  });

  it('counts escaped characters once (a documented undercount) and never throws', () => {
    expect(jsonSize({ q: 'a"b\\c\n' })).toBe(JSON.stringify({ q: 'a"b\\c\n' }).length - 3);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(jsonSize(cyclic)).toBeGreaterThan(0);
    expect(jsonSize(undefined)).toBe(0);
    expect(jsonSize(10n)).toBe(0);
  });

  it('sizes a 1 MiB result without writing it out', () => {
    const result = { content: [{ type: 'text', text: 'x'.repeat(1 << 20) }] };
    expect(jsonSize(result)).toBe(JSON.stringify(result).length);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) jsonSize(result);
    expect(performance.now() - started).toBeLessThan(200); // JSON.stringify takes ~2 ms each
  });
});
