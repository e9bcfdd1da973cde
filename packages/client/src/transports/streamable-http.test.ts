/**
 * StreamableHttpClientTransport in the session era, under a Peer, against the real mcpkit server on 127.0.0.1:
 * initialize, JSON and SSE answers, server-to-client requests, the standalone GET stream, resumption with
 * Last-Event-ID, session expiry and DELETE on close.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type JsonObject, type JsonRpcNotification, type PeerOptions, Peer, SessionExpiredError } from '@mcpkit/protocol';
import { InMemoryEventStore, McpServer } from '@mcpkit/server';
import type { HttpHandlerOptions } from '@mcpkit/server';
import { createNodeFetch } from '../node/node-fetch.js';
import { StreamableHttpClientTransport, type StreamableHttpClientTransportOptions } from './streamable-http.js';
import { type LocalServer, serveMcp } from '../../../../test/helpers/local-http.js';
import { deadline, eventually } from '../../../../test/helpers/http.js';

const SESSION = '2025-11-25';
const text = (result: JsonObject) => (result.content as Array<{ text: string }>)[0]!.text;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function testServer(): McpServer {
  const mcp = new McpServer({ name: 'transport-test', version: '1.0.0' }, { onError: () => undefined });
  mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => ({
    content: [{ type: 'text', text: String(args.text) }],
  }));
  mcp.tool('count', {}, async (_args, ctx) => {
    for (let i = 1; i <= 3; i++) await ctx.progress(i, 3);
    return { content: [{ type: 'text', text: 'counted' }] };
  });
  mcp.tool('ask', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } });
    return { content: [{ type: 'text', text: `hello ${String(answer.content?.name)}` }] };
  });
  mcp.tool('poll', {}, async (_args, ctx) => {
    await ctx.progress(1, 2);
    // SSE polling (spec 2025-11-25 transports): the server ends the connection, the client resumes with GET.
    ctx.closeStream();
    await pause(150);
    await ctx.progress(2, 2);
    return { content: [{ type: 'text', text: 'polled' }] };
  });
  return mcp;
}

let local: (LocalServer & { handler: { sessionCount: number } }) | undefined;
const peers: Peer[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
  await local?.close();
  local = undefined;
});

async function start(handlerOptions: HttpHandlerOptions = {}, mcp = testServer()): Promise<LocalServer & { handler: { sessionCount: number } }> {
  local = await serveMcp(mcp, handlerOptions);
  return local;
}

/** A Peer over the transport, initialized in the session era. */
async function connect(url: string, options: StreamableHttpClientTransportOptions = {}, peerOptions: PeerOptions = {}) {
  const transport = new StreamableHttpClientTransport(url, { fetch: fetchUnderTest, ...options });
  const errors: Error[] = [];
  const notifications: JsonRpcNotification[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), onNotification: (n) => notifications.push(n), ...peerOptions });
  peers.push(peer);
  await peer.start();
  const init = await peer.request('initialize', { protocolVersion: SESSION, capabilities: { elicitation: {} }, clientInfo: { name: 'transport-test', version: '1.0.0' } });
  transport.protocolVersion = init.protocolVersion as string;
  await peer.notify('notifications/initialized');
  return { transport, peer, errors, notifications, init };
}

// Every case runs over the global fetch and over createNodeFetch() (the gateway's upstream fetch).
const FETCHES: ReadonlyArray<readonly [string, typeof fetch | undefined]> = [
  ['the global fetch', undefined],
  ['createNodeFetch()', createNodeFetch()],
];
let fetchUnderTest: typeof fetch | undefined;

