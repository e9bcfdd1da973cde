// Discovery over real HTTP on 127.0.0.1: protected resource metadata order (RFC 9728), authorization server
// metadata order (RFC 8414 / OIDC), validation failures as typed errors, the SSRF guard, and time limits.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthDiscoveryError, AuthIssuerMismatchError, AuthResourceMismatchError, AuthUnsafeUrlError, HttpError } from '@mcpkit/protocol';
import { authorizationServerMetadataUrls, discoverAuthorizationServer, discoverProtectedResource, protectedResourceMetadataUrls } from './discovery.js';
import type { AuthHttpContext } from './http.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.close(() => r()), s.closeAllConnections()))));
});

/** A node:http server answering GET paths from a table (JSON bodies), recording every path asked for. */
async function metadataServer(routes: (origin: string) => Record<string, unknown>): Promise<{ origin: string; asked: string[] }> {
  const asked: string[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const body = routes(origin)[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end('not found');
    if (body === 'hang') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, asked };
}

function ctx(trustedOrigin: string, extra: Partial<AuthHttpContext> = {}): AuthHttpContext {
  return { fetch: (i, init) => fetch(i, init), policy: { allowPrivateNetwork: true }, trustedOrigin, timeoutMs: 5000, ...extra };
}

const asDoc = (issuer: string, extra: Record<string, unknown> = {}) => ({ issuer, token_endpoint: `${issuer}/token`, authorization_endpoint: `${issuer}/authorize`, ...extra });

describe('well-known URL construction', () => {
  it('puts the path-aware PRM URL first, then the root', () => {
    expect(protectedResourceMetadataUrls('https://x.example/public/mcp?q=1')).toEqual([
      'https://x.example/.well-known/oauth-protected-resource/public/mcp',
      'https://x.example/.well-known/oauth-protected-resource',
    ]);
    expect(protectedResourceMetadataUrls('https://x.example/')).toEqual(['https://x.example/.well-known/oauth-protected-resource']);
  });

  it('orders AS metadata URLs as the spec lists them', () => {
    expect(authorizationServerMetadataUrls('https://as.example/tenant1/')).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant1',
      'https://as.example/.well-known/openid-configuration/tenant1',
      'https://as.example/tenant1/.well-known/openid-configuration',
    ]);
    expect(authorizationServerMetadataUrls('https://as.example')).toEqual([
      'https://as.example/.well-known/oauth-authorization-server',
      'https://as.example/.well-known/openid-configuration',
    ]);
  });
});

