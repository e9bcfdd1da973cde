/**
 * Client authentication at the token endpoint: choosing the method from the server metadata and applying
 * `client_secret_basic`, `client_secret_post`, `private_key_jwt` (RFC 7523 §2.2) or `none`.
 * @module
 */
import { type CryptoKey as JoseKey, type JWK, SignJWT, importJWK, importPKCS8 } from 'jose';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { formEncode } from './http.js';
import { randomToken } from './pkce.js';
import type { AuthorizationServerMetadata, ClientCredentials, TokenEndpointAuthMethod } from './types.js';

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The method to use: the client's pinned one, else the best the server lists. With no list, RFC 8414 §2 says the
 * server supports `client_secret_basic`.
 * @example
 * selectAuthMethod({ clientId: 'a', clientSecret: 's' }, { token_endpoint_auth_methods_supported: ['client_secret_post'] }) // 'client_secret_post'
 */
export function selectAuthMethod(client: ClientCredentials, metadata: Pick<AuthorizationServerMetadata, 'token_endpoint_auth_methods_supported'>): TokenEndpointAuthMethod {
  if (client.tokenEndpointAuthMethod) return client.tokenEndpointAuthMethod;
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (client.privateKey !== undefined) return 'private_key_jwt';
  if (client.clientSecret === undefined) return 'none';
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  // A secret the server never asked for (e.g. handed out by registration) is not sent to a server that only takes public clients.
  return supported.includes('none') ? 'none' : 'client_secret_basic';
}

/**
 * Adds client authentication to a token request's form body and headers.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` when the method needs a secret or key the client lacks.
 */
export async function applyClientAuth(
  client: ClientCredentials,
  method: TokenEndpointAuthMethod,
  issuer: string,
  body: URLSearchParams,
  headers: Record<string, string>,
): Promise<void> {
  switch (method) {
    case 'client_secret_basic': {
      const secret = requireSecret(client, method);
      // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
      headers.authorization = `Basic ${btoa(`${formEncode(client.clientId)}:${formEncode(secret)}`)}`;
      return;
    }
    case 'client_secret_post':
      body.set('client_id', client.clientId);
      body.set('client_secret', requireSecret(client, method));
      return;
    case 'private_key_jwt':
      body.set('client_id', client.clientId);
      body.set('client_assertion_type', JWT_BEARER_ASSERTION);
      body.set('client_assertion', await clientAssertion(client, issuer));
      return;
    case 'none':
      body.set('client_id', client.clientId);
      return;
  }
}

/**
 * A signed client assertion (RFC 7523 §3): `iss` and `sub` are the client id, `aud` the authorization server's
 * issuer identifier (draft-ietf-oauth-rfc7523bis §4, which replaced the token endpoint URL as the audience).
 */
async function clientAssertion(client: ClientCredentials, issuer: string): Promise<string> {
  if (client.privateKey === undefined) throw new InvalidArgumentError('private_key_jwt needs client.privateKey');
  const alg = client.signingAlgorithm ?? algorithmOf(client.privateKey) ?? 'ES256';
  const key = await importKey(client.privateKey, alg);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuer(client.clientId)
    .setSubject(client.clientId)
    .setAudience(issuer)
    .setJti(randomToken(16))
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

async function importKey(key: ClientCredentials['privateKey'], alg: string): Promise<JoseKey | Uint8Array> {
  if (typeof key === 'string') return importPKCS8(key, alg);
  if (isCryptoKey(key)) return key;
  return importJWK(key as JWK, alg) as Promise<JoseKey | Uint8Array>;
}

function algorithmOf(key: ClientCredentials['privateKey']): string | undefined {
  if (typeof key === 'object' && !isCryptoKey(key)) return (key as JWK).alg;
  return undefined;
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof CryptoKey !== 'undefined' && key instanceof CryptoKey;
}

function requireSecret(client: ClientCredentials, method: string): string {
  if (client.clientSecret === undefined) throw new InvalidArgumentError(`${method} needs a client secret, and client ${client.clientId} has none`);
  return client.clientSecret;
}
