/**
 * Issue 13: the deprecated HTTP+SSE transport (2024-11-05) on the Streamable HTTP endpoint, and optionally at
 * `/sse` + `/messages`. Driven by the official SDK v1's SSEClientTransport, mcpkit's LegacySseClientTransport,
 * connectHttp's fallback (what `mcpkit --url` uses) and plain fetch for the wire.
 */
import { Client as SdkClient } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, LegacySseClientTransport, connectHttp } from '@mcpkit/client';
import { AuthError, McpServer, type AuthVerifier, createHttpHandler } from '@mcpkit/server';
import { type HttpServerHandle, type ServeHttpOptions, serveHttp } from '@mcpkit/server/node';
import { SseReader, eventually, rawHttp } from '../helpers/http.js';
import { takeLateProgress } from '../interop/wire.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textOf = (result: unknown) => (((result as { content?: unknown }).content as Array<{ text?: string }> | undefined) ?? [])[0]?.text;

function createServer(): McpServer {
  const server = new McpServer({ name: 'legacy-fixture', version: '1.0.0' });
  server.tool('echo', { description: 'Echoes', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.tool('whoami', {}, async (_args, ctx) => ({ content: [{ type: 'text', text: `${ctx.principal?.id ?? 'nobody'} ${ctx.protocolVersion}` }] }));
  server.tool('ask', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } });
    return { content: [{ type: 'text', text: `${answer.action} ${JSON.stringify(answer.content ?? {})}` }] };
  });
  server.tool('sample', {}, async (_args, ctx) => {
    const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 });
    return { content: [{ type: 'text', text: `llm: ${(r.content as { text?: string }).text ?? '?'}` }] };
  });
  server.tool('steps', {}, async (_args, ctx) => {
    for (let i = 1; i <= 3; i++) {
      await ctx.progress(i, 3, `step ${i}`);
      await sleep(10);
    }
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

const KEYS: Record<string, string> = { 'key-alice': 'alice', 'key-bob': 'bob' };
const verifier: AuthVerifier = {
  async verify(credentials) {
    const id = KEYS[credentials.token];
    if (id === undefined) throw new AuthError('invalid_token', 'unknown key');
    return { id, scopes: [] };
  },
};

const handles: HttpServerHandle[] = [];
const readers: SseReader[] = [];
const closers: Array<() => Promise<unknown>> = [];

async function start(options: ServeHttpOptions = {}): Promise<HttpServerHandle> {
  const handle = await serveHttp(createServer(), { port: 0, gracefulShutdown: false, ...options });
  handles.push(handle);
  return handle;
}

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c().catch(() => undefined)));
  await Promise.all(readers.splice(0).map((r) => r.cancel()));
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

/** Opens a legacy stream with plain fetch; returns its reader and the announced POST URL. */
async function openStream(url: string, headers: Record<string, string> = {}): Promise<{ response: Response; reader: SseReader; endpoint: string; data: string }> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  expect(response.status).toBe(200);
  const reader = new SseReader(response.body!);
  readers.push(reader);
  let first = await reader.next();
  while (first !== undefined && first.event === undefined && first.data === '') first = await reader.next();
  expect(first?.event).toBe('endpoint');
  return { response, reader, endpoint: new URL(first!.data, url).href, data: first!.data };
}

function postTo(endpoint: string, message: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof message === 'string' ? message : JSON.stringify(message) });
}

const INIT_2024 = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'old-host', version: '0.1' } } };

