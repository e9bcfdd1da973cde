import { describe, expect, it } from 'vitest';
import { MAX_DURATION_MS, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [1500, 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
  ])('%j is %d ms', (input, ms) => expect(parseDuration(input)).toEqual({ ms }));

  it.each([['30'], ['30 s'], ['1m30s'], ['-1s'], [-1], [1.5], [''], [null], [true]])('refuses %j', (input) => {
    expect(parseDuration(input)).toHaveProperty('error');
  });

  it('refuses what a Node timer cannot wait for', () => {
    expect(parseDuration(MAX_DURATION_MS)).toEqual({ ms: MAX_DURATION_MS });
    expect(parseDuration('25d')).toEqual({ error: 'must be at most 2147483647 ms (about 24.8 days)' });
  });
});
