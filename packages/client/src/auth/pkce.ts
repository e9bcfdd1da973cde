/**
 * PKCE (RFC 7636) with S256 only, and the random values OAuth needs (state, jti), from WebCrypto.
 * @module
 */
import { base64url } from 'jose';

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  verifier: string;
  challenge: string;
}

/**
 * A random URL-safe string of `bytes` random bytes (43 characters for 32 bytes), from the platform CSPRNG.
 * @example
 * const state = randomToken(); // e.g. 'q3T…'
 */
export function randomToken(bytes = 32): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** base64url(SHA-256(ASCII(text))), as used by the S256 challenge (RFC 7636 §4.2) and DPoP `ath` (RFC 9449 §4.2). */
export async function sha256Base64Url(text: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/**
 * A fresh verifier (32 random bytes → 43 characters, within RFC 7636 §4.1's 43..128) and its S256 challenge.
 * @example
 * const { verifier, challenge } = await createPkcePair();
 */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomToken(32);
  return { verifier, challenge: await sha256Base64Url(verifier) };
}
