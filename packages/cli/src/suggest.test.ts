/** "Did you mean" (issue 13): the edit distance and which names are close enough to suggest. */
import { describe, expect, it } from 'vitest';
import { closestNames, didYouMean, editDistance } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['echo', 'echo', 0],
    ['ehco', 'echo', 1],
    ['eco', 'echo', 1],
    ['echoo', 'echo', 1],
    ['greting', 'greeting', 1],
    ['kitten', 'sitting', 3],
    ['', 'add', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('didYouMean', () => {
  const tools = ['echo', 'add', 'long_running', 'list_roots', 'log_messages'];
  it('names the nearest, ignoring case, and several when they tie', () => {
    expect(didYouMean('ECHO', tools)).toBe('did you mean "echo"?');
    expect(didYouMean('long-running', tools)).toBe('did you mean "long_running"?');
    expect(closestNames('ad', ['add', 'ado', 'echo'])).toEqual(['add', 'ado']);
    expect(didYouMean('ad', ['add', 'ado', 'adz'])).toBe('did you mean "add", "ado" or "adz"?');
  });
  it('suggests nothing for a name close to nothing', () => {
    expect(didYouMean('weather', tools)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
