// Namespaced tool names: the characters and length model APIs accept, determinism, collisions, the way back.
import { describe, expect, it } from 'vitest';
import { MAX_TOOL_NAME_LENGTH, namespaceToolName } from './index.js';
import { NameTable, hashedToolName } from './tool-names.js';
import { backoffDelay } from './backoff.js';

const VALID = /^[A-Za-z0-9_-]{1,64}$/;

describe('namespaceToolName', () => {
  it('joins server and tool with a double underscore', () => {
    expect(namespaceToolName('github', 'create_issue')).toBe('github__create_issue');
    expect(namespaceToolName('a-b', 'C-d_9')).toBe('a-b__C-d_9');
  });

  it('replaces characters outside [A-Za-z0-9_-]', () => {
    expect(namespaceToolName('my server', 'files.read')).toBe('my_server__files_read');
    expect(namespaceToolName('ünï', 'tool/x:y')).toBe('_n___tool_x_y');
  });

  it('keeps a name of exactly 64 characters', () => {
    const tool = 't'.repeat(MAX_TOOL_NAME_LENGTH - 'srv__'.length);
    expect(namespaceToolName('srv', tool)).toBe(`srv__${tool}`);
  });

  it('shortens longer names with a hash of both original names', () => {
    const long = 'x'.repeat(100);
    const name = namespaceToolName('server', long);
    expect(name).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(name).toMatch(VALID);
    expect(name.startsWith('server__xxxx')).toBe(true);
    expect(name).toMatch(/_[0-9a-z]{8}$/);
    // Deterministic, and distinct for names that share the first 64 characters.
    expect(namespaceToolName('server', long)).toBe(name);
    expect(namespaceToolName('server', `${long}y`)).not.toBe(name);
    expect(namespaceToolName('server2', long)).not.toBe(name);
  });

  it('always yields a valid name', () => {
    for (const [server, tool] of [['', 'x'], ['日本語', 'ツール'], ['a'.repeat(200), 'b'.repeat(200)], ['s', '.'.repeat(70)]] as const) {
      expect(namespaceToolName(server, tool)).toMatch(VALID);
      expect(hashedToolName(server, tool)).toMatch(VALID);
    }
  });
});

describe('NameTable', () => {
  it('maps names back to server and tool', () => {
    const table = new NameTable();
    table.set('github', ['create_issue', 'search']);
    table.set('fs', ['read.file']);
    expect(table.resolve('github__search')).toEqual({ server: 'github', tool: 'search' });
    expect(table.resolve('fs__read_file')).toEqual({ server: 'fs', tool: 'read.file' });
    expect(table.nameOf('fs', 'read.file')).toBe('fs__read_file');
    expect(table.resolve('fs__nothing')).toBeUndefined();
  });

  it('maps shortened names back', () => {
    const table = new NameTable();
    const long = 'a_very_long_tool_name_that_goes_on_and_on_and_on_past_the_limit_'.repeat(2);
    const longer = `${long}2`;
    table.set('srv', [long, longer]);
    const first = table.nameOf('srv', long)!;
    const second = table.nameOf('srv', longer)!;
    expect(first).not.toBe(second);
    expect(table.resolve(first)).toEqual({ server: 'srv', tool: long });
    expect(table.resolve(second)).toEqual({ server: 'srv', tool: longer });
  });

  it('gives every member of a collision the hashed name, whatever the order of arrival', () => {
    const a = new NameTable();
    a.set('s', ['a.b', 'a_b', 'other']);
    const b = new NameTable();
    b.set('s', ['other', 'a_b', 'a.b']);
    for (const table of [a, b]) {
      expect(table.nameOf('s', 'a.b')).toBe(hashedToolName('s', 'a.b'));
      expect(table.nameOf('s', 'a_b')).toBe(hashedToolName('s', 'a_b'));
      expect(table.nameOf('s', 'other')).toBe('s__other');
      expect(table.resolve(hashedToolName('s', 'a.b'))).toEqual({ server: 's', tool: 'a.b' });
      expect(table.resolve(hashedToolName('s', 'a_b'))).toEqual({ server: 's', tool: 'a_b' });
    }
  });

  it('separates servers whose names run into the separator', () => {
    const table = new NameTable();
    expect(table.set('x__y', ['z'])).toEqual([]);
    expect(table.nameOf('x__y', 'z')).toBe('x__y__z');
    // Server "x" with tool "y__z" would also be "x__y__z": both switch, and the first server is told.
    expect(table.set('x', ['y__z'])).toEqual(['x__y']);
    expect(table.nameOf('x__y', 'z')).toBe(hashedToolName('x__y', 'z'));
    expect(table.nameOf('x', 'y__z')).toBe(hashedToolName('x', 'y__z'));
    expect(table.resolve(hashedToolName('x', 'y__z'))).toEqual({ server: 'x', tool: 'y__z' });
    // Once one side is gone the other gets its plain name back.
    expect(table.delete('x')).toEqual(['x', 'x__y']);
    expect(table.nameOf('x__y', 'z')).toBe('x__y__z');
  });

  it('hashes a plain name that a hashed one happens to equal', () => {
    const table = new NameTable();
    const hashed = hashedToolName('s', 'a.b');
    const literal = hashed.slice('s__'.length);
    table.set('s', ['a.b', 'a_b', literal]);
    const names = ['a.b', 'a_b', literal].map((t) => table.nameOf('s', t));
    expect(new Set(names).size).toBe(3);
    for (const t of ['a.b', 'a_b', literal]) expect(table.resolve(table.nameOf('s', t)!)).toEqual({ server: 's', tool: t });
  });
});

describe('backoffDelay', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 10 };
  it('doubles from the initial delay up to the ceiling, with jitter in [0.5, 1)', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 5].map((n) => backoffDelay(policy, n, () => 0.999999))).toEqual([100, 200, 1000]);
  });
});
