/**
 * A fetch wrapper for DPoP resource requests (RFC 9449 §7, §9): proofs that match the request exactly, nonces
 * picked up from every response, and one retry with a fresh proof on a `use_dpop_nonce` challenge.
 * @module
 */
import { decodeJwt } from 'jose';
import { type DpopSigner, isNonceChallenge } from './dpop.js';

/**
 * Wraps `inner` so DPoP works whatever the transport tells the auth provider about its requests.
 * @example
 * const wrapped = dpopAwareFetch(fetch, () => signer);
 */
export function dpopAwareFetch(inner: typeof fetch, signer: () => DpopSigner | undefined): typeof fetch {
  return async (input, init) => {
    const dpop = signer();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const proof = headers.get('dpop');
    if (!dpop || proof === null) return inner(input, init);
    const token = /^DPoP\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
    const sign = async () => {
      headers.set('dpop', await dpop.proof({ method, url, ...(token !== undefined ? { accessToken: token } : {}) }));
      return { ...init, headers };
    };
    // A proof made for another method or URL (the transport did not say which request it was) is re-signed.
    const claims = safeClaims(proof);
    const target = new URL(url);
    const first = claims?.htm === method && claims.htu === target.origin + target.pathname ? init : await sign();
    const response = await inner(input, first);
    const changed = dpop.rememberNonce(url, response);
    const resendable = init?.body === undefined || init.body === null || typeof init.body === 'string' || init.body instanceof URLSearchParams;
    if (!changed || response.status !== 401 || !isNonceChallenge(response) || !resendable) return response;
    await response.body?.cancel().catch(() => undefined);
    const retried = await inner(input, await sign());
    dpop.rememberNonce(url, retried);
    return retried;
  };
}

function safeClaims(jwt: string): { htm?: unknown; htu?: unknown } | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}
