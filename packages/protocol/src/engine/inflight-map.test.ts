import { describe, expect, it } from 'vitest';
import { InflightMap } from './inflight-map.js';

describe('InflightMap', () => {
  it('behaves like a Map for set, get, has, delete, size and clear, including deletions inside probe runs and growth', () => {
    const m = new InflightMap<string | number, string>();
    const ref = new Map<string | number, string>();
    // A fixed pseudo-random walk over a few keys that share probe runs as the table grows and empties.
    let x = 7;
    for (let step = 0; step < 5000; step++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const key = [1, 2, 3, '1', 'a', 9, 17, 25, 33, 'b-1', 'b-2', 1e12, -4, 2.5][x % 14]!;
      const op = (x >> 8) % 5;
      if (op <= 1) {
        expect(m.set(key, `v${step}`)).toBe(m);
        ref.set(key, `v${step}`);
      } else if (op === 2) {
        expect(m.delete(key)).toBe(ref.delete(key));
      } else if (op === 3 && step % 97 === 0) {
        m.clear();
        ref.clear();
      }
      expect(m.size).toBe(ref.size);
      expect(m.get(key)).toBe(ref.get(key));
      expect(m.has(key)).toBe(ref.has(key));
      expect(new Map(m.entries())).toEqual(ref);
    }
  });

  it('keeps 1 and "1" apart, iterates keys, values and entries, and tolerates deletion while iterating', () => {
    const m = new InflightMap<string | number, number>();
    m.set(1, 10).set('1', 11).set(2, 20);
    expect(m.get(1)).toBe(10);
    expect(m.get('1')).toBe(11);
    expect([...m.keys()].sort()).toEqual([1, 2, '1'].sort());
    expect([...m.values()].sort()).toEqual([10, 11, 20]);
    for (const [k] of m) m.delete(k);
    expect(m.size).toBe(0);
    expect([...m]).toEqual([]);
  });

  it('matches a Map over a sliding window of ids with random deletes, as a connection under load uses it', () => {
    const m = new InflightMap<string | number, number>();
    const ref = new Map<string | number, number>();
    let x = 12345;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648);
    const keyOf = (i: number) => (i % 3 !== 0 ? `r-${i}` : i);
    for (let n = 0; n < 20_000; n++) {
      m.set(keyOf(n), n);
      ref.set(keyOf(n), n);
      // Retire the entry 64 behind, and a random one of the last 64: the map stays small while holes open
      // in every position of the probe runs.
      expect(m.delete(keyOf(n - 64))).toBe(ref.delete(keyOf(n - 64)));
      const oldKey = keyOf(n - ((rnd() >>> 12) % 64));
      expect(m.delete(oldKey)).toBe(ref.delete(oldKey));
      // Every live key is still found (a hole left inside a probe run would hide the keys after it).
      if (n % 10 === 0) for (const [k, v] of ref) expect(m.get(k)).toBe(v);
      if (n % 1000 === 0) expect(new Map(m.entries())).toEqual(ref);
    }
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect(m.size).toBe(ref.size);
  });
});
