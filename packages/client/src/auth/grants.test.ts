// Machine grants (client credentials with client_secret_basic / client_secret_post / private_key_jwt, JWT bearer
// for workload identity and enterprise-managed authorization) and DPoP, against node:http servers on 127.0.0.1.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, exportPKCS8, generateKeyPair } from 'jose';
import { AuthTokenError } from '@mcpkit/protocol';
import { idJagAssertion } from './enterprise.js';
import { JWT_BEARER_GRANT } from './grants.js';
import { fetchWithAuth } from '../transports/http-support.js';
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

const approve = async ({ url }: { url: string }) => ({ callbackUrl: (await fetch(url, { redirect: 'manual' })).headers.get('location')! });

function makeProvider(rs: MockResourceServer, extra: Partial<OAuthProviderOptions> = {}): OAuthProvider {
  return new OAuthProvider({
    serverUrl: rs.url,
    allowPrivateNetwork: true,
    grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/callback', authorize: approve },
    ...extra,
  });
}

/** One resource request through the transports' own 401/403 hook. */
function call(provider: OAuthProvider, rs: MockResourceServer, method = 'tools/list', wrapped = false): Promise<Response> {
  return fetchWithAuth({ authProvider: provider, ...(wrapped ? { fetch: provider.wrapFetch() } : {}) }, rs.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rpc(method), signal: AbortSignal.timeout(10_000) });
}

const seenAt = (as: MockAuthorizationServer, path: string) => as.seen.filter((r) => r.path.endsWith(path));

const machine = (rs: MockResourceServer, extra: Partial<OAuthProviderOptions>) => makeProvider(rs, { grant: { type: 'client_credentials' }, ...extra });

describe('client credentials', () => {
  it('authenticates with client_secret_basic or client_secret_post as the server advertises', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      const { as, rs } = await start({ clients: { svc: 's3cret' }, extra: { grant_types_supported: ['client_credentials'], token_endpoint_auth_methods_supported: [method] } }, { scopesSupported: ['jobs'] });
      expect((await call(machine(rs, { client: { clientId: 'svc', clientSecret: 's3cret' } }), rs)).status).toBe(200);
      const token = seenAt(as, '/token')[0]!;
      expect(token.form.get('grant_type')).toBe('client_credentials');
      expect(token.form.get('scope')).toBe('jobs');
      expect(token.form.get('resource')).toBe(rs.url);
      expect(token.headers.has('authorization')).toBe(method === 'client_secret_basic');
      expect(token.form.get('client_secret')).toBe(method === 'client_secret_post' ? 's3cret' : null);
      expect(seenAt(as, '/authorize')).toEqual([]);
    }
  });

  it('signs a private_key_jwt assertion the server verifies with the public key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { as, rs } = await start({ clients: { 'jwt-client': publicKey }, extra: { token_endpoint_auth_methods_supported: ['private_key_jwt'] } });
    const provider = machine(rs, { client: { clientId: 'jwt-client', privateKey: await exportPKCS8(privateKey), signingAlgorithm: 'ES256' } });
    expect((await call(provider, rs)).status).toBe(200);
    const form = seenAt(as, '/token')[0]!.form;
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const claims = decodeJwt(form.get('client_assertion')!);
    expect(claims).toMatchObject({ iss: 'jwt-client', sub: 'jwt-client', aud: as.issuer });
  });

  it('surfaces a refused grant as AuthTokenError and does not try it again', async () => {
    const { as, rs } = await start({ clients: { svc: 'x' }, tokenError: 'invalid_scope' });
    const provider = machine(rs, { client: { clientId: 'svc', clientSecret: 'x' } });
    const error = await call(provider, rs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthTokenError);
    expect((error as AuthTokenError).error).toBe('invalid_scope');
    await expect(call(provider, rs)).rejects.toThrow(AuthTokenError);
    expect(seenAt(as, '/token')).toHaveLength(1);
  });
});

