import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, apiKeyProblem, generateApiKey, hashApiKey, isValidKeyId } from './api-keys.js';

describe('generateApiKey', () => {
  it('makes mcpk_ plus 256 random bits in base64url, and a valid id', () => {
    const { id, key } = generateApiKey();
    expect(key).toMatch(/^mcpk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(isValidKeyId(id)).toBe(true);
    expect(id).toMatch(/^key_[A-Za-z0-9_-]{8}$/);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });
});

describe('hashApiKey', () => {
  it('is the lower-case hex SHA-256 of the UTF-8 bytes', () => {
    expect(hashApiKey('mcpk_test')).toBe(createHash('sha256').update('mcpk_test').digest('hex'));
    expect(hashApiKey('mcpk_test')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('apiKeyProblem', () => {
  it('accepts generated keys and ordinary secrets', () => {
    expect(apiKeyProblem(generateApiKey().key)).toBeUndefined();
    expect(apiKeyProblem('a-secret-from-the-environment')).toBeUndefined();
  });

  it.each([
    ['empty', '', /empty/],
    ['too long', 'x'.repeat(513), /longer than 512 bytes/],
    ['too long in UTF-8 bytes', 'é'.repeat(300), /longer than 512 bytes/],
    ['NUL', 'mcpk_abc\u0000', /control characters/],
    ['CR LF', 'mcpk_abc\r\nX-Admin: 1', /control characters/],
    ['DEL', 'mcpk_\u007f', /control characters/],
    ['C1', 'mcpk_\u0085', /control characters/],
    ['surrounding spaces', ' mcpk_abc ', /whitespace/],
  ])('refuses a key that is %s', (_, key, message) => {
    expect(apiKeyProblem(key)).toMatch(message);
  });

  it('takes exactly 512 bytes', () => {
    expect(apiKeyProblem('x'.repeat(512))).toBeUndefined();
  });
});
