/**
 * @mcpkit/client/auth: OAuth 2.1 for MCP over HTTP (spec basic/authorization): discovery, PKCE, resource
 * indicators, client registration, scope step-up, refresh, client credentials, JWT bearer and DPoP.
 * @module
 */
export { OAuthProvider } from './provider.js';
export type { OAuthProviderOptions, AuthRequestInfo } from './provider.js';
export type { OAuthGrant } from './grants.js';
export { JWT_BEARER_GRANT } from './grants.js';
export type { AuthorizeCallback, AuthorizationRequest } from './authorization-code.js';
export { validateAuthorizationResponse } from './authorization-code.js';
export { InMemoryTokenStore } from './token-store.js';
export type { TokenStore } from './token-store.js';
export {
  canonicalResourceUrl,
  protectedResourceMetadataUrls,
  authorizationServerMetadataUrls,
  discoverProtectedResource,
  discoverAuthorizationServer,
  resourceCovers,
} from './discovery.js';
export type { AuthHttpContext } from './http.js';
export { parseWwwAuthenticate } from './www-authenticate.js';
export type { AuthChallenge } from './www-authenticate.js';
export { idJagAssertion } from './enterprise.js';
export type { AssertionProvider, AssertionContext, IdJagOptions } from './enterprise.js';
export { DpopSigner } from './dpop.js';
export type { DpopRequest } from './dpop.js';
export { createPkcePair } from './pkce.js';
export type { PkcePair } from './pkce.js';
export { isPrivateHost, isLoopbackHost } from './url-guard.js';
export type { NetworkPolicy } from './url-guard.js';
export type { ClientMetadata } from './registration.js';
export type {
  ProtectedResourceMetadata,
  AuthorizationServerMetadata,
  ClientCredentials,
  ClientPrivateKey,
  StoredTokens,
  TokenEndpointAuthMethod,
  TokenResponse,
} from './types.js';
export {
  AuthDiscoveryError,
  AuthIssuerMismatchError,
  AuthResourceMismatchError,
  AuthPkceUnsupportedError,
  AuthUnsafeUrlError,
  AuthTokenError,
  AuthRegistrationError,
  AuthorizationError,
  AuthRetryLimitError,
} from '@mcpkit/protocol';
