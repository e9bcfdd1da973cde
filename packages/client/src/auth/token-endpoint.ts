/**
 * Token endpoint requests (RFC 6749 §3.2, OAuth 2.1 §3.2): one form POST with client authentication, an
 * optional DPoP proof with one retry on a `use_dpop_nonce` challenge, and a checked token response.
 * @module
 */
import { AuthTokenError } from '@mcpkit/protocol';
import { applyClientAuth, selectAuthMethod } from './client-auth.js';
import { type DpopSigner, isNonceChallenge } from './dpop.js';
import { type AuthHttpContext, authFetch, readBounded } from './http.js';
import type { AuthorizationServerMetadata, ClientCredentials, StoredTokens, TokenResponse } from './types.js';

/** One token request. */
export interface TokenRequest {
  metadata: AuthorizationServerMetadata;
  client: ClientCredentials;
  /** `grant_type` and the grant's own parameters (`code`, `refresh_token`, `assertion`, `scope`, `resource`, ...). */
  params: Record<string, string | undefined>;
  /** Present when tokens should be DPoP-bound (RFC 9449 §5). */
  dpop?: DpopSigner | undefined;
}

/**
 * Sends a token request and returns the tokens to store.
 * @throws AuthTokenError `MCPKIT_AUTH_TOKEN_REQUEST_FAILED` for an error response or an unusable success response;
 * AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`; HttpError `MCPKIT_HTTP_ERROR` when there is no response.
 */
export async function requestToken(ctx: AuthHttpContext, request: TokenRequest): Promise<StoredTokens> {
  const { metadata, client, dpop } = request;
  const endpoint = metadata.token_endpoint;
  const grant = request.params.grant_type ?? '?';
  for (let attempt = 0; ; attempt++) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(request.params)) if (v !== undefined && v !== '') body.set(k, v);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    await applyClientAuth(client, selectAuthMethod(client, metadata), metadata.issuer, body, headers);
    if (dpop) headers.dpop = await dpop.proof({ method: 'POST', url: endpoint });
    const response = await authFetch(ctx, endpoint, 'token endpoint', { method: 'POST', headers, body: body.toString() });
    const text = (await readBounded(response)) ?? '';
    const json = parseObject(text);
    if (dpop?.rememberNonce(endpoint, response) && attempt === 0 && response.status === 400 && isNonceChallenge(response, json)) {
      // RFC 9449 §8: the server wants its nonce in the proof; one retry with a fresh proof carrying it.
      continue;
    }
    if (!response.ok) {
      const error = typeof json?.error === 'string' ? json.error : '';
      const description = typeof json?.error_description === 'string' ? json.error_description : '';
      throw AuthTokenError.from(
        `${grant} token request to ${endpoint} failed: HTTP ${response.status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`,
        { error, errorDescription: description, status: response.status },
      );
    }
    return toStoredTokens(json, `${grant} token response from ${endpoint}`, response.status, await dpop?.thumbprint());
  }
}

/**
 * Checks a token response (RFC 6749 §5.1) and converts it; `token_type` must be Bearer or DPoP.
 * @throws AuthTokenError `MCPKIT_AUTH_TOKEN_REQUEST_FAILED`
 */
export function toStoredTokens(json: Record<string, unknown> | undefined, what: string, status: number, dpopJkt?: string): StoredTokens {
  if (json === undefined) throw AuthTokenError.from(`${what} is not a JSON object`, { status });
  const body = json as Partial<TokenResponse>;
  if (typeof body.access_token !== 'string' || body.access_token === '') throw AuthTokenError.from(`${what} has no access_token`, { status });
  if (typeof body.token_type !== 'string') throw AuthTokenError.from(`${what} has no token_type`, { status });
  const type = body.token_type.toLowerCase();
  if (type !== 'bearer' && type !== 'dpop') throw AuthTokenError.from(`${what} has unsupported token_type ${JSON.stringify(body.token_type)}`, { status });
  const tokens: StoredTokens = { accessToken: body.access_token, tokenType: type === 'dpop' ? 'DPoP' : 'Bearer' };
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '') tokens.refreshToken = body.refresh_token;
  if (typeof body.expires_in === 'number' && body.expires_in > 0) tokens.expiresAt = Date.now() + body.expires_in * 1000;
  if (typeof body.scope === 'string') tokens.scope = body.scope;
  if (tokens.tokenType === 'DPoP' && dpopJkt !== undefined) tokens.dpopJkt = dpopJkt;
  return tokens;
}

/** Parses a body as a JSON object, or undefined. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
