/**
 * The authorization code grant's front channel: the authorization URL (PKCE S256, `state`, `resource`), handing
 * it to the host, and validating what comes back (`iss` per RFC 9207, then `state`, then `error` / `code`).
 * @module
 */
import { AuthIssuerMismatchError, AuthPkceUnsupportedError, AuthorizationError } from '@mcpkit/protocol';
import { createPkcePair, randomToken } from './pkce.js';
import type { AuthorizationServerMetadata } from './types.js';
import { requireWebUrl } from './url-guard.js';

/** What the host gets: the URL to open in a browser, and where the server will redirect back to. */
export interface AuthorizationRequest {
  /** An http(s) authorization URL; open it in the user's browser, never through a shell. */
  url: string;
  redirectUrl: string;
  state: string;
  signal?: AbortSignal | undefined;
}

/**
 * The host's part of the authorization code flow: show `request.url` to the user and resolve with the full URL the
 * authorization server redirected to (its query carries `code`, `state` and `iss`).
 */
export type AuthorizeCallback = (request: AuthorizationRequest) => Promise<{ callbackUrl: string }>;

/** Inputs of one authorization round. */
export interface AuthorizationRound {
  metadata: AuthorizationServerMetadata;
  clientId: string;
  redirectUrl: string;
  scope?: string | undefined;
  resource: string;
  authorize: AuthorizeCallback;
  signal?: AbortSignal | undefined;
}

/**
 * Runs the front channel: builds the URL, awaits the host's callback URL and validates it.
 * @returns the authorization code and the PKCE verifier to redeem it with.
 * @throws AuthPkceUnsupportedError `MCPKIT_AUTH_PKCE_UNSUPPORTED`; AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`;
 * AuthIssuerMismatchError `MCPKIT_AUTH_ISSUER_MISMATCH`; AuthorizationError `MCPKIT_AUTH_AUTHORIZATION_FAILED`.
 */
export async function runAuthorization(round: AuthorizationRound): Promise<{ code: string; verifier: string }> {
  const { metadata } = round;
  // Spec basic/authorization/security-considerations "Authorization Code Protection": no advertised S256, no flow.
  const methods = metadata.code_challenge_methods_supported;
  if (!methods?.includes('S256')) {
    throw new AuthPkceUnsupportedError(
      methods === undefined
        ? `authorization server ${metadata.issuer} does not advertise PKCE (no code_challenge_methods_supported); refusing to authorize`
        : `authorization server ${metadata.issuer} does not support PKCE S256 (it lists ${methods.join(', ') || 'nothing'}); refusing to authorize`,
    );
  }
  if (metadata.authorization_endpoint === undefined) {
    throw new AuthorizationError(`authorization server ${metadata.issuer} has no authorization_endpoint`);
  }
  const url = requireWebUrl(metadata.authorization_endpoint, 'authorization endpoint');
  const pkce = await createPkcePair();
  const state = randomToken();
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', round.clientId);
  url.searchParams.set('redirect_uri', round.redirectUrl);
  url.searchParams.set('code_challenge', pkce.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (round.scope !== undefined) url.searchParams.set('scope', round.scope);
  url.searchParams.set('resource', round.resource);

  let callbackUrl: string;
  try {
    ({ callbackUrl } = await round.authorize({ url: url.href, redirectUrl: round.redirectUrl, state, signal: round.signal }));
  } catch (cause) {
    throw new AuthorizationError(`the authorize callback failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const code = validateAuthorizationResponse(callbackUrl, { issuer: metadata.issuer, issSupported: metadata.authorization_response_iss_parameter_supported === true, state });
  return { code, verifier: pkce.verifier };
}

/**
 * Validates an authorization response. `iss` comes first: on a mismatch nothing else in the response, not even
 * its `error`, may be acted on (spec 2026-07-28 basic/authorization "Authorization Response Validation").
 * @throws AuthIssuerMismatchError `MCPKIT_AUTH_ISSUER_MISMATCH`; AuthorizationError `MCPKIT_AUTH_AUTHORIZATION_FAILED`.
 */
export function validateAuthorizationResponse(callbackUrl: string, expected: { issuer: string; issSupported: boolean; state: string }): string {
  let params: URLSearchParams;
  try {
    params = new URL(callbackUrl).searchParams;
  } catch (cause) {
    throw new AuthorizationError(`the authorize callback returned an invalid URL`, { cause });
  }
  // URLSearchParams has already form-decoded the value (RFC 9207 §2.4); it is compared as is, with no
  // case folding, port or trailing-slash normalization.
  const iss = params.get('iss');
  if (iss === null && expected.issSupported) {
    throw new AuthIssuerMismatchError(
      `authorization response has no iss although ${expected.issuer} advertises authorization_response_iss_parameter_supported (RFC 9207 §2.4)`,
    );
  }
  if (iss !== null && iss !== expected.issuer) {
    throw new AuthIssuerMismatchError(`authorization response iss ${JSON.stringify(iss)} is not the expected issuer ${JSON.stringify(expected.issuer)} (RFC 9207 §2.4)`);
  }
  if (params.get('state') !== expected.state) throw new AuthorizationError('authorization response state does not match the request');
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    throw new AuthorizationError(`authorization was refused: ${error}${description ? `: ${description}` : ''}`);
  }
  const code = params.get('code');
  if (code === null || code === '') throw new AuthorizationError('authorization response carries no code');
  return code;
}