for (const [fetchName, fetchImpl] of FETCHES) {
  describe(`over ${fetchName}`, () => {
    beforeAll(() => {
      fetchUnderTest = fetchImpl;
    });

    describe('session era against the mcpkit server', () => {
      it('initializes, keeps the session id and sends it with the protocol version on later requests', async () => {
        const { url, seen } = await start();
        const { transport, peer, init, errors } = await connect(url, { openStandaloneStream: false });
        expect(init.protocolVersion).toBe(SESSION);
        expect(transport.sessionId).toMatch(/^[\x21-\x7e]+$/);
        const result = await peer.request('tools/call', { name: 'echo', arguments: { text: 'hi' } });
        expect(text(result)).toBe('hi');
        const posts = seen.filter((r) => r.method === 'POST');
        expect(posts.map((r) => r.headers['mcp-session-id'])).toEqual([undefined, transport.sessionId, transport.sessionId]);
        expect(posts.map((r) => r.headers['mcp-protocol-version'])).toEqual([undefined, SESSION, SESSION]);
        for (const r of posts) {
          expect(r.headers['content-type']).toBe('application/json');
          expect(r.headers.accept).toBe('application/json, text/event-stream');
          expect(r.headers['mcp-method']).toBeUndefined();
        }
        expect(errors).toEqual([]);
      });

      it('delivers progress notifications and the result from an SSE answer, in order', async () => {
        const { url } = await start();
        const { peer } = await connect(url, { openStandaloneStream: false });
        const progress: number[] = [];
        const result = await peer.request('tools/call', { name: 'count', arguments: {} }, { onProgress: (p) => progress.push(p.progress) });
        expect(progress).toEqual([1, 2, 3]);
        expect(text(result)).toBe('counted');
      });

      it('answers a server-to-client request that arrives on the POST stream', async () => {
        const { url } = await start();
        const asked: string[] = [];
        const { peer } = await connect(url, { openStandaloneStream: false }, {
          onRequest: (request) => {
            asked.push(request.method);
            return { action: 'accept', content: { name: 'Ada' } };
          },
        });
        const result = await peer.request('tools/call', { name: 'ask', arguments: {} });
        expect(asked).toEqual(['elicitation/create']);
        expect(text(result)).toBe('hello Ada');
      });

      it('opens the standalone GET stream after initialization and delivers server-initiated messages on it', async () => {
        const mcp = testServer();
        const { url, seen } = await start({}, mcp);
        const { transport, notifications, errors } = await connect(url);
        await eventually(() => seen.some((r) => r.method === 'GET'), 'the standalone GET');
        const get = seen.find((r) => r.method === 'GET')!;
        expect(get.headers.accept).toBe('text/event-stream');
        expect(get.headers['mcp-session-id']).toBe(transport.sessionId);
        expect(get.headers['mcp-protocol-version']).toBe(SESSION);
        await eventually(() => {
          mcp.notifyListChanged('tools');
          return notifications.some((n) => n.method === 'notifications/tools/list_changed');
        }, 'a list_changed notification on the GET stream', 50, 50);
        expect(errors).toEqual([]);
      });

      it('resumes an SSE answer with GET and Last-Event-ID when the server ends the connection early', async () => {
        const { url, seen } = await start({ eventStore: new InMemoryEventStore(), retryMs: 30 });
        const { peer, errors } = await connect(url, { openStandaloneStream: false });
        const progress: number[] = [];
        const result = await deadline(peer.request('tools/call', { name: 'poll', arguments: {} }, { onProgress: (p) => progress.push(p.progress) }), 5000, 'the resumed answer');
        expect(text(result)).toBe('polled');
        expect(progress).toEqual([1, 2]);
        const resumes = seen.filter((r) => r.method === 'GET' && r.headers['last-event-id'] !== undefined);
        expect(resumes).toHaveLength(1);
        expect(errors).toEqual([]);
      });

      it('turns a 404 on the session into SessionExpiredError, forgets the id, and can initialize again', async () => {
        const { url } = await start();
        const { transport, peer, errors } = await connect(url, { openStandaloneStream: false });
        const old = transport.sessionId!;
        // The server ends the session on its side.
        const ended = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': old } });
        expect(ended.status).toBe(200);
        await expect(peer.request('tools/call', { name: 'echo', arguments: { text: 'x' } })).rejects.toBeInstanceOf(SessionExpiredError);
        expect(errors.some((e) => e instanceof SessionExpiredError)).toBe(true);
        expect(transport.sessionId).toBeUndefined();
        // Until a new initialize, requests fail fast with the same error instead of going out without a session.
        await expect(peer.request('tools/list', {})).rejects.toBeInstanceOf(SessionExpiredError);
        const again = await peer.request('initialize', { protocolVersion: SESSION, capabilities: {}, clientInfo: { name: 't', version: '1' } });
        expect(again.protocolVersion).toBe(SESSION);
        expect(transport.sessionId).toBeDefined();
        expect(transport.sessionId).not.toBe(old);
        await peer.notify('notifications/initialized');
        expect(text(await peer.request('tools/call', { name: 'echo', arguments: { text: 'back' } }))).toBe('back');
      });

      it('ends the session with DELETE on close, and closes the standalone stream', async () => {
        const server = await start();
        const { transport, peer } = await connect(server.url);
        await eventually(() => server.seen.some((r) => r.method === 'GET'), 'the standalone GET');
        const sessionId = transport.sessionId;
        expect(server.handler.sessionCount).toBe(1);
        let closed = 0;
        peer.onClose(() => closed++);
        await peer.close();
        const del = server.seen.find((r) => r.method === 'DELETE');
        expect(del?.headers['mcp-session-id']).toBe(sessionId);
        expect(del?.headers['mcp-protocol-version']).toBe(SESSION);
        expect(server.handler.sessionCount).toBe(0);
        await deadline(server.seen.find((r) => r.method === 'GET')!.closed, 2000, 'the GET stream to close');
        expect(closed).toBe(1);
        await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).rejects.toMatchObject({ code: 'MCPKIT_TRANSPORT_STATE' });
      });

      it('rejects a request in flight with ConnectionClosedError when closed, without waiting for it', async () => {
        const mcp = testServer();
        mcp.tool('slow', {}, async (_a, ctx) => {
          await new Promise((r) => ctx.signal.addEventListener('abort', r));
          return { content: [] };
        });
        const { url } = await start({}, mcp);
        const { peer } = await connect(url, { openStandaloneStream: false });
        const outcome = peer.request('tools/call', { name: 'slow', arguments: {} }).then(() => undefined, (e: unknown) => e);
        await pause(50);
        await peer.close();
        expect(await deadline(outcome, 2000, 'the rejection')).toMatchObject({ code: 'MCPKIT_CONNECTION_CLOSED' });
      });
    });
  });
}