describe('JWT bearer grant', () => {
  it('presents a workload identity token as the assertion', async () => {
    const { as, rs } = await start({ omit: ['registration_endpoint'], extra: { grant_types_supported: [JWT_BEARER_GRANT], token_endpoint_auth_methods_supported: ['none'] } });
    const provider = makeProvider(rs, { grant: { type: 'jwt_bearer', assertion: async () => 'workload.jwt.value' }, client: { clientId: 'wif' } });
    expect((await call(provider, rs)).status).toBe(200);
    const form = seenAt(as, '/token')[0]!.form;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: JWT_BEARER_GRANT, assertion: 'workload.jwt.value', client_id: 'wif', resource: rs.url });
  });

  it('exchanges an ID token for an ID-JAG at the IdP, then redeems it (enterprise-managed authorization)', async () => {
    const idpSeen: URLSearchParams[] = [];
    const idp = {
      origin: '',
      async handle(request: Request) {
        idpSeen.push(new URLSearchParams(await request.text()));
        return Response.json({ access_token: 'id-jag-value', issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag', token_type: 'N_A' });
      },
    };
    await listen(idp);
    const { as, rs } = await start({ clients: { 'ema-client': 'ema-secret' }, extra: { token_endpoint_auth_methods_supported: ['client_secret_basic'] } });
    const assertion = idJagAssertion({ tokenEndpoint: `${idp.origin}/token`, idToken: 'user-id-token', clientId: 'idp-client' });
    const provider = makeProvider(rs, { grant: { type: 'jwt_bearer', assertion }, client: { clientId: 'ema-client', clientSecret: 'ema-secret' } });
    expect((await call(provider, rs)).status).toBe(200);
    expect(Object.fromEntries(idpSeen[0]!)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      audience: as.issuer,
      resource: rs.url,
      subject_token: 'user-id-token',
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      client_id: 'idp-client',
    });
    const token = seenAt(as, '/token')[0]!;
    expect(token.form.get('assertion')).toBe('id-jag-value');
    expect(token.headers.get('authorization')).toMatch(/^Basic /);
  });
});

describe('DPoP (RFC 9449)', () => {
  const dpopAs = (extra: MockAuthorizationServerOptions = {}) => ({ ...extra, extra: { dpop_signing_alg_values_supported: ['ES256'] } });

  it('binds the token with a proof at the token endpoint and sends a fresh proof with ath on every request', async () => {
    const { as, rs } = await start(dpopAs(), { dpop: true });
    const provider = makeProvider(rs);
    expect((await call(provider, rs)).status).toBe(200);
    expect((await call(provider, rs)).status).toBe(200);
    const tokenProof = seenAt(as, '/token')[0]!.headers.get('dpop')!;
    expect(decodeProtectedHeader(tokenProof)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(decodeJwt(tokenProof)).toMatchObject({ htm: 'POST', htu: `${as.issuer}/token` });
    const used = rs.seen.filter((r) => r.status === 200);
    expect(used.map((r) => r.authorization!.split(' ')[0])).toEqual(['DPoP', 'DPoP']);
    // The mock checked htm, htu, ath and the key binding; here: one jti per request.
    const jtis = used.map((r) => decodeJwt(r.dpop!).jti);
    expect(new Set(jtis).size).toBe(2);
    expect(provider.tokens?.tokenType).toBe('DPoP');
  });

  it('retries the token request once with the server nonce (RFC 9449 §8)', async () => {
    const { as, rs } = await start(dpopAs({ dpopNonce: 'as-nonce' }), { dpop: true });
    expect((await call(makeProvider(rs), rs)).status).toBe(200);
    const proofs = seenAt(as, '/token').map((r) => decodeJwt(r.headers.get('dpop')!));
    expect(proofs.map((p) => p.nonce)).toEqual([undefined, 'as-nonce']);
    expect(proofs[0]!.jti).not.toBe(proofs[1]!.jti);
  });

  it('retries a resource request with the resource nonce (RFC 9449 §9), at once through wrapFetch', async () => {
    const wrapped = await start(dpopAs(), { dpop: true, dpopNonce: 'rs-nonce' });
    expect((await call(makeProvider(wrapped.rs), wrapped.rs, 'tools/list', true)).status).toBe(200);
    // Through the auth hook alone, the retry after authorization meets the challenge; the next request succeeds.
    const plain = await start(dpopAs(), { dpop: true, dpopNonce: 'rs-nonce' });
    const provider = makeProvider(plain.rs);
    expect((await call(provider, plain.rs)).status).toBe(401);
    expect((await call(provider, plain.rs)).status).toBe(200);
    expect(seenAt(plain.as, '/authorize')).toHaveLength(1);
  });

  it('signs for the request the transport names, and stays on Bearer when the resource does not ask for DPoP', async () => {
    const { rs } = await start(dpopAs(), { dpop: true });
    const provider = makeProvider(rs);
    await call(provider, rs);
    const headers = await provider.headers({ url: `${rs.origin}/mcp?session=1`, method: 'get' });
    expect(decodeJwt(headers.dpop!)).toMatchObject({ htm: 'GET', htu: `${rs.origin}/mcp` });
    const bearer = await start(dpopAs());
    const plainProvider = makeProvider(bearer.rs);
    await call(plainProvider, bearer.rs);
    expect(seenAt(bearer.as, '/token')[0]!.headers.has('dpop')).toBe(false);
    expect(plainProvider.tokens?.tokenType).toBe('Bearer');
  });
});
