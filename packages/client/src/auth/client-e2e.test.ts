// End to end: mcpkit's Client over StreamableHttpClientTransport with an OAuthProvider, against a real mcpkit
// McpServer behind a Bearer / DPoP gate and the mock authorization server, all over node:http on 127.0.0.1.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer, createHttpHandler } from '@mcpkit/server';
import { Client } from '../client.js';
import { StreamableHttpClientTransport } from '../transports/streamable-http.js';
import { OAuthProvider } from './provider.js';
import { type MockAuthorizationServer, createMockAuthorizationServer, verifyProof } from './test-support/mock-authorization-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(target: { handle(request: Request): Promise<Response>; origin: string }): Promise<void> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const response = await target.handle(new Request(`${target.origin}${req.url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    // Streamed as it comes, so SSE answers and the standalone GET stream work.
    const reader = response.body?.getReader();
    for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) res.write(r.value);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())));
  target.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A real MCP server that only lets through tokens the mock authorization server issued. */
async function protectedMcp(as: MockAuthorizationServer, dpop: boolean) {
  const mcp = new McpServer({ name: 'guarded', version: '1.0.0' }, { onError: () => undefined });
  mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => ({ content: [{ type: 'text', text: String(args.text) }] }));
  const mcpHandler = createHttpHandler(mcp);
  closers.push(() => mcpHandler.close());
  const scheme = dpop ? 'DPoP' : 'Bearer';
  const seen: Array<{ method: string; authorized: boolean; htm?: unknown }> = [];
  const gate = {
    origin: '',
    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') return Response.json({ resource: `${gate.origin}/mcp`, authorization_servers: [as.issuer] });
      const token = request.headers.get('authorization')?.replace(`${scheme} `, '') ?? '';
      const issued = as.tokens.get(token);
      const proof = request.headers.get('dpop');
      const ok = issued !== undefined && (!dpop || (proof !== null && (await verifyProof(proof, request.method, `${gate.origin}/mcp`, token)) === issued.jkt));
      seen.push({ method: request.method, authorized: ok, htm: proof ? decodeJwt(proof).htm : undefined });
      if (!ok) return new Response(null, { status: 401, headers: { 'www-authenticate': `${scheme} resource_metadata="${gate.origin}/.well-known/oauth-protected-resource/mcp"` } });
      return mcpHandler(request);
    },
  };
  await listen(gate);
  return { url: `${gate.origin}/mcp`, seen };
}

async function approve({ url }: { url: string }) {
  return { callbackUrl: (await fetch(url, { redirect: 'manual' })).headers.get('location')! };
}

describe('Client + StreamableHttpClientTransport + OAuthProvider', () => {
  for (const protocolVersion of ['auto', '2025-11-25']) {
    it(`authorizes once and sends the token on every request (${protocolVersion})`, async () => {
      const as = createMockAuthorizationServer();
      await listen(as);
      const server = await protectedMcp(as, false);
      const auth = new OAuthProvider({ serverUrl: server.url, allowPrivateNetwork: true, grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/cb', authorize: approve } });
      const client = new Client({ name: 'e2e', version: '1.0.0' }, { protocolVersion });
      await client.connect(new StreamableHttpClientTransport(server.url, { authProvider: auth }));
      expect((await client.callTool('echo', { text: 'hi' })).content).toEqual([{ type: 'text', text: 'hi' }]);
      await client.close();
      expect(as.seen.filter((r) => r.path === '/authorize')).toHaveLength(1);
      // Only the very first request went out without a token.
      expect(server.seen.filter((r) => !r.authorized)).toHaveLength(1);
    });
  }

  it('keeps DPoP proofs exact for POST, GET and DELETE through wrapFetch', async () => {
    const as = createMockAuthorizationServer({ extra: { dpop_signing_alg_values_supported: ['ES256'] } });
    await listen(as);
    const server = await protectedMcp(as, true);
    const auth = new OAuthProvider({ serverUrl: server.url, allowPrivateNetwork: true, grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:1/cb', authorize: approve } });
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { protocolVersion: '2025-11-25' });
    await client.connect(new StreamableHttpClientTransport(server.url, { authProvider: auth, fetch: auth.wrapFetch() }));
    await client.listTools();
    await client.close();
    expect(auth.tokens?.tokenType).toBe('DPoP');
    const after = server.seen.slice(1);
    expect(after.every((r) => r.authorized)).toBe(true);
    expect(new Set(after.map((r) => r.method))).toEqual(new Set(['POST', 'GET', 'DELETE']));
    expect(after.every((r) => r.htm === r.method)).toBe(true);
  });
});
