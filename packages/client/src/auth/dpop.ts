/**
 * DPoP (RFC 9449): a per-client key pair, a fresh signed proof for every request, and the server nonces the
 * client has been handed, per origin.
 * @module
 */
import { type JWK, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { randomToken, sha256Base64Url } from './pkce.js';

/** Proof algorithms this client can sign with, in order of preference (asymmetric only, RFC 9449 §4.2). */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'ES384', 'PS256', 'RS256'] as const;

/** One request to prove possession for. */
export interface DpopRequest {
  method: string;
  url: string;
  /** Binds the proof to this access token (`ath`, RFC 9449 §4.2); set on resource requests. */
  accessToken?: string;
}

/**
 * Holds one DPoP key pair (created on first use, private key not extractable) and mints proofs with it.
 * @example
 * const dpop = new DpopSigner();
 * const proof = await dpop.proof({ method: 'POST', url: 'https://as.example.com/token' });
 */
export class DpopSigner {
  readonly #preferred: readonly string[] | undefined;
  #key: Promise<{ privateKey: CryptoKey; jwk: JWK; jkt: string; alg: string }> | undefined;
  readonly #nonces = new Map<string, string>();

  /** @param supported the server's `dpop_signing_alg_values_supported`; the first one we can use wins. */
  constructor(supported?: readonly string[]) {
    this.#preferred = supported;
  }

  /** RFC 7638 SHA-256 thumbprint of the public key: what a bound token's `cnf.jkt` carries. */
  async thumbprint(): Promise<string> {
    return (await this.#keyPair()).jkt;
  }

  /** A new proof JWT for one request, with a fresh `jti` and the origin's last nonce, if any. */
  async proof(request: DpopRequest): Promise<string> {
    const { privateKey, jwk, alg } = await this.#keyPair();
    const target = new URL(request.url);
    // RFC 9449 §4.2: htu is the target URI without query and fragment.
    const htu = target.origin + target.pathname;
    const claims: Record<string, unknown> = { jti: randomToken(16), htm: request.method.toUpperCase(), htu, iat: Math.floor(Date.now() / 1000) };
    if (request.accessToken !== undefined) claims.ath = await sha256Base64Url(request.accessToken);
    const nonce = this.#nonces.get(target.origin);
    if (nonce !== undefined) claims.nonce = nonce;
    return new SignJWT(claims).setProtectedHeader({ alg, typ: 'dpop+jwt', jwk }).sign(privateKey);
  }

  /** Remembers a `DPoP-Nonce` from a response of `url`'s origin (RFC 9449 §8, §9); returns whether it changed. */
  rememberNonce(url: string, response: Response): boolean {
    const nonce = response.headers.get('dpop-nonce');
    if (nonce === null || nonce === '') return false;
    const origin = new URL(url).origin;
    if (this.#nonces.get(origin) === nonce) return false;
    this.#nonces.set(origin, nonce);
    return true;
  }

  #keyPair() {
    this.#key ??= (async () => {
      const alg = DPOP_ALGORITHMS.find((a) => this.#preferred === undefined || this.#preferred.includes(a)) ?? 'ES256';
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: false });
      const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
      // Only the public members: the header must not carry anything else of the key (RFC 9449 §4.2).
      const jwk = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) as JWK;
      return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256'), alg };
    })();
    return this.#key;
  }
}

/** Whether a response is a `use_dpop_nonce` challenge (RFC 9449 §8 at the token endpoint, §9 at a resource). */
export function isNonceChallenge(response: Response, body?: Record<string, unknown>): boolean {
  if (response.headers.get('dpop-nonce') === null) return false;
  if (body?.error === 'use_dpop_nonce') return true;
  return /error\s*=\s*"?use_dpop_nonce/i.test(response.headers.get('www-authenticate') ?? '');
}
