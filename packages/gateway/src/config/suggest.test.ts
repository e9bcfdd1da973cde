import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from './suggest.js';

describe('closestMatch', () => {
  const fields = ['host', 'port', 'path', 'publicUrl', 'servers', 'rateLimits'];
  it.each([
    ['hots', 'host'],
    ['prot', 'port'],
    ['sever', 'servers'],
    ['ratelimits', 'rateLimits'],
    ['PublicURL', 'publicUrl'],
  ])('%s → %s', (word, match) => expect(closestMatch(word, fields)).toBe(match));

  it('suggests nothing far away', () => {
    expect(closestMatch('bogus', fields)).toBeUndefined();
    expect(didYouMean('zz', fields)).toBe('');
    expect(didYouMean('hots', fields)).toBe(' (did you mean "host"?)');
  });
});
