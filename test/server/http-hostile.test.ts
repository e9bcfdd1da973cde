/**
 * Streamable HTTP against hostile or broken input, over a real socket: every refusal has the right status
 * and JSON-RPC code, and no body ever carries a stack trace or a source path.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type HttpServerHandle } from '@mcpkit/server/node';
import { createEchoServer } from '../fixtures/bench-echo-server.js';
import {
  type Json,
  type ReadResponse,
  HttpSession,
  META_CAPS,
  META_VERSION,
  POST_HEADERS,
  STATELESS,
  deadline,
  errorOf,
  lastMessage,
  leaksInternals,
  post,
  rawHttp,
  statelessRequest,
} from '../helpers/http.js';

let handle: HttpServerHandle;
let small: HttpServerHandle;
let session: HttpSession;
const SMALL_LIMIT = 2048;
/** Every body the server sent, checked at the end for leaked internals. */
const bodies: string[] = [];

async function send(body: unknown, headers: Record<string, string> = {}, url = handle.url): Promise<ReadResponse> {
  const r = await post(url, body, headers);
  bodies.push(r.text);
  return r;
}

function expectRpcError(r: ReadResponse, status: number, code: number): { code: number; message: string; data?: unknown } {
  expect(r.status, r.text).toBe(status);
  const error = errorOf(lastMessage(r));
  expect(error.code, r.text).toBe(code);
  return error;
}

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

beforeAll(async () => {
  handle = await serveHttp(createEchoServer(), { port: 0 });
  small = await serveHttp(createEchoServer(), { port: 0, maxBodyBytes: SMALL_LIMIT });
  session = await HttpSession.open(handle.url);
});

afterAll(async () => {
  await handle?.close();
  await small?.close();
});

