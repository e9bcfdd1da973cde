import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { McpServer } from '../index.js';
import { type HttpServerHandle, serveHttp } from '../node/index.js';
import { type AuthVerifier, AuthError, apiKeyVerifier, firstOf, introspectionVerifier, jwtVerifier } from './index.js';

const ISSUER = 'https://auth.test';
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function whoAmIServer(): McpServer {
  const server = new McpServer({ name: 'auth-test', version: '1.0.0' });
  server.tool('whoami', {}, (_args, ctx) => ({ content: [{ type: 'text', text: `${ctx.principal?.id ?? 'nobody'} [${ctx.scopes.join(' ')}]` }] }));
  return server;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) });
}

async function callWhoami(url: string, headers: Record<string, string>): Promise<string> {
  const res = await post(url, {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'whoami', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
  }, { ...headers, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'whoami' });
  const body = (await res.json()) as { result?: { content: Array<{ text: string }> }; error?: unknown };
  if (!body.result) throw new Error(`no result: ${res.status} ${JSON.stringify(body)}`);
  return body.result.content[0]!.text;
}

describe('HTTP auth with static API keys', () => {
  let handle: HttpServerHandle;
  beforeAll(async () => {
    const verifier = await apiKeyVerifier([
      { id: 'alice', key: 'alice-key-0123456789', scopes: ['mcp'] },
      { id: 'bob', sha256: 'f8596239fe2c5a7d74a70da44c981f5459c078c0060e69b541814edc07d50699', scopes: ['mcp'] },
      { id: 'old', key: 'expired-key-0123456789', scopes: ['mcp'], expiresAt: Date.now() - 1000 },
      { id: 'viewer', key: 'viewer-key-0123456789', scopes: ['read'] },
    ]);
    handle = await serveHttp(whoAmIServer(), { auth: { verifier, requiredScopes: ['mcp'], authorizationServers: [ISSUER] }, gracefulShutdown: false });
  });
  afterAll(() => handle.close());

  it('refuses a request without credentials with 401 and a resource_metadata challenge', async () => {
    const res = await post(handle.url, INIT);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('credentials are required');
  });

  it('serves RFC 9728 metadata at the URL the challenge names', async () => {
    const res = await post(handle.url, INIT);
    const url = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate')!)![1]!;
    const meta = (await (await fetch(url)).json()) as Record<string, unknown>;
    expect(meta).toEqual({ resource: handle.url, authorization_servers: [ISSUER], bearer_methods_supported: ['header'] });
  });

  it('accepts a key as Bearer or as X-API-Key, and handlers see the principal and scopes', async () => {
    expect(await callWhoami(handle.url, { authorization: 'Bearer alice-key-0123456789' })).toBe('key:alice [mcp]');
    expect(await callWhoami(handle.url, { 'x-api-key': 'alice-key-0123456789' })).toBe('key:alice [mcp]');
  });

  it('refuses a wrong key and an expired key with 401 invalid_token; a malformed header with 400', async () => {
    for (const key of ['alice-key-012345678X', 'expired-key-0123456789']) {
      const res = await post(handle.url, INIT, { authorization: `Bearer ${key}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    const malformed = await post(handle.url, INIT, { authorization: 'Basic abc' });
    expect(malformed.status).toBe(400);
  });

  it('answers 403 insufficient_scope to a valid key without the required scope', async () => {
    const res = await post(handle.url, INIT, { 'x-api-key': 'viewer-key-0123456789' });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain('scope="mcp"');
  });

  it('accepts a key configured only by its SHA-256', async () => {
    expect(await callWhoami(handle.url, { 'x-api-key': 'bob-key-0123456789' })).toBe('key:bob [mcp]');
  });
});

describe('session binding across two valid principals', () => {
  it('gives another principal the same 404 as an unknown session, for POST, GET and DELETE', async () => {
    const verifier = await apiKeyVerifier([
      { id: 'a', key: 'key-a-0123456789abcdef' },
      { id: 'b', key: 'key-b-0123456789abcdef' },
    ]);
    const handle = await serveHttp(whoAmIServer(), { auth: { verifier }, gracefulShutdown: false });
    try {
      const open = await post(handle.url, INIT, { 'x-api-key': 'key-a-0123456789abcdef' });
      const sid = open.headers.get('mcp-session-id')!;
      const asB = { 'x-api-key': 'key-b-0123456789abcdef', 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' };
      const p = await post(handle.url, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} }, asB);
      expect(p.status).toBe(404);
      const g = await fetch(handle.url, { headers: { ...asB, accept: 'text/event-stream' } });
      expect(g.status).toBe(404);
      const d = await fetch(handle.url, { method: 'DELETE', headers: asB });
      expect(d.status).toBe(404);
      expect(handle.handler.sessionCount).toBe(1);
    } finally {
      await handle.close();
    }
  });
});

describe('a verifier that answers without a promise', () => {
  it('admits a returned principal, refuses a thrown AuthError with 401 and a thrown crash with 500, and reports refusals', async () => {
    const refusals: Array<{ status: number; failure: string }> = [];
    const reported: unknown[] = [];
    const verifier: AuthVerifier = {
      verify(credentials) {
        if (credentials.token === 'sync-good') return { id: 'sync', scopes: ['mcp'] };
        if (credentials.token === 'sync-crash') throw new TypeError('verifier bug');
        throw new AuthError('invalid_token', 'not this one');
      },
    };
    const server = new McpServer({ name: 'auth-test', version: '1.0.0' }, { onError: (error) => reported.push(error) });
    server.tool('whoami', {}, (_args, ctx) => ({ content: [{ type: 'text', text: `${ctx.principal?.id ?? 'nobody'} [${ctx.scopes.join(' ')}]` }] }));
    const handle = await serveHttp(server, { auth: { verifier, requiredScopes: ['mcp'], onRefusal: (r) => refusals.push({ status: r.status, failure: r.failure }) }, gracefulShutdown: false });
    try {
      expect(await callWhoami(handle.url, { 'x-api-key': 'sync-good' })).toBe('sync [mcp]');
      const bad = await post(handle.url, INIT, { 'x-api-key': 'sync-bad' });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const crash = await post(handle.url, INIT, { 'x-api-key': 'sync-crash' });
      expect(crash.status).toBe(500);
      expect(await crash.text()).not.toContain('verifier bug');
      expect(refusals).toEqual([{ status: 401, failure: 'invalid_token' }]);
      expect(reported.some((e) => (e as Error).message === 'verifier bug')).toBe(true);
    } finally {
      await handle.close();
    }
  });
});

describe('JWT access tokens against a JWKS served on loopback', () => {
  let jwks: Server;
  let jwksUrl: string;
  let sign: (claims: Record<string, unknown>, opts?: { aud?: string; iss?: string; exp?: string }) => Promise<string>;
  let other: CryptoKey;
  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    other = (await generateKeyPair('ES256')).privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
    sign = (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(opts.iss ?? ISSUER)
        .setAudience(opts.aud ?? 'http://mcp.test/mcp')
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '5m')
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((r) => jwks.close(() => r())));

  it('accepts a good token with scopes from the configured claim; refuses wrong aud, iss, expiry and signer', async () => {
    const verifier = await jwtVerifier({ issuer: ISSUER, audience: 'http://mcp.test/mcp', jwksUrl, scopesClaim: 'permissions' });
    const req = { header: () => null };
    const ok = await verifier.verify({ token: await sign({ sub: 'u1', permissions: ['tools:call', 'x'], client_id: 'c' }), source: 'authorization' }, req);
    expect(ok).toMatchObject({ id: 'u1', scopes: ['tools:call', 'x'], clientId: 'c' });
    const refusals: Array<[Promise<string>, RegExp]> = [
      [sign({ sub: 'u1' }, { aud: 'http://elsewhere/mcp' }), /aud/],
      [sign({ sub: 'u1' }, { iss: 'https://evil.test' }), /iss/],
      [sign({ sub: 'u1' }, { exp: '-10m' }), /expired/],
      [new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience('http://mcp.test/mcp').setExpirationTime('5m').sign(other), /not valid/],
      [Promise.resolve('not-a-jwt'), /not valid/],
    ];
    for (const [token, message] of refusals) {
      await expect(verifier.verify({ token: await token, source: 'authorization' }, req)).rejects.toMatchObject({ failure: 'invalid_token', message });
    }
  });

  it('works behind serveHttp together with API keys (firstOf)', async () => {
    const keys = await apiKeyVerifier([{ id: 'ci', key: 'ci-key-0123456789abcdef', scopes: ['mcp'] }]);
    const handle = await serveHttp(whoAmIServer(), {
      auth: { verifier: firstOf(keys, await jwtVerifier({ issuer: ISSUER, audience: 'http://mcp.test/mcp', jwksUrl })), resource: 'http://mcp.test/mcp' },
      gracefulShutdown: false,
    });
    try {
      expect(await callWhoami(handle.url, { authorization: `Bearer ${await sign({ sub: 'u9', scope: 'a b' })}` })).toBe('u9 [a b]');
      expect(await callWhoami(handle.url, { 'x-api-key': 'ci-key-0123456789abcdef' })).toBe('key:ci [mcp]');
      const res = await post(handle.url, INIT, { authorization: `Bearer ${await sign({ sub: 'u9' }, { aud: 'http://other/mcp' })}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('resource_metadata="http://mcp.test/.well-known/oauth-protected-resource/mcp"');
    } finally {
      await handle.close();
    }
  });
});

describe('RFC 7662 introspection against a loopback authorization server', () => {
  it('maps active tokens to principals, refuses inactive ones, and caches answers', async () => {
    let calls = 0;
    const as = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls += 1;
        const token = new URLSearchParams(body).get('token');
        const authorized = req.headers.authorization === `Basic ${btoa('rs:secret')}`;
        res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(token === 'good' ? { active: true, sub: 'svc', scope: 'a b', aud: 'http://mcp.test/mcp', exp: Math.floor(Date.now() / 1000) + 60 } : { active: false }));
      });
    });
    await new Promise<void>((r) => as.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(as.address() as AddressInfo).port}/introspect`;
    try {
      const verifier: AuthVerifier = introspectionVerifier({ url, clientId: 'rs', clientSecret: 'secret', audience: 'http://mcp.test/mcp' });
      const req = { header: () => null };
      expect(await verifier.verify({ token: 'good', source: 'authorization' }, req)).toMatchObject({ id: 'svc', scopes: ['a', 'b'] });
      await verifier.verify({ token: 'good', source: 'authorization' }, req);
      expect(calls).toBe(1);
      await expect(verifier.verify({ token: 'bad', source: 'authorization' }, req)).rejects.toMatchObject({ failure: 'invalid_token' });
      const wrongSecret = introspectionVerifier({ url, clientId: 'rs', clientSecret: 'nope' });
      await expect(wrongSecret.verify({ token: 'good', source: 'authorization' }, req)).rejects.toThrow(/HTTP 401/);
    } finally {
      await new Promise<void>((r) => as.close(() => r()));
    }
  });
});
