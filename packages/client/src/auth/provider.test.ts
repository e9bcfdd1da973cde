// The OAuthProvider through the transports' real auth hook (fetchWithAuth) against node:http authorization and
// resource servers on 127.0.0.1: the authorization code flow, registration choices, iss validation, scopes.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthIssuerMismatchError, AuthPkceUnsupportedError, AuthUnsafeUrlError, AuthorizationError } from '@mcpkit/protocol';
import { fetchWithAuth } from '../transports/http-support.js';
import type { AuthorizeCallback } from './authorization-code.js';
import { type OAuthProviderOptions, OAuthProvider } from './provider.js';
import type { MockAuthorizationServerOptions } from './test-support/mock-authorization-server.js';
import type { MockResourceServerOptions } from './test-support/mock-resource-server.js';
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

describe('authorization code flow', () => {
  it('registers, authorizes with PKCE S256 and the resource, redeems the code, retries with Bearer', async () => {
    const { as, rs } = await start();
    const provider = makeProvider(rs);
    const response = await call(provider, rs);
    expect(response.status).toBe(200);
    const [register] = seenAt(as, '/register');
    expect(register).toBeDefined();
    const [authorize] = seenAt(as, '/authorize');
    expect(authorize!.query.get('code_challenge_method')).toBe('S256');
    expect(authorize!.query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize!.query.get('resource')).toBe(rs.url);
    expect(authorize!.query.has('scope')).toBe(false);
    const [token] = seenAt(as, '/token');
    expect(token!.form.get('grant_type')).toBe('authorization_code');
    expect(token!.form.get('resource')).toBe(rs.url);
    expect(token!.form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(rs.seen.at(-1)!.authorization).toMatch(/^Bearer at-/);
    expect(provider.issuer).toBe(as.issuer);
  });

  it('sends application_type and redirect URI at registration, and prefers a Client ID Metadata Document', async () => {
    const { as, rs } = await start();
    await call(makeProvider(rs), rs);
    const body = seenAt(as, '/register')[0]!.json;
    expect(body).toMatchObject({
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1:1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const cimd = await start({ extra: { client_id_metadata_document_supported: true } });
    await call(makeProvider(cimd.rs, { clientMetadataUrl: 'https://client.example/metadata.json' }), cimd.rs);
    expect(seenAt(cimd.as, '/register')).toEqual([]);
    expect(seenAt(cimd.as, '/authorize')[0]!.query.get('client_id')).toBe('https://client.example/metadata.json');
  });

  it('uses pre-registered credentials with the method the server supports', async () => {
    const { as, rs } = await start({ clients: { 'pre-client': 'pre secret' }, extra: { token_endpoint_auth_methods_supported: ['client_secret_basic'] } });
    await call(makeProvider(rs, { client: { clientId: 'pre-client', clientSecret: 'pre secret' } }), rs);
    expect(seenAt(as, '/register')).toEqual([]);
    const token = seenAt(as, '/token')[0]!;
    // RFC 6749 §2.3.1: form-encoded, so the space travels as "+".
    expect(token.headers.get('authorization')).toBe(`Basic ${btoa('pre-client:pre+secret')}`);
    expect(token.form.has('client_secret')).toBe(false);
  });

  it('refuses an authorization server without PKCE S256, before any authorization request', async () => {
    for (const asOptions of [{ omit: ['code_challenge_methods_supported'] }, { extra: { code_challenge_methods_supported: ['plain'] } }]) {
      const { as, rs } = await start(asOptions);
      await expect(call(makeProvider(rs), rs)).rejects.toThrow(AuthPkceUnsupportedError);
      expect(seenAt(as, '/authorize')).toEqual([]);
    }
  });

  it('never hands a non-http(s) authorization URL to the host', async () => {
    const { rs } = await start({ extra: { authorization_endpoint: 'javascript:alert(1)' } });
    let asked = false;
    const provider = makeProvider(rs, { grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/cb', authorize: async () => ((asked = true), { callbackUrl: '' }) } });
    await expect(call(provider, rs)).rejects.toThrow(AuthUnsafeUrlError);
    expect(asked).toBe(false);
  });

  it('reports a refused authorization and a state mismatch as AuthorizationError', async () => {
    const { rs, as } = await start();
    const deny: AuthorizeCallback = async ({ redirectUrl, state }) => ({ callbackUrl: `${redirectUrl}?error=access_denied&state=${state}&iss=${encodeURIComponent(as.issuer)}` });
    await expect(call(makeProvider(rs, { grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/cb', authorize: deny } }), rs)).rejects.toThrow(/access_denied/);
    const forged: AuthorizeCallback = async ({ redirectUrl }) => ({ callbackUrl: `${redirectUrl}?code=x&state=forged&iss=${encodeURIComponent(as.issuer)}` });
    await expect(call(makeProvider(rs, { grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/cb', authorize: forged } }), rs)).rejects.toThrow(AuthorizationError);
    expect(seenAt(as, '/token')).toEqual([]);
  });

  it('runs one authorization for concurrent 401s', async () => {
    const { as, rs } = await start();
    const provider = makeProvider(rs);
    const responses = await Promise.all([call(provider, rs), call(provider, rs), call(provider, rs)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(seenAt(as, '/authorize')).toHaveLength(1);
  });
});

describe('iss authorization response parameter (RFC 9207)', () => {
  const cases: Array<[string, MockAuthorizationServerOptions, boolean]> = [
    ['advertised and correct', { issInRedirect: 'correct' }, true],
    ['neither advertised nor sent', { issInRedirect: 'omit', omit: ['authorization_response_iss_parameter_supported'] }, true],
    ['advertised but missing', { issInRedirect: 'omit' }, false],
    ['advertised and wrong', { issInRedirect: 'wrong' }, false],
    ['not advertised but wrong', { issInRedirect: 'wrong', omit: ['authorization_response_iss_parameter_supported'] }, false],
    ['equal only after normalization (trailing slash)', { issInRedirect: 'normalized' }, false],
  ];
  for (const [name, asOptions, accepted] of cases) {
    it(`${accepted ? 'accepts' : 'rejects'} a response whose iss is ${name}`, async () => {
      const { as, rs } = await start(asOptions);
      const result = call(makeProvider(rs), rs);
      if (accepted) expect((await result).status).toBe(200);
      else await expect(result).rejects.toThrow(AuthIssuerMismatchError);
      expect(seenAt(as, '/authorize')).toHaveLength(1);
      // The code never reaches the token endpoint after a failed check.
      expect(seenAt(as, '/token')).toHaveLength(accepted ? 1 : 0);
    });
  }

  it('does not use metadata whose issuer does not match', async () => {
    const { as, rs } = await start({ issuerOverride: 'https://attacker.example.com' });
    await expect(call(makeProvider(rs), rs)).rejects.toThrow(AuthIssuerMismatchError);
    expect(as.seen.map((r) => r.path)).toEqual(['/.well-known/oauth-authorization-server']);
  });
});
