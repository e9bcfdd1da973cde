import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reduceArguments, type ArgumentsMode } from './arguments.js';

const args = { query: 'select * from users', limit: 10, opts: { dryRun: false, tags: ['a', null] }, empty: {} };

describe('reduceArguments', () => {
  it('hash: SHA-256 hex of the JCS form, independent of key order', () => {
    const expected = createHash('sha256')
      .update('{"empty":{},"limit":10,"opts":{"dryRun":false,"tags":["a",null]},"query":"select * from users"}')
      .digest('hex');
    expect(reduceArguments(args, 'hash')).toBe(expected);
    const reordered = { opts: { tags: ['a', null], dryRun: false }, empty: {}, limit: 10.0, query: 'select * from users' };
    expect(reduceArguments(reordered, 'hash')).toBe(expected);
  });

  it('redact: keeps keys and array lengths, replaces every leaf', () => {
    expect(reduceArguments(args, 'redact')).toEqual({
      query: '[redacted]',
      limit: '[redacted]',
      opts: { dryRun: '[redacted]', tags: ['[redacted]', '[redacted]'] },
      empty: {},
    });
    expect(reduceArguments('secret', 'redact')).toBe('[redacted]');
  });

  it('full: as sent', () => {
    expect(reduceArguments(args, 'full')).toBe(args);
  });

  it('absent arguments are null in every mode', () => {
    for (const mode of ['hash', 'redact', 'full'] as const) expect(reduceArguments(undefined, mode)).toBeNull();
  });

  it('names the setting when the mode is unknown', () => {
    expect(() => reduceArguments({}, 'plain' as ArgumentsMode)).toThrow(/audit arguments mode must be 'hash', 'redact' or 'full', got "plain"/);
  });
});
