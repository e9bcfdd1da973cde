/**
 * Static API keys: kept as SHA-256 digests, compared in constant time.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { Principal } from '../middleware.js';
import { AuthError, type AuthVerifier, type PresentedCredentials } from '../http/auth.js';

/** One accepted key: the key itself (hashed at once, never kept) or its SHA-256 in hex. */
export interface StaticApiKey {
  id: string;
  key?: string;
  sha256?: string;
  scopes?: readonly string[];
  /** Epoch milliseconds after which the key is refused. */
  expiresAt?: number;
}

const encoder = new TextEncoder();

/** SHA-256 of a string's UTF-8, as bytes (Web Crypto: runs on any runtime). */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function fromHex(hex: string, where: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidArgumentError(`${where}.sha256 must be 64 hex digits`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Equal-length byte arrays compared without an early exit. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * A verifier for a fixed set of API keys. The presented key is hashed, the digest looked up, then compared
 * in constant time: the time taken says nothing about how much of a key was right.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for an entry with neither or both of key and sha256, or a duplicate id.
 * @example
 * const verifier = await apiKeyVerifier([{ id: 'ci', key: process.env.CI_KEY!, scopes: ['tools:read'] }]);
 */
export async function apiKeyVerifier(keys: readonly StaticApiKey[]): Promise<AuthVerifier> {
  const byDigest = new Map<string, { digest: Uint8Array; entry: StaticApiKey }>();
  const ids = new Set<string>();
  for (const [i, entry] of keys.entries()) {
    const where = `keys[${i}]`;
    if (typeof entry.id !== 'string' || entry.id === '') throw new InvalidArgumentError(`${where}.id must be a non-empty string`);
    if (ids.has(entry.id)) throw new InvalidArgumentError(`${where}.id ${entry.id} is used twice`);
    ids.add(entry.id);
    if ((entry.key === undefined) === (entry.sha256 === undefined)) throw new InvalidArgumentError(`${where} needs exactly one of key and sha256`);
    const digest = entry.key !== undefined ? await sha256(entry.key) : fromHex(entry.sha256!, where);
    byDigest.set(toHex(digest), { digest, entry: { ...entry, key: undefined } });
  }
  return {
    async verify(credentials: PresentedCredentials): Promise<Principal> {
      const digest = await sha256(credentials.token);
      const found = byDigest.get(toHex(digest));
      if (!found || !constantTimeEqual(found.digest, digest)) throw new AuthError('invalid_token', 'the API key is not valid');
      const { entry } = found;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) throw new AuthError('invalid_token', 'the API key has expired');
      const principal: { id: string; scopes: readonly string[]; keyId: string; expiresAt?: number } = {
        id: `key:${entry.id}`,
        scopes: [...(entry.scopes ?? [])],
        keyId: entry.id,
      };
      if (entry.expiresAt !== undefined) principal.expiresAt = entry.expiresAt;
      return principal;
    },
  };
}

/**
 * Tries verifiers in order and returns the first principal; when all refuse, the last refusal stands.
 * @example
 * const verifier = firstOf(await apiKeyVerifier(keys), jwtVerifier({ issuer, audience }));
 */
export function firstOf(...verifiers: AuthVerifier[]): AuthVerifier {
  if (verifiers.length === 0) throw new InvalidArgumentError('firstOf() needs at least one verifier');
  return {
    async verify(credentials, request) {
      let last: unknown;
      for (const v of verifiers) {
        try {
          return await v.verify(credentials, request);
        } catch (error) {
          if (!(error instanceof AuthError)) throw error;
          last = error;
        }
      }
      throw last;
    },
  };
}
