/**
 * The session era (2025-11-25) over real HTTP against the in-process conformance fixture: session ids,
 * JSON vs SSE answers, the standalone GET stream, server-to-client requests, subscriptions, DELETE, idle TTL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { McpServer } from '@mcpkit/server';
import { serveHttp, type HttpServerHandle } from '@mcpkit/server/node';
import { createConformanceServer } from '../fixtures/conformance-server.js';
import { createEchoServer } from '../fixtures/bench-echo-server.js';
import { type Json, HttpSession, SSE_ACCEPT, SseReader, deadline, eventually, lastMessage, post, readAll, resultOf } from '../helpers/http.js';

let server: McpServer;
let handle: HttpServerHandle;
/** Streams a test opened; cancelled after each test so no socket outlives it. */
const open: SseReader[] = [];

beforeAll(async () => {
  server = createConformanceServer();
  handle = await serveHttp(server, { port: 0 });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.cancel()));
});

afterAll(async () => {
  await handle?.close();
});

async function getStream(session: HttpSession): Promise<SseReader> {
  const { reader } = await session.openGetStream();
  open.push(reader);
  return reader;
}

async function postStream(session: HttpSession, id: number | string, method: string, params: Json): Promise<{ response: Response; reader: SseReader }> {
  const response = await session.requestRaw(id, method, params);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = new SseReader(response.body!);
  open.push(reader);
  return { response, reader };
}

const textOf = (result: Json) => ((result.content as Array<{ text?: string }> | undefined) ?? [])[0]?.text;
const isMethod = (method: string) => (m: Json) => m.method === method;

describe('initialize', () => {
  it('returns a visible-ASCII Mcp-Session-Id, unique per session', async () => {
    const a = await HttpSession.open(handle.url);
    const b = await HttpSession.open(handle.url);
    for (const s of [a, b]) {
      expect(s.id).toMatch(/^[\x21-\x7E]+$/);
      expect(s.id.length).toBeGreaterThanOrEqual(16);
    }
    expect(a.id).not.toBe(b.id);
    expect(a.initializeResult).toMatchObject({
      protocolVersion: '2025-11-25',
      serverInfo: { name: 'mcpkit-conformance-fixture' },
      capabilities: { tools: { listChanged: true }, resources: { subscribe: true } },
      instructions: 'The mcpkit conformance fixture.',
    });
  });

  it('negotiates down to a supported revision for an unknown requested version', async () => {
    const r = await post(handle.url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 'old', version: '0' } } });
    expect(r.status).toBe(200);
    expect(resultOf(lastMessage(r)).protocolVersion).toBe('2025-11-25');
  });
});

describe('answers as JSON or SSE', () => {
  let session: HttpSession;
  beforeAll(async () => {
    session = await HttpSession.open(handle.url);
  });

  it('answers with plain JSON when nothing else is sent', async () => {
    const r = await session.request(1, 'tools/call', { name: 'test_simple_text', arguments: {} });
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.headers.get('mcp-session-id')).toBe(session.id);
    expect(textOf(resultOf(lastMessage(r)))).toBe('This is a simple text response for testing.');
  });

  it('answers a progress tool without a progress token with plain JSON', async () => {
    const r = await session.request(2, 'tools/call', { name: 'test_tool_with_progress', arguments: {} });
    expect(r.contentType).toMatch(/^application\/json/);
    expect(textOf(resultOf(lastMessage(r)))).toBe('Progress tool completed');
  });

  it('streams progress notifications as SSE before the result when a progress token is given', async () => {
    const r = await readAll(await session.requestRaw(3, 'tools/call', { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'p-3' } }));
    expect(r.contentType).toMatch(/^text\/event-stream/);
    const progress = r.messages.filter(isMethod('notifications/progress'));
    expect(progress.map((m) => (m.params as Json).progress)).toEqual([0, 50, 100]);
    expect(progress.every((m) => (m.params as Json).progressToken === 'p-3')).toBe(true);
    const last = r.messages[r.messages.length - 1]!;
    expect(last.id).toBe(3);
    expect(textOf(resultOf(last))).toBe('Progress tool completed');
  });

  it('accepts a notification with 202 and no body', async () => {
    const r = await post(handle.url, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, session.headers());
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
  });
});

