/**
 * Discovery: protected resource metadata (RFC 9728) from `WWW-Authenticate` or the well-known URIs, and
 * authorization server metadata (RFC 8414, OpenID Connect Discovery) in the order the MCP spec gives.
 * @module
 */
import { AuthDiscoveryError, AuthIssuerMismatchError, AuthResourceMismatchError } from '@mcpkit/protocol';
import { type AuthHttpContext, authFetch, readJsonObject } from './http.js';
import type { AuthorizationServerMetadata, ProtectedResourceMetadata } from './types.js';
import { requireWebUrl } from './url-guard.js';

/**
 * The canonical URI of an MCP server (spec basic/authorization "Canonical Server URI", RFC 8707 §2): lower-case
 * scheme and host, no fragment or query, and no trailing slash on an empty path.
 * @throws AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL` for a URL that is not http(s).
 * @example
 * canonicalResourceUrl('HTTPS://MCP.Example.com/') // 'https://mcp.example.com'
 */
export function canonicalResourceUrl(serverUrl: string | URL): string {
  const url = requireWebUrl(String(serverUrl), 'MCP server URL');
  return url.origin + (url.pathname === '/' ? '' : url.pathname);
}

/**
 * The well-known protected resource metadata URLs for a server, path-aware first, then the root (RFC 9728 §3.1,
 * spec 2026-07-28 basic/authorization/authorization-server-discovery).
 * @example
 * protectedResourceMetadataUrls('https://x.com/mcp') // ['https://x.com/.well-known/oauth-protected-resource/mcp', 'https://x.com/.well-known/oauth-protected-resource']
 */
export function protectedResourceMetadataUrls(serverUrl: string | URL): string[] {
  const url = new URL(String(serverUrl));
  const root = `${url.origin}/.well-known/oauth-protected-resource`;
  const path = url.pathname.replace(/\/$/, '');
  return path === '' ? [root] : [root + path, root];
}

/**
 * The authorization server metadata URLs to try for an issuer, in the spec's priority order: for an issuer with a
 * path, RFC 8414 path insertion, OpenID Connect path insertion, then OpenID Connect path appending; for one
 * without, RFC 8414 then OpenID Connect.
 * @example
 * authorizationServerMetadataUrls('https://as.com/tenant1')[0] // 'https://as.com/.well-known/oauth-authorization-server/tenant1'
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  // RFC 8414 §3.1: a terminating "/" is removed before the well-known segment is inserted.
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') {
    return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/**
 * Fetches protected resource metadata: from `resourceMetadataUrl` (the `WWW-Authenticate` parameter) when given,
 * else from the well-known URIs in order. The document's `resource` must identify `serverUrl`: same origin, and a
 * path that is the server's path or a parent of it.
 * @throws AuthDiscoveryError `MCPKIT_AUTH_DISCOVERY_FAILED`; AuthResourceMismatchError `MCPKIT_AUTH_RESOURCE_MISMATCH`;
 * AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`.
 */
export async function discoverProtectedResource(
  ctx: AuthHttpContext,
  serverUrl: string | URL,
  resourceMetadataUrl?: string,
): Promise<ProtectedResourceMetadata> {
  const candidates = resourceMetadataUrl !== undefined ? [resourceMetadataUrl] : protectedResourceMetadataUrls(serverUrl);
  const failures: string[] = [];
  for (const url of candidates) {
    const response = await authFetch(ctx, url, 'protected resource metadata', { headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      failures.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    const doc = await readJsonObject(response, `protected resource metadata at ${url}`);
    return validateProtectedResource(doc, serverUrl, url);
  }
  throw new AuthDiscoveryError(`no protected resource metadata for ${String(serverUrl)} (${failures.join('; ')})`);
}

function validateProtectedResource(doc: Record<string, unknown>, serverUrl: string | URL, source: string): ProtectedResourceMetadata {
  if (typeof doc.resource !== 'string') throw new AuthDiscoveryError(`protected resource metadata at ${source} has no "resource"`);
  const servers = doc.authorization_servers;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string')) {
    throw new AuthDiscoveryError(`protected resource metadata at ${source} lists no "authorization_servers"`);
  }
  if (doc.scopes_supported !== undefined && !isStringArray(doc.scopes_supported)) {
    throw new AuthDiscoveryError(`protected resource metadata at ${source} has a "scopes_supported" that is not a list of strings`);
  }
  if (!resourceCovers(doc.resource, serverUrl)) {
    throw new AuthResourceMismatchError(
      `protected resource metadata at ${source} is for ${JSON.stringify(doc.resource)}, not for the MCP server ${canonicalResourceUrl(serverUrl)}`,
    );
  }
  return doc as ProtectedResourceMetadata;
}

/** Whether a metadata `resource` identifies the server: same origin, and its path equal to or a parent of the server's. */
export function resourceCovers(resource: string, serverUrl: string | URL): boolean {
  let declared: URL;
  try {
    declared = new URL(resource);
  } catch {
    return false;
  }
  const server = new URL(String(serverUrl));
  if (declared.origin !== server.origin || declared.hash !== '') return false;
  const parent = declared.pathname.replace(/\/$/, '');
  const path = server.pathname.replace(/\/$/, '');
  return path === parent || path.startsWith(parent + '/');
}

/**
 * Fetches and validates authorization server metadata for `issuer`, trying the well-known URLs in order. The
 * document's `issuer` must equal `issuer` exactly, or it is not used (RFC 8414 §3.3, OpenID Connect Discovery §4.3).
 * @throws AuthDiscoveryError `MCPKIT_AUTH_DISCOVERY_FAILED`; AuthIssuerMismatchError `MCPKIT_AUTH_ISSUER_MISMATCH`;
 * AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`.
 */
export async function discoverAuthorizationServer(ctx: AuthHttpContext, issuer: string): Promise<AuthorizationServerMetadata> {
  const failures: string[] = [];
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const response = await authFetch(ctx, url, 'authorization server metadata', { headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      failures.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    const doc = await readJsonObject(response, `authorization server metadata at ${url}`);
    if (doc.issuer !== issuer) {
      throw new AuthIssuerMismatchError(
        `authorization server metadata at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${JSON.stringify(issuer)}; it is not used (RFC 8414 §3.3)`,
      );
    }
    return validateAuthorizationServer(doc, url);
  }
  throw new AuthDiscoveryError(`no authorization server metadata for ${issuer} (${failures.join('; ')})`);
}

function validateAuthorizationServer(doc: Record<string, unknown>, source: string): AuthorizationServerMetadata {
  if (typeof doc.token_endpoint !== 'string') throw new AuthDiscoveryError(`authorization server metadata at ${source} has no "token_endpoint"`);
  for (const field of ['authorization_endpoint', 'registration_endpoint']) {
    if (doc[field] !== undefined && typeof doc[field] !== 'string') {
      throw new AuthDiscoveryError(`authorization server metadata at ${source} has a "${field}" that is not a string`);
    }
  }
  for (const field of [
    'scopes_supported',
    'grant_types_supported',
    'code_challenge_methods_supported',
    'token_endpoint_auth_methods_supported',
    'dpop_signing_alg_values_supported',
  ]) {
    if (doc[field] !== undefined && !isStringArray(doc[field])) {
      throw new AuthDiscoveryError(`authorization server metadata at ${source} has a "${field}" that is not a list of strings`);
    }
  }
  return doc as AuthorizationServerMetadata;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
