/**
 * The grants that obtain tokens: authorization code with PKCE (interactive), client credentials and the JWT
 * bearer grant (workload identity, enterprise-managed authorization), plus refresh (RFC 6749 §6).
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { type AuthorizeCallback, runAuthorization } from './authorization-code.js';
import type { DpopSigner } from './dpop.js';
import type { AssertionProvider } from './enterprise.js';
import type { AuthHttpContext } from './http.js';
import { type ClientMetadata, obtainClient } from './registration.js';
import { requestToken } from './token-endpoint.js';
import type { TokenStore } from './token-store.js';
import type { AuthorizationServerMetadata, ClientCredentials, StoredTokens } from './types.js';

/** RFC 7523 §2.1. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** How the provider gets tokens. */
export type OAuthGrant =
  /** A user approves access in a browser; `authorize` shows the URL and returns the redirect it ended at. */
  | { type: 'authorization_code'; authorize: AuthorizeCallback; redirectUrl: string }
  /** The client acts for itself with its own credentials (extension `io.modelcontextprotocol/oauth-client-credentials`). */
  | { type: 'client_credentials' }
  /** The client presents a JWT from elsewhere: a workload identity token, or an ID-JAG (see `idJagAssertion`). */
  | { type: 'jwt_bearer'; assertion: AssertionProvider };

/** Everything one grant run needs. */
export interface GrantInput {
  grant: OAuthGrant;
  issuer: string;
  metadata: AuthorizationServerMetadata;
  resource: string;
  scope?: string | undefined;
  store: TokenStore;
  preRegistered?: { client: ClientCredentials; issuer?: string | undefined } | undefined;
  clientMetadataUrl?: string | undefined;
  clientMetadata: ClientMetadata;
  dpop?: DpopSigner | undefined;
}

/**
 * Runs the configured grant against one authorization server.
 * @throws AuthTokenError `MCPKIT_AUTH_TOKEN_REQUEST_FAILED`; AuthRegistrationError `MCPKIT_AUTH_REGISTRATION_FAILED`;
 * AuthorizationError `MCPKIT_AUTH_AUTHORIZATION_FAILED`; AuthIssuerMismatchError `MCPKIT_AUTH_ISSUER_MISMATCH`;
 * AuthPkceUnsupportedError `MCPKIT_AUTH_PKCE_UNSUPPORTED`; AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`.
 */
export async function runGrant(ctx: AuthHttpContext, input: GrantInput): Promise<StoredTokens> {
  const { grant, metadata, resource, scope, dpop } = input;
  const client = await clientFor(ctx, input);
  let params: Record<string, string | undefined>;
  switch (grant.type) {
    case 'authorization_code': {
      const { code, verifier } = await runAuthorization({
        metadata,
        clientId: client.clientId,
        redirectUrl: grant.redirectUrl,
        scope,
        resource,
        authorize: grant.authorize,
        signal: ctx.signal,
      });
      params = { grant_type: 'authorization_code', code, redirect_uri: grant.redirectUrl, code_verifier: verifier, resource };
      break;
    }
    case 'client_credentials':
      params = { grant_type: 'client_credentials', scope, resource };
      break;
    case 'jwt_bearer': {
      const assertion = await grant.assertion({ issuer: input.issuer, tokenEndpoint: metadata.token_endpoint, resource, scope, signal: ctx.signal });
      params = { grant_type: JWT_BEARER_GRANT, assertion, scope, resource };
      break;
    }
    default:
      throw new InvalidArgumentError(`unknown grant type ${JSON.stringify((grant as { type: unknown }).type)}`);
  }
  const tokens = await requestToken(ctx, { metadata, client, params, dpop });
  // RFC 6749 §5.1: a response without `scope` means the requested scope was granted.
  if (tokens.scope === undefined && scope !== undefined) tokens.scope = scope;
  return tokens;
}

/**
 * The client identity this grant uses at the server: pre-registered, a metadata document URL (interactive clients
 * only, since the document describes redirect URIs), stored, or newly registered.
 * @throws AuthRegistrationError `MCPKIT_AUTH_REGISTRATION_FAILED`
 */
export function clientFor(ctx: AuthHttpContext, input: Omit<GrantInput, 'scope' | 'resource' | 'dpop'>): Promise<ClientCredentials> {
  const { grant } = input;
  const interactive = grant.type === 'authorization_code';
  return obtainClient(ctx, {
    issuer: input.issuer,
    metadata: input.metadata,
    store: input.store,
    preRegistered: input.preRegistered,
    clientMetadataUrl: interactive ? input.clientMetadataUrl : undefined,
    clientMetadata: input.clientMetadata,
    redirectUrl: interactive ? grant.redirectUrl : undefined,
    grantTypes: interactive ? ['authorization_code', 'refresh_token'] : [grant.type === 'jwt_bearer' ? JWT_BEARER_GRANT : 'client_credentials'],
  });
}

/**
 * Redeems a refresh token (RFC 6749 §6). The scope is left out, so the grant keeps its scope; a response without a
 * new refresh token keeps the old one.
 * @throws AuthTokenError `MCPKIT_AUTH_TOKEN_REQUEST_FAILED`
 */
export async function refreshTokens(
  ctx: AuthHttpContext,
  input: { metadata: AuthorizationServerMetadata; client: ClientCredentials; tokens: StoredTokens; resource: string; dpop?: DpopSigner | undefined },
): Promise<StoredTokens> {
  const { tokens } = input;
  const params = { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, resource: input.resource };
  const fresh = await requestToken(ctx, { metadata: input.metadata, client: input.client, params, dpop: input.dpop });
  if (fresh.refreshToken === undefined && tokens.refreshToken !== undefined) fresh.refreshToken = tokens.refreshToken;
  if (fresh.scope === undefined && tokens.scope !== undefined) fresh.scope = tokens.scope;
  return fresh;
}