describe('the standalone GET stream', () => {
  it('receives notifications/tools/list_changed when a tool is registered at runtime', async () => {
    const session = await HttpSession.open(handle.url);
    const stream = await getStream(session);
    const tool = server.tool('registered_at_runtime', { description: 'added by a test' }, () => ({ content: [{ type: 'text', text: 'late' }] }));
    try {
      const note = await deadline(stream.until(isMethod('notifications/tools/list_changed'), 'tools/list_changed'), 10_000, 'tools/list_changed');
      expect(note).toMatchObject({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
      const list = await session.request(10, 'tools/list');
      expect((resultOf(lastMessage(list)).tools as Array<{ name: string }>).map((t) => t.name)).toContain('registered_at_runtime');
    } finally {
      tool.remove();
    }
  });

  it('refuses a second standalone stream on the same session with 409', async () => {
    const session = await HttpSession.open(handle.url);
    await getStream(session);
    const second = await fetch(handle.url, { headers: session.headers({ accept: SSE_ACCEPT }) });
    await second.body?.cancel();
    expect(second.status).toBe(409);
  });

  it('delivers notifications/resources/updated only for subscribed resources', async () => {
    const session = await HttpSession.open(handle.url);
    const stream = await getStream(session);
    const sub = await session.request(20, 'resources/subscribe', { uri: 'test://watched-resource' });
    expect(resultOf(lastMessage(sub))).toEqual({});
    // An unsubscribed URI first: if it leaked, it would be the first message on the stream.
    server.notifyResourceUpdated('test://static-text');
    server.notifyResourceUpdated('test://watched-resource');
    const note = await deadline(stream.nextMessage(), 10_000, 'resources/updated');
    expect(note).toMatchObject({ method: 'notifications/resources/updated', params: { uri: 'test://watched-resource' } });

    const unsub = await session.request(21, 'resources/unsubscribe', { uri: 'test://watched-resource' });
    expect(resultOf(lastMessage(unsub))).toEqual({});
    server.notifyResourceUpdated('test://watched-resource');
    server.notifyListChanged('prompts');
    const next = await deadline(stream.nextMessage(), 10_000, 'prompts/list_changed');
    expect(next?.method).toBe('notifications/prompts/list_changed');
  });
});

describe('server-to-client requests', () => {
  it('runs a sampling round trip: request on the POST stream, answer by POST, result on the stream', async () => {
    const session = await HttpSession.open(handle.url, { sampling: {} });
    const { reader } = await postStream(session, 30, 'tools/call', { name: 'test_sampling', arguments: { prompt: 'Capital of France?' } });
    const ask = await deadline(reader.until(isMethod('sampling/createMessage'), 'sampling/createMessage'), 10_000, 'sampling/createMessage');
    expect(ask.id).toBeDefined();
    expect(ask.params).toMatchObject({ messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }], maxTokens: 100 });

    const answer = await post(
      handle.url,
      { jsonrpc: '2.0', id: ask.id, result: { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model', stopReason: 'endTurn' } },
      session.headers(),
    );
    expect(answer.status).toBe(202);

    const final = await deadline(reader.until((m) => m.id === 30, 'the tools/call response'), 10_000, 'the tool result');
    expect(textOf(resultOf(final))).toBe('LLM response: Paris');
    expect(await reader.nextMessage()).toBeUndefined();
  });

  it('turns a client error answer into a JSON-RPC error or tool error, not a hang', async () => {
    const session = await HttpSession.open(handle.url, { sampling: {} });
    const { reader } = await postStream(session, 31, 'tools/call', { name: 'test_sampling', arguments: { prompt: 'no' } });
    const ask = await reader.until(isMethod('sampling/createMessage'), 'sampling/createMessage');
    const answer = await post(handle.url, { jsonrpc: '2.0', id: ask.id, error: { code: -1, message: 'User rejected sampling' } }, session.headers());
    expect(answer.status).toBe(202);
    const final = await deadline(reader.until((m) => m.id === 31, 'the tools/call response'), 10_000, 'the tool outcome');
    const outcome = JSON.stringify(final);
    expect('error' in final || (final.result as Json).isError === true).toBe(true);
    expect(outcome).toContain('User rejected sampling');
  });

  it('refuses sampling when the client did not declare the capability', async () => {
    const session = await HttpSession.open(handle.url);
    const r = await session.request(32, 'tools/call', { name: 'test_sampling', arguments: { prompt: 'x' } });
    const m = lastMessage(r);
    expect('error' in m || (m.result as Json).isError === true).toBe(true);
    expect(r.messages.some(isMethod('sampling/createMessage'))).toBe(false);
  });
});

describe('session end', () => {
  it('DELETE ends the session; later POST, GET and DELETE get 404', async () => {
    const session = await HttpSession.open(handle.url);
    const del = await session.delete();
    expect(del.status).toBe(200);
    expect((await session.request(40, 'ping')).status).toBe(404);
    const get = await fetch(handle.url, { headers: session.headers({ accept: SSE_ACCEPT }) });
    await get.body?.cancel();
    expect(get.status).toBe(404);
    expect((await session.delete()).status).toBe(404);
  });

  it('sessionCount follows sessions as they open and end', async () => {
    const own = await serveHttp(createEchoServer(), { port: 0 });
    try {
      expect(own.handler.sessionCount).toBe(0);
      const a = await HttpSession.open(own.url);
      await HttpSession.open(own.url);
      expect(own.handler.sessionCount).toBe(2);
      await a.delete();
      expect(own.handler.sessionCount).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('DELETE closes the session\'s open GET stream', async () => {
    const session = await HttpSession.open(handle.url);
    const stream = await getStream(session);
    expect((await session.delete()).status).toBe(200);
    expect(await deadline(stream.rest(), 10_000, 'the GET stream to end')).toEqual([]);
  });

  it('closes idle sessions after sessionIdleTtlMs', { timeout: 30_000 }, async () => {
    const idle = await serveHttp(createEchoServer(), { port: 0, sessionIdleTtlMs: 50 });
    try {
      const session = await HttpSession.open(idle.url);
      expect((await session.request(1, 'ping')).status).toBe(200);
      // Each probe is itself activity, so probes are spaced well past the TTL: the sweep then finds the
      // session idle. Bounded, and no assertion on when it happens.
      await eventually(async () => (await session.request(2, 'ping')).status === 404, 'the idle session to be closed', 60, 300);
      expect((await session.delete()).status).toBe(404);
    } finally {
      await idle.close();
    }
  });
});
