import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { GlobSet, compileGlob } from './glob.js';

const matches = (glob: string, name: string) => compileGlob(glob).test(name);

describe('compileGlob', () => {
  it('matches exact names exactly, case-sensitively', () => {
    expect(matches('files__read', 'files__read')).toBe(true);
    expect(matches('files__read', 'files__read2')).toBe(false);
    expect(matches('files__read', 'FILES__read')).toBe(false);
    expect(compileGlob('files__read').exact).toBe('files__read');
  });

  it('lets * cross __ and /, so files__* covers every tool of server files', () => {
    expect(matches('files__*', 'files__read')).toBe(true);
    expect(matches('files__*', 'files__a__b')).toBe(true);
    expect(matches('files__*', 'files__')).toBe(true);
    expect(matches('files__*', 'files_x')).toBe(false);
    expect(matches('files__*', 'filesystem__read')).toBe(false);
    expect(matches('*', 'anything__at/all')).toBe(true);
    expect(matches('files__file:///docs/*', 'files__file:///docs/a/b.md')).toBe(true);
  });

  it('has fast shapes and a general one that agree with a reference', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*__read', 'files__read', true],
      ['*__read', 'files__read_all', false],
      ['*read*', 'files__read_all', true],
      ['*read*', 'files__write', false],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'aXbYc', true],
      ['a*b*c', 'aXbY', false],
      ['a*b*c', 'acb', false],
      ['*a*a*a*b', 'a'.repeat(200), false],
      ['f?les__*', 'files__x', true],
      ['f?les__*', 'fles__x', false],
      ['??', 'ab', true],
      ['??', 'abc', false],
      ['a?', 'a😀', true], // one code point, two UTF-16 units
      ['a??', 'a😀', false],
      ['*x?', 'ab😀x😀', true],
      ['**', 'z', true],
      ['a**b', 'ab', true],
    ];
    for (const [glob, name, expected] of cases) expect(matches(glob, name), `${glob} vs ${name}`).toBe(expected);
  });

  it('takes \\*, \\? and \\\\ as literals', () => {
    expect(matches('weather__http://x/a\\?b', 'weather__http://x/a?b')).toBe(true);
    expect(matches('weather__http://x/a\\?b', 'weather__http://x/aZb')).toBe(false);
    expect(matches('a\\*', 'a*')).toBe(true);
    expect(matches('a\\*', 'ab')).toBe(false);
    expect(matches('a\\\\b', 'a\\b')).toBe(true);
  });

  it('refuses globs no valid name could match, with a message naming the glob', () => {
    for (const bad of ['', ' files__*', 'files__* ', 'files\u0000', 'a\u200bb', 'a\u202eb', 'x'.repeat(1025), 'a\\', 'a\\b', 'e\u0301']) {
      expect(() => compileGlob(bad), JSON.stringify(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => compileGlob('a\\b')).toThrow(/Invalid glob "a\\\\b": a backslash must be followed by/);
    expect(() => compileGlob('files__ read')).toThrow(/U\+0020/);
  });

  it('stays fast on a hostile pattern and a long name (no exponential backtracking)', () => {
    const matcher = compileGlob('*a*a*a*a*a*a*a*a*b');
    expect(matcher.test('a'.repeat(4000))).toBe(false);
  });
});

describe('GlobSet', () => {
  it('matches when any glob does', () => {
    const set = new GlobSet(['files__read', 'weather__*', '*__list?']);
    expect(set.test('files__read')).toBe(true);
    expect(set.test('weather__forecast')).toBe(true);
    expect(set.test('db__lists')).toBe(true);
    expect(set.test('files__write')).toBe(false);
    expect(set.empty).toBe(false);
    expect(new GlobSet().empty).toBe(true);
    expect(new GlobSet().test('x')).toBe(false);
    expect(new GlobSet(['*']).test('x')).toBe(true);
  });
});
