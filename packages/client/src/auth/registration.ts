/**
 * Getting a client identity at an authorization server, in the spec's priority order: pre-registered
 * credentials, a Client ID Metadata Document URL, then Dynamic Client Registration (RFC 7591).
 * @module
 */
import { AuthRegistrationError } from '@mcpkit/protocol';
import { type AuthHttpContext, authFetch, readBounded } from './http.js';
import { parseObject } from './token-endpoint.js';
import type { TokenStore } from './token-store.js';
import type { AuthorizationServerMetadata, ClientCredentials, TokenEndpointAuthMethod } from './types.js';
import { isLoopbackHost } from './url-guard.js';

/** Client metadata sent in a registration request (RFC 7591 §2); `redirect_uris` and `grant_types` are filled in. */
export interface ClientMetadata {
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  /** OpenID Connect Registration §2; required by MCP for DCR. Default from the redirect URL: `native` for loopback or a custom scheme. */
  application_type?: 'native' | 'web';
  [key: string]: unknown;
}

/** What {@link obtainClient} needs to decide. */
export interface RegistrationInput {
  issuer: string;
  metadata: AuthorizationServerMetadata;
  store: TokenStore;
  /** Pre-registered credentials, and the issuer they belong to (unset: whichever server is used first). */
  preRegistered?: { client: ClientCredentials; issuer?: string | undefined } | undefined;
  /** An https URL serving this client's metadata document, used as `client_id` where supported. */
  clientMetadataUrl?: string | undefined;
  clientMetadata: ClientMetadata;
  redirectUrl?: string | undefined;
  grantTypes: string[];
}

/**
 * The client identity to use with `issuer`.
 * @throws AuthRegistrationError `MCPKIT_AUTH_REGISTRATION_FAILED`; AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`.
 */
export async function obtainClient(ctx: AuthHttpContext, input: RegistrationInput): Promise<ClientCredentials> {
  const { issuer, metadata, store, preRegistered } = input;
  // Spec 2026-07-28 client-registration "Authorization Server Binding": pre-registered credentials belong to one
  // server and are never offered to another.
  if (preRegistered && (preRegistered.issuer === undefined || preRegistered.issuer === issuer)) {
    preRegistered.issuer = issuer;
    return preRegistered.client;
  }
  if (input.clientMetadataUrl !== undefined && metadata.client_id_metadata_document_supported === true) {
    return { clientId: input.clientMetadataUrl, tokenEndpointAuthMethod: 'none' };
  }
  const stored = await store.getClient(issuer);
  if (stored && !secretExpired(stored)) return stored;
  if (metadata.registration_endpoint === undefined) {
    const why = preRegistered ? ` (the pre-registered client belongs to ${preRegistered.issuer})` : '';
    throw new AuthRegistrationError(
      `no client identity for ${issuer}: no pre-registered credentials${why}, no Client ID Metadata Document support, no registration_endpoint`,
    );
  }
  const client = await register(ctx, metadata.registration_endpoint, registrationBody(input));
  await store.saveClient(issuer, client);
  return client;
}

function registrationBody(input: RegistrationInput): Record<string, unknown> {
  const supported = input.metadata.token_endpoint_auth_methods_supported;
  const body: Record<string, unknown> = {
    client_name: 'mcpkit client',
    ...input.clientMetadata,
    grant_types: input.grantTypes,
    application_type: input.clientMetadata.application_type ?? applicationType(input.redirectUrl),
  };
  if (input.redirectUrl !== undefined) {
    body.redirect_uris = [input.redirectUrl];
    body.response_types = ['code'];
  }
  // A native client keeps no secret, so it asks to be public where the server allows it.
  if (supported?.includes('none')) body.token_endpoint_auth_method = 'none';
  return body;
}

// Spec 2026-07-28 client-registration "Application Type": loopback and custom-scheme redirects are native apps.
function applicationType(redirectUrl: string | undefined): 'native' | 'web' {
  if (redirectUrl === undefined) return 'native';
  const url = new URL(redirectUrl);
  return url.protocol !== 'https:' || isLoopbackHost(url.hostname) ? 'native' : 'web';
}

async function register(ctx: AuthHttpContext, endpoint: string, body: Record<string, unknown>): Promise<ClientCredentials> {
  const response = await authFetch(ctx, endpoint, 'registration endpoint', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const json = parseObject((await readBounded(response)) ?? '');
  if (!response.ok) {
    const detail = typeof json?.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : '';
    throw new AuthRegistrationError(`dynamic client registration at ${endpoint} failed: HTTP ${response.status}${detail ? ` ${detail}` : ''}`);
  }
  if (typeof json?.client_id !== 'string' || json.client_id === '') {
    throw new AuthRegistrationError(`dynamic client registration at ${endpoint} returned no client_id`);
  }
  const client: ClientCredentials = { clientId: json.client_id };
  if (typeof json.client_secret === 'string') client.clientSecret = json.client_secret;
  if (typeof json.client_secret_expires_at === 'number') client.clientSecretExpiresAt = json.client_secret_expires_at;
  const method = json.token_endpoint_auth_method;
  if (method === 'none' || method === 'client_secret_basic' || method === 'client_secret_post') {
    client.tokenEndpointAuthMethod = method as TokenEndpointAuthMethod;
  }
  return client;
}

function secretExpired(client: ClientCredentials): boolean {
  const at = client.clientSecretExpiresAt;
  return at !== undefined && at !== 0 && at * 1000 <= Date.now();
}