describe('discoverProtectedResource', () => {
  it('tries the path-aware URL, then the root', async () => {
    const srv = await metadataServer((o) => ({ '/.well-known/oauth-protected-resource': { resource: o, authorization_servers: ['https://as.example'] } }));
    const prm = await discoverProtectedResource(ctx(srv.origin), `${srv.origin}/mcp`);
    expect(prm.resource).toBe(srv.origin);
    expect(srv.asked).toEqual(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']);
  });

  it('uses the WWW-Authenticate resource_metadata URL alone when given', async () => {
    const srv = await metadataServer((o) => ({ '/custom/prm.json': { resource: `${o}/mcp`, authorization_servers: ['https://as.example'] } }));
    await discoverProtectedResource(ctx(srv.origin), `${srv.origin}/mcp`, `${srv.origin}/custom/prm.json`);
    expect(srv.asked).toEqual(['/custom/prm.json']);
  });

  it('rejects metadata for another resource (resource-mismatch)', async () => {
    const srv = await metadataServer(() => ({ '/.well-known/oauth-protected-resource/mcp': { resource: 'https://evil.example.com/mcp', authorization_servers: ['https://as.example'] } }));
    await expect(discoverProtectedResource(ctx(srv.origin), `${srv.origin}/mcp`)).rejects.toThrow(AuthResourceMismatchError);
  });

  it('turns missing, malformed and incomplete documents into AuthDiscoveryError', async () => {
    const srv = await metadataServer((o) => ({
      '/a': 'not json',
      '/b': [1, 2],
      '/c': { resource: `${o}/mcp` },
      '/d': { resource: `${o}/mcp`, authorization_servers: ['x'], scopes_supported: 'read' },
    }));
    for (const path of ['/a', '/b', '/c', '/d']) {
      await expect(discoverProtectedResource(ctx(srv.origin), `${srv.origin}/mcp`, `${srv.origin}${path}`), path).rejects.toThrow(AuthDiscoveryError);
    }
    await expect(discoverProtectedResource(ctx(srv.origin), `${srv.origin}/mcp`)).rejects.toThrow(/no protected resource metadata.*HTTP 404/);
  });

  it('refuses private metadata URLs before sending anything, unless allowed', async () => {
    const srv = await metadataServer(() => ({}));
    const strict = ctx('https://mcp.example.com', { policy: {} });
    for (const url of ['http://10.0.0.1/prm', 'https://192.168.1.10/prm', 'http://169.254.169.254/latest/meta-data', `${srv.origin}/prm`]) {
      await expect(discoverProtectedResource(strict, 'https://mcp.example.com/mcp', url), url).rejects.toThrow(AuthUnsafeUrlError);
    }
    expect(srv.asked).toEqual([]);
    // Allowed by name: the request goes out (and finds nothing).
    const allowed = ctx('https://mcp.example.com', { policy: { allowedHosts: ['127.0.0.1'] } });
    await expect(discoverProtectedResource(allowed, 'https://mcp.example.com/mcp', `${srv.origin}/prm`)).rejects.toThrow(AuthDiscoveryError);
    expect(srv.asked).toEqual(['/prm']);
  });

  it('does not follow a redirect into the private network', async () => {
    const server = createServer((_req, res) => res.writeHead(302, { location: 'https://10.0.0.1/prm' }).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(discoverProtectedResource(ctx(origin, { policy: {} }), `${origin}/mcp`)).rejects.toThrow(/10\.0\.0\.1.*private/);
  });

  it('gives up on a server that never answers', async () => {
    const srv = await metadataServer(() => ({ '/.well-known/oauth-protected-resource/mcp': 'hang' }));
    const started = Date.now();
    await expect(discoverProtectedResource(ctx(srv.origin, { timeoutMs: 200 }), `${srv.origin}/mcp`)).rejects.toThrow(HttpError);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('discoverAuthorizationServer', () => {
  it('finds RFC 8414 metadata by path insertion, never at the root, for an issuer with a path', async () => {
    const srv = await metadataServer((o) => ({ '/.well-known/oauth-authorization-server/tenant1': asDoc(`${o}/tenant1`) }));
    const md = await discoverAuthorizationServer(ctx(srv.origin), `${srv.origin}/tenant1`);
    expect(md.token_endpoint).toBe(`${srv.origin}/tenant1/token`);
    expect(srv.asked).toEqual(['/.well-known/oauth-authorization-server/tenant1']);
  });

  it('falls back to OIDC insertion, then OIDC appending', async () => {
    const srv = await metadataServer((o) => ({ '/tenant1/.well-known/openid-configuration': asDoc(`${o}/tenant1`) }));
    await discoverAuthorizationServer(ctx(srv.origin), `${srv.origin}/tenant1`);
    expect(srv.asked).toEqual([
      '/.well-known/oauth-authorization-server/tenant1',
      '/.well-known/openid-configuration/tenant1',
      '/tenant1/.well-known/openid-configuration',
    ]);
  });

  it('falls back to OIDC discovery for an issuer without a path', async () => {
    const srv = await metadataServer((o) => ({ '/.well-known/openid-configuration': asDoc(o) }));
    await discoverAuthorizationServer(ctx(srv.origin), srv.origin);
    expect(srv.asked).toEqual(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);
  });

  it('refuses metadata whose issuer differs, even by a trailing slash (RFC 8414 §3.3)', async () => {
    const srv = await metadataServer((o) => ({ '/.well-known/oauth-authorization-server': asDoc(`${o}/`) }));
    await expect(discoverAuthorizationServer(ctx(srv.origin), srv.origin)).rejects.toThrow(AuthIssuerMismatchError);
    const evil = await metadataServer(() => ({ '/.well-known/oauth-authorization-server': asDoc('https://attacker.example.com') }));
    await expect(discoverAuthorizationServer(ctx(evil.origin), evil.origin)).rejects.toThrow(/attacker\.example\.com.*not used/);
  });

  it('reports missing or mistyped fields and absent metadata as AuthDiscoveryError', async () => {
    const srv = await metadataServer((o) => ({
      '/.well-known/oauth-authorization-server/a': { issuer: `${o}/a` },
      '/.well-known/oauth-authorization-server/b': asDoc(`${o}/b`, { code_challenge_methods_supported: 'S256' }),
    }));
    await expect(discoverAuthorizationServer(ctx(srv.origin), `${srv.origin}/a`)).rejects.toThrow(/no "token_endpoint"/);
    await expect(discoverAuthorizationServer(ctx(srv.origin), `${srv.origin}/b`)).rejects.toThrow(/code_challenge_methods_supported/);
    await expect(discoverAuthorizationServer(ctx(srv.origin), `${srv.origin}/c`)).rejects.toThrow(AuthDiscoveryError);
  });
});
