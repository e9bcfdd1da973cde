import { describe, expect, it } from 'vitest';
import { SlotMap } from './slot-map.js';

describe('SlotMap', () => {
  it('behaves like a Map for set, get, has, delete, size and clear, across the slot and the overflow', () => {
    const m = new SlotMap<string | number, string>();
    const ref = new Map<string | number, string>();
    // A fixed pseudo-random walk over a few keys, so both the slot and the overflow are used and emptied.
    let x = 7;
    for (let step = 0; step < 5000; step++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const key = [1, 2, 3, '1', 'a'][x % 5]!;
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
    const m = new SlotMap<string | number, number>();
    m.set(1, 10).set('1', 11).set(2, 20);
    expect(m.get(1)).toBe(10);
    expect(m.get('1')).toBe(11);
    expect([...m.keys()].sort()).toEqual([1, 2, '1'].sort());
    expect([...m.values()].sort()).toEqual([10, 11, 20]);
    for (const [k] of m) m.delete(k);
    expect(m.size).toBe(0);
    expect([...m]).toEqual([]);
  });
});
