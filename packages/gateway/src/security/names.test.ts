import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { assertServerName, isValidServerName, nameProblem, splitNamespaced } from './names.js';

describe('nameProblem', () => {
  it('accepts ordinary namespaced names', () => {
    expect(nameProblem('tool', 'files__read_file')).toBeUndefined();
    expect(nameProblem('prompt', 'everything__complex-prompt.v2')).toBeUndefined();
    expect(nameProblem('resource', 'files__file:///docs/a%20b.md?x=1#y')).toBeUndefined();
    expect(nameProblem('resource', 'files__file:///docs/café.md')).toBeUndefined();
    expect(nameProblem('resource', 'files__file:///docs/..hidden')).toBeUndefined();
  });

  it.each([
    ['leading space', ' files__read'],
    ['trailing space', 'files__read '],
    ['tab', 'files__read\t'],
    ['NUL', 'files__read\u0000'],
    ['newline', 'files__read\n'],
    ['Cyrillic а', 'files__re\u0430d'],
    ['Greek ο', 'files__d\u03bfc'],
    ['fullwidth letters', 'files__\uff52\uff45\uff41\uff44'],
    ['zero-width space', 'files__re\u200bad'],
    ['bidi override', 'files__\u202edaer'],
    ['non-breaking space', 'files__read\u00a0'],
    ['empty', ''],
    ['too long', 'a'.repeat(257)],
  ])('refuses a tool name with %s', (_, name) => {
    expect(nameProblem('tool', name)).toBeTypeOf('string');
  });

  it('names the offending character', () => {
    expect(nameProblem('tool', 'files__re\u0430d')).toMatch(/U\+0430/);
  });

  it.each([
    ['a control character', 'files__file:///a\u0000b'],
    ['a space', 'files__file:///a b'],
    ['fullwidth solidus', 'files__file:///public\uff0f..\uff0fsecret'],
    ['a ligature', 'files__file:///\ufb01le'],
    ['NFD (not NFKC)', 'files__file:///cafe\u0301.md'],
    ['a bidi override', 'files__file:///\u202etxt.exe'],
    ['a backslash', 'files__file:///public\\..\\secret'],
    ['a .. segment', 'files__file:///public/../secret'],
    ['a trailing ..', 'files__file:///public/..'],
    ['a . segment', 'files__file:///public/./x'],
    ['..;', 'files__http://h/public/..;/admin'],
    ['%2e%2e', 'files__file:///public/%2e%2e/secret'],
    ['..%2f', 'files__file:///public/..%2Fsecret'],
    ['%5c', 'files__file:///public/..%5csecret'],
    ['%00', 'files__file:///public/a.txt%00.md'],
    ['too long', `files__file:///${'a'.repeat(4096)}`],
  ])('refuses a resource URI with %s', (_, name) => {
    expect(nameProblem('resource', name)).toBeTypeOf('string');
  });
  it('says which resource trick it saw', () => {
    expect(nameProblem('resource', 'files__file:///a\\b')).toMatch(/backslash/);
    expect(nameProblem('resource', 'files__file:///a/%2E%2E/b')).toMatch(/percent-encoded/);
    expect(nameProblem('resource', 'files__file:///a%2F..%2Fb')).toMatch(/path segment/);
    expect(nameProblem('resource', 'files__file:///a/../b')).toMatch(/path segment/);
    expect(nameProblem('resource', 'files__file:///a%2Fb')).toBeUndefined();
  });
});

describe('server names', () => {
  it('allows single underscores inside, never __ or an underscore at either end', () => {
    for (const ok of ['files', 'my_server', 'a-b_c-d', 'S3']) expect(isValidServerName(ok), ok).toBe(true);
    for (const bad of ['', 'a__b', '_a', 'a_', 'a b', 'a.b', 'ä', 'x'.repeat(65)]) expect(isValidServerName(bad), bad).toBe(false);
    expect(() => assertServerName('a__b')).toThrow(InvalidArgumentError);
    expect(() => assertServerName('a__b')).toThrow(/must not contain "__"/);
  });
});

describe('splitNamespaced', () => {
  it('splits at the known server name, leaving __ in the tool name', () => {
    expect(splitNamespaced('files__read__all', new Set(['files']))).toEqual({ ok: true, server: 'files', name: 'read__all' });
    expect(splitNamespaced('a__b__c', ['a'])).toEqual({ ok: true, server: 'a', name: 'b__c' });
    expect(splitNamespaced('a__b__c', ['a__b'])).toEqual({ ok: true, server: 'a__b', name: 'c' });
  });

  it('refuses a name that two servers could claim (a__b tool c vs a tool b__c)', () => {
    const result = splitNamespaced('a__b__c', ['a', 'a__b']);
    expect(result).toMatchObject({ ok: false, error: 'ambiguous' });
    expect(splitNamespaced('a___x', ['a', 'a_'])).toMatchObject({ ok: false, error: 'ambiguous' });
  });

  it('refuses an unknown server, and a prefix without the separator', () => {
    expect(splitNamespaced('other__x', ['files'])).toMatchObject({ ok: false, error: 'unknown_server' });
    expect(splitNamespaced('filesystem__x', ['files'])).toMatchObject({ ok: false, error: 'unknown_server' });
    expect(splitNamespaced('files', ['files'])).toMatchObject({ ok: false, error: 'unknown_server' });
    expect(splitNamespaced('__files__x', ['files', ''])).toMatchObject({ ok: false, error: 'unknown_server' });
  });
});