describe('malformed bodies', () => {
  it('answers malformed JSON with 400 and -32700', async () => {
    const r = await send('{"jsonrpc":"2.0","id":1,"method":', session.headers());
    expectRpcError(r, 400, -32700);
    // No usable id: MCP's schema (2025-11-25 on) omits it; JSON-RPC 2.0 says null.
    expect(lastMessage(r).id ?? null).toBeNull();
  });

  it('answers a JSON array (a batch) with 400 and -32600', async () => {
    expectRpcError(await send([ping], session.headers()), 400, -32600);
  });

  it.each([['a number', '42'], ['a string', '"ping"'], ['null', 'null'], ['an empty body', '']])(
    'answers a non-object body (%s) with 400',
    async (_what, body) => {
      const r = await send(body, session.headers());
      expect(r.status).toBe(400);
      expect([-32600, -32700]).toContain(errorOf(lastMessage(r)).code);
    },
  );

  it('answers jsonrpc "1.0" with 400 and -32600, keeping the id', async () => {
    const r = await send({ jsonrpc: '1.0', id: 7, method: 'ping' }, session.headers());
    expectRpcError(r, 400, -32600);
    expect(lastMessage(r).id).toBe(7);
  });

  it('answers a wrong Content-Type with 415', async () => {
    const r = await send(JSON.stringify(ping), { ...session.headers(), 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
  });

  it('answers an Accept header that allows neither JSON nor SSE with 406', async () => {
    const r = await send(ping, { ...session.headers(), accept: 'text/html' });
    expect(r.status).toBe(406);
  });
});

describe('body size limits', () => {
  const bigCall = (bytes: number) =>
    JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(bytes) } } });
  const postHeaders = (extra: Record<string, string> = {}) => ({ ...POST_HEADERS, ...session.headers(), ...extra });

  it('answers a body over the 4 MiB default with 413', async () => {
    const r = await rawHttp(handle.url, { method: 'POST', headers: postHeaders(), body: bigCall(4 * 1024 * 1024 + 10) });
    bodies.push(r.text);
    expect(r.status).toBe(413);
  });

  it('answers a chunked body (no Content-Length) over the 4 MiB default with 413', async () => {
    const pieces = ['{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"', ...Array.from({ length: 80 }, () => 'x'.repeat(64 * 1024)), '"}}'];
    const r = await rawHttp(handle.url, { method: 'POST', headers: postHeaders(), body: pieces });
    bodies.push(r.text);
    expect(r.status).toBe(413);
  });

  it('honours a custom, smaller maxBodyBytes', async () => {
    const s = await HttpSession.open(small.url);
    const under = await send(bigCall(SMALL_LIMIT - 300), s.headers(), small.url);
    expect(under.status).toBe(200);
    const over = await send(bigCall(SMALL_LIMIT + 1), s.headers(), small.url);
    expect(over.status).toBe(413);
  });

  it('leaves a keep-alive connection usable after a 413 on a large body', async () => {
    // One socket: the next request can only be answered if the server drained the refused body or closed
    // the connection. Answering 413 with keep-alive and never reading the rest wedges the socket.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const headers = { ...POST_HEADERS };
      const refused = await rawHttp(small.url, { method: 'POST', headers, body: bigCall(8 * 1024 * 1024), agent });
      expect(refused.status).toBe(413);
      const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
      const next = await deadline(rawHttp(small.url, { method: 'POST', headers, body: JSON.stringify(init), agent }), 10_000, 'an answer on the same agent after a 413');
      expect(next.status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('still answers after refusing oversized bodies', async () => {
    const r = await session.request(2, 'ping');
    expect(r.status).toBe(200);
    expect(lastMessage(r).result).toEqual({});
  });
});

describe('deeply nested JSON', () => {
  const DEPTH = 100_000;
  const deep = '['.repeat(DEPTH) + ']'.repeat(DEPTH);

  it.each([
    ['session-era tools/call arguments', () => `{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":{"name":"echo","arguments":{"text":"x","nested":${deep}}}}`, false],
    ['session-era params', () => `{"jsonrpc":"2.0","id":"deep","method":"tools/list","params":{"nested":${deep}}}`, false],
    ['stateless tools/call arguments', () => `{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":{"name":"echo","arguments":{"text":"x","nested":${deep}},"_meta":{"${META_VERSION}":"${STATELESS}","${META_CAPS}":{}}}}`, true],
    ['stateless _meta', () => `{"jsonrpc":"2.0","id":"deep","method":"tools/list","params":{"_meta":{"${META_VERSION}":"${STATELESS}","${META_CAPS}":{"x":${deep}}}}}`, true],
  ])(`survives ${DEPTH} levels of nesting in %s`, async (_what, body, stateless) => {
    const headers = stateless
      ? { 'mcp-protocol-version': STATELESS, 'mcp-method': body().includes('tools/call') ? 'tools/call' : 'tools/list', ...(body().includes('tools/call') ? { 'mcp-name': 'echo' } : {}) }
      : session.headers();
    const r = await send(body(), headers);
    // Either a clear JSON-RPC answer or error; never a dropped connection.
    const m = lastMessage(r);
    expect(m.id === 'deep' || m.id === undefined || m.id === null).toBe(true);
    expect('result' in m || 'error' in m).toBe(true);
    const after = await session.request('after-deep', 'tools/call', { name: 'echo', arguments: { text: 'still here' } });
    expect(resultText(lastMessage(after))).toBe('still here');
  });
});

function resultText(m: Json): string | undefined {
  return ((m.result as { content?: Array<{ text?: string }> } | undefined)?.content ?? [])[0]?.text;
}

describe('DNS-rebinding protection', () => {
  const body = JSON.stringify(ping);
  const headersFor = (extra: Record<string, string>) => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...session.headers(), ...extra });

  it.each(['evil.example.com', 'localhost.evil.example.com', '127.0.0.1.evil.example.com', 'evil.example.com:80'])(
    'refuses Host: %s with 403',
    async (host) => {
      const r = await rawHttp(handle.url, { method: 'POST', headers: headersFor({ host }), body });
      bodies.push(r.text);
      expect(r.status).toBe(403);
    },
  );

  it('accepts a loopback Host with any port', async () => {
    const r = await rawHttp(handle.url, { method: 'POST', headers: headersFor({ host: `localhost:${handle.port}` }), body });
    expect(r.status).toBe(200);
  });

  it.each(['http://evil.example.com', 'https://localhost.evil.example.com', 'null', 'not a url'])('refuses Origin: %s with 403', async (origin) => {
    const r = await send(ping, { ...session.headers(), origin });
    expect(r.status).toBe(403);
  });

  it.each(['http://localhost:5173', 'http://127.0.0.1', `http://127.0.0.1:${1234}`, 'http://[::1]:8080'])('accepts loopback Origin: %s', async (origin) => {
    const r = await send(ping, { ...session.headers(), origin });
    expect(r.status).toBe(200);
    expect(lastMessage(r).result).toEqual({});
  });

  it('refuses a foreign Origin on GET and DELETE too', async () => {
    const get = await fetch(handle.url, { headers: { ...session.headers(), accept: 'text/event-stream', origin: 'http://evil.example.com' } });
    bodies.push(await get.text());
    expect(get.status).toBe(403);
    const del = await fetch(handle.url, { method: 'DELETE', headers: { ...session.headers(), origin: 'http://evil.example.com' } });
    bodies.push(await del.text());
    expect(del.status).toBe(403);
  });
});

