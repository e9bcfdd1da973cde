/**
 * The gateway's {@link AuthVerifier}: API keys (from the config and the store), then JWTs from the configured
 * issuer, with failed attempts counted per source host.
 * @module
 */
import { type AuthVerifier, AuthError, type Principal } from '@mcpkit/server';
import { FailureTracker, failureSourceOf } from './failure-tracker.js';
import type { KeyVerification, KeyVerifier } from './key-verifier.js';

/** The gateway's verifier: API keys (config and store), then JWTs from the configured issuer. */
export class GatewayVerifier implements AuthVerifier {
  keys: KeyVerifier;
  jwt: AuthVerifier | undefined;
  readonly tracker = new FailureTracker();

  constructor(keys: KeyVerifier, jwt: AuthVerifier | undefined) {
    this.keys = keys;
    this.jwt = jwt;
  }

  verify(credentials: { token: string; source: 'authorization' | 'api-key' }, request: { header(name: string): string | null; remoteAddress?: string }): Principal | Promise<Principal> {
    // Per host, not per address: an IPv6 host holds a whole /64 and would otherwise rotate through it.
    const source = failureSourceOf(request.remoteAddress ?? 'unknown');
    const blocked = this.tracker.check(source);
    if (!blocked.ok) throw new AuthError('invalid_token', `too many failed attempts from this address; retry after ${Math.ceil(blocked.retryAfterMs / 1000)} s`);
    // A JWT has two dots; a key never does. Keys are tried first only when the token could be one.
    if (this.jwt && credentials.source === 'authorization' && isJwtShaped(credentials.token)) return this.jwt.verify(credentials, request);
    const verdict = this.keys.verify(credentials.token);
    return verdict instanceof Promise ? verdict.then(principalOf) : principalOf(verdict);
  }
}

/** Three dot-separated parts (without splitting the token into strings). */
function isJwtShaped(token: string): boolean {
  const first = token.indexOf('.');
  if (first < 0) return false;
  const second = token.indexOf('.', first + 1);
  return second >= 0 && token.indexOf('.', second + 1) < 0;
}

/** One principal per accepted key verdict (verdicts are made once per key and frozen), so a request allocates none. */
const principals = new WeakMap<KeyVerification, Principal>();

function principalOf(verdict: KeyVerification): Principal {
  if (!verdict.ok) throw new AuthError('invalid_token', verdict.error === 'malformed' ? verdict.message : `the API key is ${verdict.error === 'unknown' ? 'not valid' : verdict.error}`);
  let principal = principals.get(verdict);
  if (principal === undefined) {
    const p: { id: string; scopes: readonly string[]; keyId: string; expiresAt?: number } = { id: `key:${verdict.id}`, scopes: verdict.scopes, keyId: verdict.id };
    if (verdict.expiresAt !== undefined) p.expiresAt = verdict.expiresAt;
    principal = Object.freeze(p);
    principals.set(verdict, principal);
  }
  return principal;
}
