// Scopes, step-up, retry limits, refresh and authorization server migration, through the transports' real auth
// hook against node:http authorization and resource servers on 127.0.0.1.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthRetryLimitError } from '@mcpkit/protocol';
import { fetchWithAuth } from '../transports/http-support.js';
import type { AuthorizeCallback } from './authorization-code.js';
import { type OAuthProviderOptions, OAuthProvider } from './provider.js';
import type { MockAuthorizationServerOptions } from './test-support/mock-authorization-server.js';
import type { MockResourceServerOptions } from './test-support/mock-resource-server.js';
import { createMockAuthorizationServer } from './test-support/mock-authorization-server.js';
import { createMockResourceServer } from './test-support/mock-resource-server.js';
import { type MockAuthorizationServer, type MockResourceServer, createMockPair, rpc } from './test-support/servers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.close(() => r()), s.closeAllConnections()))));
});

/** Serves a web-standard mock over node:http on 127.0.0.1 and sets its origin. */
async function listen(target: { handle(request: Request): Promise<Response>; origin: string }): Promise<void> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const response = await target.handle(new Request(`${target.origin}${req.url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) }));
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  target.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function start(asOptions: MockAuthorizationServerOptions = {}, rsOptions: MockResourceServerOptions = {}) {
  const pair = createMockPair(asOptions, rsOptions);
  await listen(pair.as);
  await listen(pair.rs);
  return pair;
}

/** The test's browser: the mock approves at once, so the redirect's Location is the callback URL. */
const approve: AuthorizeCallback = async ({ url }) => {
  const response = await fetch(url, { redirect: 'manual' });
  return { callbackUrl: response.headers.get('location')! };
};

function makeProvider(rs: MockResourceServer, extra: Partial<OAuthProviderOptions> = {}): OAuthProvider {
  return new OAuthProvider({
    serverUrl: rs.url,
    allowPrivateNetwork: true,
    grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/callback', authorize: approve },
    ...extra,
  });
}

/** One resource request through the transports' own 401/403 hook. */
function call(provider: OAuthProvider, rs: MockResourceServer, method = 'tools/list'): Promise<Response> {
  return fetchWithAuth({ authProvider: provider }, rs.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rpc(method), signal: AbortSignal.timeout(10_000) });
}

const seenAt = (as: MockAuthorizationServer, path: string) => as.seen.filter((r) => r.path.endsWith(path));

const scopesAsked = (as: MockAuthorizationServer) => seenAt(as, '/authorize').map((r) => r.query.get('scope'));

describe('scope selection', () => {
  it('uses the challenge scope first', async () => {
    const { as, rs } = await start({}, { challengeScope: 'files:read', scopesSupported: ['files:read', 'files:write'] });
    await call(makeProvider(rs), rs);
    expect(scopesAsked(as)).toEqual(['files:read']);
  });

  it('falls back to every scopes_supported entry of the resource metadata', async () => {
    const { as, rs } = await start({}, { scopesSupported: ['a', 'b', 'c'] });
    await call(makeProvider(rs), rs);
    expect(scopesAsked(as)).toEqual(['a b c']);
  });

  it('omits scope when neither is available', async () => {
    const { as, rs } = await start({ extra: { scopes_supported: ['offline_access'] } });
    await call(makeProvider(rs), rs);
    expect(seenAt(as, '/authorize')[0]!.query.has('scope')).toBe(false);
  });

  it('adds offline_access only when the authorization server lists it', async () => {
    const listed = await start({ extra: { scopes_supported: ['mcp', 'offline_access'] } }, { scopesSupported: ['mcp'] });
    await call(makeProvider(listed.rs), listed.rs);
    expect(scopesAsked(listed.as)).toEqual(['mcp offline_access']);
    const unlisted = await start({ extra: { scopes_supported: ['mcp'] } }, { scopesSupported: ['mcp'] });
    await call(makeProvider(unlisted.rs), unlisted.rs);
    expect(scopesAsked(unlisted.as)).toEqual(['mcp']);
    const declined = await start({ extra: { scopes_supported: ['mcp', 'offline_access'] } }, { scopesSupported: ['mcp'] });
    await call(makeProvider(declined.rs, { offlineAccess: false }), declined.rs);
    expect(scopesAsked(declined.as)).toEqual(['mcp']);
  });
});

describe('step-up authorization', () => {
  it('re-authorizes on 403 insufficient_scope with the union of old and challenged scopes', async () => {
    const { as, rs } = await start({}, { challengeScope: 'read', scopesSupported: ['profile'], requiredScopes: (m) => (m === 'tools/call' ? ['write'] : ['read']) });
    const provider = makeProvider(rs);
    expect((await call(provider, rs, 'tools/list')).status).toBe(200);
    expect((await call(provider, rs, 'tools/call')).status).toBe(200);
    expect(scopesAsked(as)).toEqual(['read', 'read write']);
    expect((await call(provider, rs, 'tools/list')).status).toBe(200);
    expect(seenAt(as, '/authorize')).toHaveLength(2);
  });

  it('stops after maxAuthorizationAttempts for a scope the server never accepts', async () => {
    const { as, rs } = await start({}, { challengeScope: 'admin' });
    const provider = makeProvider(rs);
    expect((await call(provider, rs)).status).toBe(200);
    rs.alwaysForbid = 'admin';
    // One 403 per request reaches the provider: the first starts a second authorization, the next one gives up.
    expect((await call(provider, rs)).status).toBe(403);
    await expect(call(provider, rs)).rejects.toThrow(AuthRetryLimitError);
    expect(seenAt(as, '/authorize')).toHaveLength(2);
  });

  it('ignores a 403 that is not about scope', async () => {
    const { as, rs } = await start();
    const provider = makeProvider(rs);
    await call(provider, rs);
    const forbidden = new Response('no', { status: 403, headers: { 'www-authenticate': 'Bearer error="access_denied"' } });
    expect(await provider.onUnauthorized(forbidden, { url: rs.url, method: 'POST' })).toBe(false);
    expect(seenAt(as, '/authorize')).toHaveLength(1);
  });
});

describe('refresh tokens', () => {
  it('refreshes an expiring token instead of authorizing again, and re-authorizes when refresh is refused', async () => {
    // expires_in 1 s is inside the refresh margin, so every token is refreshed before use.
    const { as, rs } = await start({ refresh: true, expiresIn: 1 });
    const provider = makeProvider(rs);
    expect((await call(provider, rs)).status).toBe(200);
    expect((await call(provider, rs)).status).toBe(200);
    const grants = () => seenAt(as, '/token').map((r) => r.form.get('grant_type'));
    expect(grants()).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);
    expect(seenAt(as, '/token')[1]!.form.get('resource')).toBe(rs.url);
    expect(seenAt(as, '/authorize')).toHaveLength(1);
    as.revokeRefreshTokens();
    expect((await call(provider, rs)).status).toBe(200);
    expect(seenAt(as, '/authorize')).toHaveLength(2);
  });
});

describe('authorization server binding', () => {
  it('re-registers with a new authorization server and never shows it the old client id', async () => {
    const as1 = createMockAuthorizationServer();
    const as2 = createMockAuthorizationServer();
    await listen(as1);
    await listen(as2);
    let current = as1;
    // The resource trusts whichever server its metadata currently names.
    const registry = { get issuer() { return current.issuer; }, get tokens() { return current.tokens; } } as unknown as MockAuthorizationServer;
    const rs = createMockResourceServer(registry, { challengeScope: 'mcp' });
    await listen(rs);
    const provider = makeProvider(rs);
    expect((await call(provider, rs)).status).toBe(200);
    const oldClient = seenAt(as1, '/authorize')[0]!.query.get('client_id');
    current = as2;
    expect((await call(provider, rs)).status).toBe(200);
    expect(provider.issuer).toBe(as2.issuer);
    expect(seenAt(as2, '/register')).toHaveLength(1);
    for (const seen of as2.seen) {
      expect(seen.query.get('client_id')).not.toBe(oldClient);
      expect(seen.form.get('client_id')).not.toBe(oldClient);
    }
    expect(scopesAsked(as2)).toEqual(['mcp']);
  });
});