describe('session-era errors', () => {
  it('answers an unknown session id with 404', async () => {
    const r = await send(ping, { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-11-25' });
    expect(r.status).toBe(404);
  });

  it('answers a non-initialize request without a session id with 400', async () => {
    const r = await send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(r.status).toBe(400);
  });

  it('refuses initialize that carries a session id', async () => {
    const r = await send(
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } },
      session.headers(),
    );
    expect(r.status).toBe(400);
  });

  it('answers an unknown method with -32601', async () => {
    const e = errorOf(lastMessage(await send({ jsonrpc: '2.0', id: 3, method: 'no/such/method' }, session.headers())));
    expect(e.code).toBe(-32601);
  });

  it.each([
    ['tools/call', { arguments: { text: 'x' } }, 'params.name'],
    ['tools/call', { name: 'echo', arguments: 'x' }, 'params.arguments'],
    ['logging/setLevel', { level: 'loud' }, 'params.level'],
  ])('answers %s with bad params with -32602 naming the field', async (method, params, field) => {
    const e = errorOf(lastMessage(await send({ jsonrpc: '2.0', id: 4, method, params }, session.headers())));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain(field);
  });

  it('answers GET and DELETE for an unknown session with 404', async () => {
    const headers = { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-11-25' };
    const get = await fetch(handle.url, { headers: { ...headers, accept: 'text/event-stream' } });
    bodies.push(await get.text());
    expect(get.status).toBe(404);
    const del = await fetch(handle.url, { method: 'DELETE', headers });
    bodies.push(await del.text());
    expect(del.status).toBe(404);
  });

  it('answers PUT with 405 and an Allow header', async () => {
    const r = await fetch(handle.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    bodies.push(await r.text());
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toContain('POST');
  });
});

describe('stateless-era errors', () => {
  it('answers a request without _meta with 400 and -32602', async () => {
    const r = await send({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, { 'mcp-protocol-version': STATELESS, 'mcp-method': 'tools/list' });
    const e = expectRpcError(r, 400, -32602);
    expect(e.message).toContain('_meta');
  });

  it('answers a header/_meta version mismatch with 400 and -32020', async () => {
    const { body, headers } = statelessRequest(2, 'tools/list');
    expectRpcError(await send(body, { ...headers, 'mcp-protocol-version': '2025-11-25' }), 400, -32020);
  });

  it('answers an unsupported version with 400 and -32022 listing supported and requested', async () => {
    const { body, headers } = statelessRequest(3, 'tools/list', {}, { meta: { [META_VERSION]: '2099-01-01' } });
    const e = expectRpcError(await send(body, { ...headers, 'mcp-protocol-version': '2099-01-01' }), 400, -32022);
    const data = e.data as { supported?: unknown; requested?: unknown };
    expect(data.requested).toBe('2099-01-01');
    expect(data.supported).toContain(STATELESS);
  });

  it('answers an unknown method with 404 and -32601', async () => {
    const { body, headers } = statelessRequest(4, 'no/such/method');
    expectRpcError(await send(body, headers), 404, -32601);
  });

  it.each([
    ['a different Mcp-Name', { 'mcp-name': 'not-echo' }],
    ['no Mcp-Name', { 'mcp-name': '' }],
    ['a different Mcp-Method', { 'mcp-method': 'tools/list' }],
    ['Mcp-Name with broken Base64', { 'mcp-name': '=?base64?***?=' }],
  ])('answers %s with 400 and -32020', async (_what, override) => {
    const { body, headers } = statelessRequest(5, 'tools/call', { name: 'echo', arguments: { text: 'x' } });
    const merged: Record<string, string> = { ...headers, ...override };
    if (merged['mcp-name'] === '') delete merged['mcp-name'];
    expectRpcError(await send(body, merged), 400, -32020);
  });

  it('accepts a Base64-encoded Mcp-Name that matches', async () => {
    const { body, headers } = statelessRequest(6, 'tools/call', { name: 'echo', arguments: { text: 'b64' } });
    const r = await send(body, { ...headers, 'mcp-name': `=?base64?${btoa('echo')}?=` });
    expect(r.status).toBe(200);
    expect(resultText(lastMessage(r))).toBe('b64');
  });

  it('answers a client-sent response with 400', async () => {
    const r = await send({ jsonrpc: '2.0', id: 9, result: {} }, { 'mcp-protocol-version': STATELESS });
    expect(r.status).toBe(400);
  });
});

describe('no internals in any response', () => {
  it('never sends a stack trace or a source path', () => {
    expect(bodies.length).toBeGreaterThan(40);
    const leaking = bodies.filter(leaksInternals);
    expect(leaking).toEqual([]);
  });

  it('keeps serving after all of the above', async () => {
    const { body, headers } = statelessRequest('final', 'tools/call', { name: 'echo', arguments: { text: 'ok' } });
    const r = await send(body, headers);
    expect(r.status).toBe(200);
    expect(resultText(lastMessage(r))).toBe('ok');
  });
});
