import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { Authorizer } from './scopes.js';

const authorizer = new Authorizer({
  read: ['files__read*', 'files__list_directory', 'resource:files__file:///docs/*'],
  admin: ['*'],
  weather: ['weather__*'],
  prompts: ['prompt:everything__*'],
  'files-write': ['files__write_file'],
  'files-all': ['files__*'],
});

describe('Authorizer', () => {
  it('allows what a scope names, per kind', () => {
    expect(authorizer.allows(['read'], 'tool', 'files__read_file')).toBe(true);
    expect(authorizer.allows(['read'], 'tool', 'files__list_directory')).toBe(true);
    expect(authorizer.allows(['read'], 'tool', 'files__write_file')).toBe(false);
    expect(authorizer.allows(['read'], 'resource', 'files__file:///docs/a.md')).toBe(true);
    expect(authorizer.allows(['read'], 'resource', 'files__file:///etc/passwd')).toBe(false);
    expect(authorizer.allows(['prompts'], 'prompt', 'everything__simple')).toBe(true);
    expect(authorizer.allows(['prompts'], 'tool', 'everything__echo')).toBe(false);
    expect(authorizer.allows(['weather'], 'resource', 'weather__weather://alerts')).toBe(true);
    expect(authorizer.allows(['admin'], 'tool', 'anything__at_all')).toBe(true);
  });

  it('grants nothing for no scopes or scopes the config does not define', () => {
    expect(authorizer.allows([], 'tool', 'files__read_file')).toBe(false);
    expect(authorizer.allows(['root', 'files__*', '*'], 'tool', 'files__read_file')).toBe(false);
    expect(authorizer.allows(['__proto__', 'constructor'], 'tool', 'files__read_file')).toBe(false);
  });

  it('names the scopes that would allow a refused call', () => {
    expect(authorizer.missingScopeFor(['read'], 'tool', 'files__write_file')).toEqual(['admin', 'files-write', 'files-all']);
    expect(authorizer.missingScopeFor(['read'], 'tool', 'files__read_file')).toEqual([]);
    expect(authorizer.authorize(['weather'], 'prompt', 'everything__simple')).toEqual({
      ok: false,
      reason: 'missing_scope',
      scopes: ['admin', 'prompts'],
      message: 'Prompt "everything__simple" needs one of the scopes "admin", "prompts"',
    });
    const only = new Authorizer({ write: ['files__write_file'] });
    expect(only.authorize([], 'tool', 'files__write_file')).toMatchObject({ message: 'Tool "files__write_file" needs scope "write"' });
    expect(only.authorize([], 'tool', 'db__drop')).toMatchObject({ message: 'Tool "db__drop" is not allowed by any scope', scopes: [] });
    expect(only.authorize(['write'], 'tool', 'files__write_file')).toEqual({ ok: true });
  });

  describe('name tricks do not widen access', () => {
    it('a different case is another name, which an ASCII glob of the other case does not match', () => {
      const exact = new Authorizer({ s: ['files__read_file', 'files__*'] });
      expect(exact.allows(['s'], 'tool', 'FILES__read_file')).toBe(false);
      expect(exact.allows(['s'], 'tool', 'Files__read_file')).toBe(false);
      const one = new Authorizer({ s: ['files__read_file'] });
      expect(one.allows(['s'], 'tool', 'files__READ_FILE')).toBe(false);
      expect(one.authorize(['s'], 'tool', 'files__Read_File')).toMatchObject({ ok: false, reason: 'missing_scope', scopes: [] });
    });

    const tricks: Array<[string, string]> = [
      ['trailing space', 'files__write_file '],
      ['leading space', ' files__write_file'],
      ['NUL', 'files__write_file\u0000'],
      ['newline', 'files__write_file\n'],
      ['Cyrillic а', 'files__re\u0430d_file'],
      ['Cyrillic е in the server', 'fil\u0435s__write_file'],
      ['fullwidth letters', '\uff46iles__write_file'],
      ['zero-width joiner', 'files__write\u200d_file'],
      ['soft hyphen', 'files__write\u00ad_file'],
      ['combining accent', 'files__write_file\u0301'],
    ];
    it.each(tricks)('%s: refused as an invalid name, even by a scope of *', (_, name) => {
      const wide = new Authorizer({ s: ['files__*', '*'] });
      expect(wide.allows(['s'], 'tool', name)).toBe(false);
      expect(wide.allows(['s'], 'prompt', name)).toBe(false);
      expect(authorizer.allows(['files-write', 'read', 'admin'], 'tool', name)).toBe(false);
      expect(authorizer.authorize(['admin'], 'tool', name)).toMatchObject({ ok: false, reason: 'invalid_name' });
      expect(authorizer.missingScopeFor([], 'tool', name)).toEqual([]);
    });

    it('matches on the full namespaced string, so __ inside a tool name cannot reach another server', () => {
      // Scope for server `a` only; server `a__b` cannot exist (assertServerName), and tool `b__c` of `a`
      // is matched as the string `a__b__c`, exactly as the glob author sees it.
      const a = new Authorizer({ a: ['a__x*'] });
      expect(a.allows(['a'], 'tool', 'a__b__c')).toBe(false);
      expect(a.allows(['a'], 'tool', 'a__x__c')).toBe(true);
    });

    it('a resource path trick cannot escape the folder a glob names', () => {
      for (const uri of ['files__file:///docs/../secrets/key', 'files__file:///docs/%2e%2e/secrets', 'files__file:///docs/..%2fsecrets', 'files__file:///docs\\..\\x']) {
        expect(authorizer.allows(['read'], 'resource', uri), uri).toBe(false);
        expect(authorizer.authorize(['read'], 'resource', uri)).toMatchObject({ reason: 'invalid_name' });
      }
    });
  });

  it('refuses a bad config glob at construction, naming the scope and the index', () => {
    expect(() => new Authorizer({ ok: ['files__*'], bad: ['x', 'a\\b'] })).toThrow(InvalidArgumentError);
    expect(() => new Authorizer({ bad: ['x', 'files__ *'] })).toThrow(/^scopes\.bad\[1\]: Invalid glob/);
    expect(() => new Authorizer({ bad: 'files__*' as unknown as string[] })).toThrow(/scopes\.bad: expected a list/);
    expect(() => new Authorizer({ bad: ['tools:files__*'] })).toThrow(/scopes\.bad\[0\]: unknown kind prefix in "tools:files__\*"/);
    expect(() => new Authorizer({ ok: ['resource:files__file:///*', '*file:///x'] })).not.toThrow();
  });

  it('lists the scope names in config order', () => {
    expect(authorizer.scopeNames).toEqual(['read', 'admin', 'weather', 'prompts', 'files-write', 'files-all']);
  });
});