describe('the wire (plain fetch)', () => {
  it('opens with an endpoint event naming the same path and a random sessionId; answers go on the stream', async () => {
    const handle = await start();
    const { response, reader, endpoint, data } = await openStream(handle.url);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(data).toMatch(new RegExp(`^/mcp\\?sessionId=${UUID}$`));
    expect(handle.handler.sessionCount).toBe(1);

    const accepted = await postTo(endpoint, INIT_2024);
    expect(accepted.status).toBe(202);
    const init = await reader.until((m) => m.id === 1, 'the initialize answer');
    expect(init.result).toMatchObject({ protocolVersion: '2024-11-05', serverInfo: { name: 'legacy-fixture' } });
    expect((await postTo(endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);

    expect((await postTo(endpoint, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } })).status).toBe(202);
    const call = await reader.until((m) => m.id === 2, 'the tools/call answer');
    expect(call.result).toMatchObject({ content: [{ type: 'text', text: 'hi' }] });

    // JSON-RPC batches are part of 2024-11-05.
    const batch = [
      { jsonrpc: '2.0', id: 3, method: 'ping' },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'echo', arguments: { text: 'b' } } },
    ];
    expect((await postTo(endpoint, batch)).status).toBe(202);
    const ids = [(await reader.nextMessage())?.id, (await reader.nextMessage())?.id].sort();
    expect(ids).toEqual([3, 4]);
  });

  it('keeps the session-era rules: a request before initialize is refused on the stream', async () => {
    const handle = await start();
    const { reader, endpoint } = await openStream(handle.url);
    expect((await postTo(endpoint, { jsonrpc: '2.0', id: 7, method: 'tools/list' })).status).toBe(202);
    const answer = await reader.until((m) => m.id === 7, 'the refusal');
    expect(answer.error).toMatchObject({ code: -32600 });
  });

  it('refuses a stateless-era request with the revisions this transport serves', async () => {
    const handle = await start();
    const { reader, endpoint } = await openStream(handle.url);
    const probe = { jsonrpc: '2.0', id: 9, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } };
    expect((await postTo(endpoint, probe)).status).toBe(202);
    const answer = await reader.until((m) => m.id === 9, 'the refusal');
    expect(answer.error).toMatchObject({ code: -32022, data: { supported: ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] } });
  });

  it('sends keep-alive comments on an idle stream', async () => {
    const handle = await start({ keepAliveMs: 50 });
    const response = await fetch(handle.url, { headers: { accept: 'text/event-stream' } });
    const raw = response.body!.getReader();
    closers.push(() => raw.cancel());
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes(': keepalive')) {
      const { done, value } = await raw.read();
      if (done) throw new Error(`the stream ended before a keep-alive: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toMatch(/^event: endpoint\ndata: \/mcp\?sessionId=/);
  });

  it('404 for an unknown or ended session, 400 for a malformed or missing sessionId', async () => {
    const handle = await start();
    const unknown = await postTo(`${handle.url}?sessionId=${crypto.randomUUID()}`, INIT_2024);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32600 } });
    expect((await postTo(`${handle.url}?sessionId=not-a-session`, INIT_2024)).status).toBe(400);
    expect((await postTo(`${handle.url}?sessionId=`, INIT_2024)).status).toBe(400);

    const { reader, endpoint } = await openStream(handle.url);
    await reader.cancel();
    await eventually(() => handle.handler.sessionCount === 0, 'the session to end with its stream');
    expect((await postTo(endpoint, INIT_2024)).status).toBe(404);
  });

  it('applies the body limit, the content type and the Host check', async () => {
    const handle = await start({ maxBodyBytes: 256 });
    const { endpoint } = await openStream(handle.url);
    const big = { ...INIT_2024, params: { ...INIT_2024.params, clientInfo: { name: 'x'.repeat(400), version: '1' } } };
    expect((await postTo(endpoint, big)).status).toBe(413);
    expect((await postTo(endpoint, JSON.stringify(INIT_2024), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await postTo(endpoint, '{not json')).status).toBe(400);
    const rebound = await rawHttp(handle.url, { method: 'GET', headers: { accept: 'text/event-stream', host: 'evil.example' } });
    expect(rebound.status).toBe(403);
    const crossSite = await rawHttp(handle.url, { method: 'GET', headers: { accept: 'text/event-stream', origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(handle.handler.sessionCount).toBe(1);
  });

  it('counts toward maxSessions', async () => {
    const handle = await start({ maxSessions: 1 });
    await openStream(handle.url);
    const second = await fetch(handle.url, { headers: { accept: 'text/event-stream' } });
    expect(second.status).toBe(503);
  });

  it('closes a stream that never initializes once the idle TTL passes', async () => {
    const handle = await start({ sessionIdleTtlMs: 300 });
    const { reader } = await openStream(handle.url);
    expect(await reader.next()).toBeUndefined();
    expect(handle.handler.sessionCount).toBe(0);
  });

  it('legacySse: false leaves a GET without Mcp-Session-Id as it was (400)', async () => {
    const handle = await start({ legacySse: false });
    const response = await fetch(handle.url, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(400);
    expect(handle.handler.sessionCount).toBe(0);
  });

  it('leaves Streamable HTTP alone: a GET without Accept: text/event-stream, a POST with Mcp-Session-Id', async () => {
    const handle = await start();
    expect((await fetch(handle.url, { headers: { accept: 'application/json' } })).status).toBe(406);
    const init = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ ...INIT_2024, params: { ...INIT_2024.params, protocolVersion: '2025-11-25' } }),
    });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeTruthy();
    expect(handle.handler.sessionCount).toBe(1);
  });
});

describe('the web-standard handler', () => {
  it('serves the same transport through Request/Response', async () => {
    const handler = createHttpHandler(createServer());
    closers.push(() => handler.close());
    const response = await handler(new Request('http://localhost/mcp', { headers: { host: 'localhost', accept: 'text/event-stream' } }));
    expect(response.status).toBe(200);
    const reader = new SseReader(response.body!);
    readers.push(reader);
    const first = await reader.next();
    expect(first).toMatchObject({ event: 'endpoint' });
    const endpoint = new URL(first!.data, 'http://localhost/mcp').href;
    const post = await handler(new Request(endpoint, { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json' }, body: JSON.stringify(INIT_2024) }));
    expect(post.status).toBe(202);
    expect((await reader.until((m) => m.id === 1, 'the initialize answer')).result).toMatchObject({ protocolVersion: '2024-11-05' });
    await reader.cancel();
    await eventually(() => handler.sessionCount === 0, 'the session to end with its stream');
  });
});

describe('the official SDK v1 SSEClientTransport', () => {
  async function sdkClient(url: string, headers: Record<string, string> = {}) {
    const client = new SdkClient({ name: 'sdk-legacy', version: '1.0.0' }, { capabilities: { elicitation: {}, sampling: {} } });
    const errors: Error[] = [];
    client.onerror = (e) => errors.push(e);
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { name: 'Ada' } }));
    client.setRequestHandler(CreateMessageRequestSchema, () => ({ model: 'm', role: 'assistant', content: { type: 'text', text: 'pong' } }));
    const transport = new SSEClientTransport(new URL(url), { requestInit: { headers } });
    await client.connect(transport);
    closers.push(() => client.close());
    return { client, errors, transport };
  }

  it('initializes, lists, calls, answers elicitation and sampling, gets progress; closing ends the session', async () => {
    const handle = await start();
    const { client, errors } = await sdkClient(handle.url);
    expect(client.getServerVersion()).toMatchObject({ name: 'legacy-fixture' });
    expect(handle.handler.sessionCount).toBe(1);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo', 'whoami', 'ask', 'sample', 'steps']);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello' } }))).toBe('hello');
    expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toBe('nobody 2025-11-25');
    expect(textOf(await client.callTool({ name: 'ask', arguments: {} }))).toBe('accept {"name":"Ada"}');
    expect(textOf(await client.callTool({ name: 'sample', arguments: {} }))).toBe('llm: pong');

    const delivered: Progress[] = [];
    const result = await client.callTool({ name: 'steps', arguments: {} }, undefined, { onprogress: (p) => delivered.push(p) });
    expect(textOf(result)).toBe('done');
    expect([...delivered, ...takeLateProgress(errors)]).toEqual([1, 2, 3].map((i) => ({ progress: i, total: 3, message: `step ${i}` })));
    expect(errors).toEqual([]);

    await client.close();
    await eventually(() => handle.handler.sessionCount === 0, 'the session to end when the client closes its stream');
  });

  it('auth: 401 without a key; a session answers only its principal (404 for another)', async () => {
    const handle = await start({ auth: { verifier } });
    const bare = await fetch(handle.url, { headers: { accept: 'text/event-stream' } });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata=/);
    await expect(sdkClient(handle.url)).rejects.toThrow();
    expect(handle.handler.sessionCount).toBe(0);

    const { client } = await sdkClient(handle.url, { authorization: 'Bearer key-alice' });
    expect(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).toBe('alice 2025-11-25');

    const { endpoint } = await openStream(handle.url, { 'x-api-key': 'key-alice' });
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    expect((await postTo(endpoint, ping)).status).toBe(401);
    expect((await postTo(endpoint, ping, { 'x-api-key': 'key-bob' })).status).toBe(404);
    expect((await postTo(endpoint, ping, { 'x-api-key': 'key-alice' })).status).toBe(202);
  });

  it('works at the separate /sse + /messages paths; those paths serve nothing else', async () => {
    const handle = await start({ legacySsePath: '/sse' });
    const sse = handle.url.replace(/\/mcp$/, '/sse');
    const { data } = await openStream(sse);
    expect(data).toMatch(new RegExp(`^/messages\\?sessionId=${UUID}$`));
    const { client } = await sdkClient(sse);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'via /sse' } }))).toBe('via /sse');
    expect((await fetch(sse, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(INIT_2024) })).status).toBe(405);
    expect((await postTo(handle.url.replace(/\/mcp$/, '/messages'), INIT_2024)).status).toBe(400);
    // The main endpoint still serves both transports.
    const { data: main } = await openStream(handle.url);
    expect(main).toMatch(/^\/mcp\?sessionId=/);
  });
});

describe("mcpkit's LegacySseClientTransport", () => {
  function mcpkitClient(protocolVersion?: string) {
    return new Client(
      { name: 'mcpkit-legacy', version: '1.0.0' },
      {
        ...(protocolVersion === undefined ? {} : { protocolVersion }),
        handlers: {
          sampling: async () => ({ model: 'm', role: 'assistant', content: { type: 'text', text: 'pong' } }),
          elicitation: async () => ({ action: 'accept', content: { name: 'Grace' } }),
        },
      },
    );
  }

  it('a 2024-11-05 client negotiates 2024-11-05: list, call, sampling, progress; close ends the session', async () => {
    const handle = await start();
    const client = mcpkitClient('2024-11-05');
    const negotiated = await client.connect(new LegacySseClientTransport(handle.url));
    closers.push(() => client.close());
    expect(negotiated).toMatchObject({ era: 'session', protocolVersion: '2024-11-05' });
    expect((await client.listTools()).map((t) => t.name)).toContain('echo');
    expect(textOf(await client.callTool('echo', { text: 'x' }))).toBe('x');
    expect(textOf(await client.callTool('whoami', {}))).toBe('nobody 2024-11-05');
    expect(textOf(await client.callTool('sample', {}))).toBe('llm: pong');
    const progress: number[] = [];
    expect(textOf(await client.callTool('steps', {}, { onProgress: (p) => progress.push(p.progress) }))).toBe('done');
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
    await eventually(() => handle.handler.sessionCount === 0, 'the session to end');
  });

  it('auto negotiation falls back from the stateless probe to the newest session revision', async () => {
    const handle = await start();
    const client = mcpkitClient();
    const negotiated = await client.connect(new LegacySseClientTransport(handle.url));
    closers.push(() => client.close());
    expect(negotiated).toMatchObject({ era: 'session', protocolVersion: '2025-11-25' });
    expect(textOf(await client.callTool('ask', {}))).toBe('accept {"name":"Grace"}');
  });

  it("connectHttp's fallback (as `mcpkit list --url` uses it) reaches the /sse path over HTTP+SSE", async () => {
    const handle = await start({ legacySsePath: '/sse' });
    const client = mcpkitClient();
    const { transport, negotiated } = await connectHttp(client, handle.url.replace(/\/mcp$/, '/sse'));
    closers.push(() => client.close());
    expect(transport).toBeInstanceOf(LegacySseClientTransport);
    expect(negotiated.era).toBe('session');
    expect(textOf(await client.callTool('echo', { text: 'fallback' }))).toBe('fallback');
  });
});
