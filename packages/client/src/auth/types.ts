/**
 * OAuth wire documents (RFC 9728, RFC 8414, RFC 7591, RFC 6749 §5.1) and the records the client keeps.
 * @module
 */

/** Protected resource metadata (RFC 9728 §2), the fields MCP uses. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
  /** RFC 9449 §7.1 via RFC 9728 §2: the resource wants DPoP-bound tokens. */
  dpop_bound_access_tokens_required?: boolean;
  dpop_signing_alg_values_supported?: string[];
  [key: string]: unknown;
}

/** Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery §3), the fields MCP uses. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint: string;
  registration_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  /** RFC 9207 §3. */
  authorization_response_iss_parameter_supported?: boolean;
  /** draft-ietf-oauth-client-id-metadata-document. */
  client_id_metadata_document_supported?: boolean;
  /** RFC 9449 §5.1. */
  dpop_signing_alg_values_supported?: string[];
  [key: string]: unknown;
}

/** How the client authenticates at the token endpoint (RFC 7591 §2, RFC 7523 §2.2). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** A private key for `private_key_jwt`: a PKCS #8 PEM string, a JWK, or a WebCrypto key. */
export type ClientPrivateKey = string | JsonWebKey | CryptoKey;

/** A client identity at one authorization server: pre-registered, registered dynamically, or a metadata document URL. */
export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  /** For `private_key_jwt` (RFC 7523 §2.2). */
  privateKey?: ClientPrivateKey;
  /** JWS algorithm for the client assertion; default from the key, else `ES256`. */
  signingAlgorithm?: string;
  /** Pin the method; by default it is chosen from the server metadata. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** When the secret expires (RFC 7591 §3.2.1 `client_secret_expires_at`, epoch seconds; 0 = never). */
  clientSecretExpiresAt?: number;
}

/** Tokens as kept by a {@link TokenStore}. */
export interface StoredTokens {
  accessToken: string;
  /** `Bearer` or `DPoP` (RFC 9449 §5). */
  tokenType: 'Bearer' | 'DPoP';
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  /** The scope the server granted, or else the scope the client asked for. */
  scope?: string;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  dpopJkt?: string;
}

/** The token endpoint's success response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  [key: string]: unknown;
}
