/**
 * OAuth 2.0 token introspection (RFC 7662) as a verifier, with a bounded cache keyed by the token's digest.
 * @module
 */
import type { Principal } from '../middleware.js';
import { AuthError, type AuthVerifier, type PresentedCredentials } from '../http/auth.js';
import { scopesFrom } from './jwt.js';
import { sha256, toHex } from './api-keys.js';

export interface IntrospectionVerifierOptions {
  /** The introspection endpoint. */
  url: string;
  /** Credentials of this resource server at the authorization server (HTTP Basic). */
  clientId: string;
  clientSecret: string;
  /** If set, `aud` must contain it. */
  audience?: string;
  /** If set, `iss` must equal it. */
  issuer?: string;
  /** How long an active answer is reused (never past the token's `exp`). Default 60 s; 0 disables. */
  cacheMs?: number;
  /** Most cached answers. Default 10,000. */
  maxCached?: number;
  /** Request timeout. Default 5 s. */
  timeoutMs?: number;
  /** For tests and custom agents. Default: global fetch. */
  fetch?: typeof fetch;
}

/**
 * A verifier that asks the authorization server about each token (cached briefly).
 * @example
 * const verifier = introspectionVerifier({ url: 'https://auth.example.com/introspect', clientId: 'mcp', clientSecret });
 */
export function introspectionVerifier(options: IntrospectionVerifierOptions): AuthVerifier {
  const cacheMs = options.cacheMs ?? 60_000;
  const max = options.maxCached ?? 10_000;
  const cache = new Map<string, { principal: Principal; until: number }>();
  const doFetch = options.fetch ?? fetch;
  const basic = btoa(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`);

  const ask = async (token: string): Promise<Record<string, unknown>> => {
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`token introspection answered HTTP ${response.status}`);
    const body = (await response.json()) as unknown;
    if (typeof body !== 'object' || body === null) throw new Error('token introspection answered no JSON object');
    return body as Record<string, unknown>;
  };

  return {
    async verify(credentials: PresentedCredentials): Promise<Principal> {
      const key = toHex(await sha256(credentials.token));
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.principal;
      const info = await ask(credentials.token);
      if (info.active !== true) throw new AuthError('invalid_token', 'the token is not active');
      if (options.issuer !== undefined && info.iss !== options.issuer) throw new AuthError('invalid_token', "the token's issuer is not accepted");
      if (options.audience !== undefined) {
        const aud = info.aud;
        const ok = aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience));
        if (!ok) throw new AuthError('invalid_token', 'the token is meant for another audience');
      }
      const exp = typeof info.exp === 'number' ? info.exp * 1000 : undefined;
      if (exp !== undefined && exp <= now) throw new AuthError('invalid_token', 'the token has expired');
      const clientId = typeof info.client_id === 'string' ? info.client_id : undefined;
      const id = typeof info.sub === 'string' && info.sub !== '' ? info.sub : clientId;
      if (id === undefined) throw new AuthError('invalid_token', 'the token names no subject or client');
      const principal: { id: string; scopes: string[]; claims: Record<string, unknown>; clientId?: string; expiresAt?: number } = {
        id,
        scopes: scopesFrom(info, 'scope'),
        claims: info,
      };
      if (clientId !== undefined) principal.clientId = clientId;
      if (exp !== undefined) principal.expiresAt = exp;
      if (cacheMs > 0) {
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(key, { principal, until: Math.min(now + cacheMs, exp ?? Number.POSITIVE_INFINITY) });
      }
      return principal;
    },
  };
}
