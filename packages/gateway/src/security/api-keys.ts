/**
 * API keys: 256 random bits printed as `mcpk_<base64url>` (the prefix lets secret scanners spot a leaked key),
 * kept only as their SHA-256.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** The start of every generated key. */
export const API_KEY_PREFIX = 'mcpk_';
/** Longer presented keys are refused before hashing. */
export const MAX_API_KEY_BYTES = 512;

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// C0 controls, DEL and C1 controls: never in a key, and a sign of header smuggling or garbage.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A new key and an id for it. The key is shown once; store only {@link hashApiKey} of it.
 * @example
 * const { id, key } = generateApiKey(); // id 'key_3qJ0xT1a', key 'mcpk_…' (48 characters)
 */
export function generateApiKey(): { id: string; key: string } {
  return { id: generateKeyId(), key: API_KEY_PREFIX + randomBytes(32).toString('base64url') };
}

/** A fresh key id, `key_` and 48 random bits. */
export function generateKeyId(): string {
  return `key_${randomBytes(6).toString('base64url')}`;
}

/** Whether `id` can name a key: 1–64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit. */
export function isValidKeyId(id: string): boolean {
  return typeof id === 'string' && KEY_ID.test(id);
}

/**
 * Lower-case hex SHA-256 of the key's UTF-8 bytes. A key holds 256 random bits, so a fast hash is enough: there
 * is nothing to guess that a slow hash would protect.
 * @example
 * hashApiKey('mcpk_example'); // 64 hex characters
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Why a presented key is refused before hashing, or `undefined` when it may be looked up.
 * @example
 * apiKeyProblem('x'.repeat(600)); // 'the API key is longer than 512 bytes'
 */
export function apiKeyProblem(presented: string): string | undefined {
  if (typeof presented !== 'string' || presented.length === 0) return 'the API key is empty';
  // A UTF-16 unit is at least one UTF-8 byte, so only short strings need counting.
  if (presented.length > MAX_API_KEY_BYTES || Buffer.byteLength(presented, 'utf8') > MAX_API_KEY_BYTES) {
    return `the API key is longer than ${MAX_API_KEY_BYTES} bytes`;
  }
  if (CONTROL.test(presented)) return 'the API key contains control characters';
  if (presented.trim() !== presented) return 'the API key has leading or trailing whitespace';
  return undefined;
}
