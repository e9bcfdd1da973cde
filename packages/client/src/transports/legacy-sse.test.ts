/**
 * LegacySseClientTransport under a Peer against a small HTTP+SSE server (2024-11-05 wire format) on 127.0.0.1:
 * the endpoint event, the round trip, the same-origin rule, and failures that must not hang.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  HttpError,
  type JsonObject,
  type JsonRpcNotification,
  Peer,
  ProtocolViolationError,
  TimeoutError,
} from '@mcpkit/protocol';
import { LegacySseClientTransport } from './legacy-sse.js';
import { type LocalServer, listenLocal, readRequestBody, startSse } from '../../../../test/helpers/local-http.js';
import { deadline, eventually } from '../../../../test/helpers/http.js';

interface Legacy extends LocalServer {
  streams: ServerResponse[];
  posts: JsonObject[];
}

let server: Legacy | undefined;
const peers: Peer[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
  await server?.close();
  server = undefined;
});

const send = (res: ServerResponse, message: unknown) => res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);

/** A 2024-11-05 server: GET /sse announces `endpoint`; POSTs to it are answered on the stream. */
async function legacyServer(options: { endpoint?: (origin: string) => string; onGet?: (res: ServerResponse) => boolean; postStatus?: number } = {}): Promise<Legacy> {
  const streams: ServerResponse[] = [];
  const posts: JsonObject[] = [];
  const local = await listenLocal((req, res) => {
    if (req.method === 'GET') {
      if (options.onGet?.(res)) return;
      startSse(res);
      streams.push(res);
      res.write(`: hello\n\nevent: endpoint\ndata: ${options.endpoint?.(local.origin) ?? '/messages?sessionId=abc'}\n\n`);
      return;
    }
    void readRequestBody(req).then((text) => {
      const message = JSON.parse(text) as JsonObject;
      posts.push(message);
      res.writeHead(options.postStatus ?? 202, { 'content-type': 'text/plain' });
      res.end(options.postStatus ? 'rejected' : 'Accepted');
      const stream = streams[0];
      if (!stream || !('id' in message) || options.postStatus) return;
      if (message.method === 'initialize') {
        send(stream, { jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'legacy', version: '0' } } });
      } else if (message.method === 'tools/call') {
        send(stream, { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } });
        const text = ((message.params as JsonObject).arguments as JsonObject).text;
        send(stream, { jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text }] } });
      }
    });
  }, '/sse');
  server = { ...local, streams, posts };
  return server;
}

function connect(url: string, options: ConstructorParameters<typeof LegacySseClientTransport>[1] = {}) {
  const transport = new LegacySseClientTransport(url, options);
  const errors: Error[] = [];
  const notifications: JsonRpcNotification[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), onNotification: (n) => notifications.push(n) });
  peers.push(peer);
  return { transport, peer, errors, notifications };
}

describe('HTTP+SSE round trip', () => {
  it('learns the endpoint, then POSTs messages to it and receives answers on the stream', async () => {
    const s = await legacyServer();
    const { transport, peer, errors, notifications } = connect(s.url);
    await peer.start();
    expect(transport.endpoint).toBe(`${s.origin}/messages?sessionId=abc`);
    expect(s.seen[0]).toMatchObject({ method: 'GET', url: '/sse', headers: { accept: 'text/event-stream' } });
    const init = await peer.request('initialize', { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 't', version: '1' } });
    expect(init.protocolVersion).toBe('2024-11-05');
    await peer.notify('notifications/initialized');
    const result = await peer.request('tools/call', { name: 'echo', arguments: { text: 'over sse' } });
    expect(result).toEqual({ content: [{ type: 'text', text: 'over sse' }] });
    expect(notifications.map((n) => n.method)).toEqual(['notifications/message']);
    expect(s.posts.map((m) => m.method)).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
    const post = s.seen.find((r) => r.method === 'POST')!;
    expect(post.url).toBe('/messages?sessionId=abc');
    expect(post.headers['content-type']).toBe('application/json');
    expect(errors).toEqual([]);
  });

  it('accepts an absolute endpoint on the same origin', async () => {
    const s = await legacyServer({ endpoint: (origin) => `${origin}/elsewhere/post` });
    const { transport } = connect(s.url);
    await transport.start();
    expect(transport.endpoint).toBe(`${s.origin}/elsewhere/post`);
    await transport.close();
  });

  it.each([
    ['another host', () => 'http://evil.example/messages'],
    ['another port', (origin: string) => origin.replace(/:(\d+)$/, (_m, p: string) => `:${Number(p) + 1}`) + '/messages'],
    ['another scheme', (origin: string) => origin.replace('http:', 'https:') + '/messages'],
    ['a protocol-relative URL', () => '//evil.example/messages'],
  ])('refuses an endpoint on %s and drops the stream', async (_what, endpoint) => {
    const s = await legacyServer({ endpoint });
    const { transport } = connect(s.url);
    const error = await transport.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolViolationError);
    expect((error as Error).message).toContain('not on the origin');
    expect(transport.endpoint).toBeUndefined();
    await deadline(s.seen[0]!.closed, 2000, 'the stream to be dropped');
    await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).rejects.toMatchObject({ code: 'MCPKIT_TRANSPORT_STATE' });
  });

  it('reports a non-JSON message event and keeps the stream', async () => {
    const s = await legacyServer();
    const { peer, errors, notifications } = connect(s.url);
    await peer.start();
    s.streams[0]!.write('event: message\ndata: not json\n\n');
    send(s.streams[0]!, { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'after' } });
    await eventually(() => notifications.length === 1, 'the next message', 50, 20);
    expect(errors.some((e) => e instanceof ProtocolViolationError)).toBe(true);
  });
});

describe('failures', () => {
  it('rejects start() with HttpError on a non-2xx GET', async () => {
    const s = await legacyServer({
      onGet: (res) => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such stream');
        return true;
      },
    });
    const { transport } = connect(s.url);
    await expect(transport.start()).rejects.toMatchObject({ code: 'MCPKIT_HTTP_ERROR', status: 404, body: 'no such stream' });
  });

  it('rejects start() with TimeoutError when no endpoint event comes', async () => {
    const s = await legacyServer({
      onGet: (res) => {
        startSse(res);
        res.write(': nothing to see\n\n');
        return true;
      },
    });
    const { transport } = connect(s.url, { endpointTimeoutMs: 150 });
    const started = Date.now();
    await expect(transport.start()).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    await deadline(s.seen[0]!.closed, 2000, 'the stream to be dropped');
  });

  it('rejects a send the server refuses with HttpError', async () => {
    const s = await legacyServer({ postStatus: 400 });
    const { peer } = connect(s.url);
    await peer.start();
    const error = await peer.request('tools/list', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, body: 'rejected' });
  });

  it('closes when the server ends the stream, rejecting what was in flight', async () => {
    const s = await legacyServer();
    const { peer, transport } = connect(s.url);
    let closed = 0;
    transport.onclose = ((inner) => () => {
      closed++;
      inner?.();
    })(transport.onclose);
    await peer.start();
    const outcome = peer.request('tools/list', {}).catch((e: unknown) => e);
    await eventually(() => s.posts.length === 1, 'the POST', 50, 20);
    s.streams[0]!.end();
    expect(await deadline(outcome, 2000, 'the rejection')).toBeInstanceOf(ConnectionClosedError);
    expect(closed).toBe(1);
  });

  it('close() aborts the stream and refuses later sends', async () => {
    const s = await legacyServer();
    const { transport, peer } = connect(s.url);
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toMatchObject({ code: 'MCPKIT_TRANSPORT_STATE' });
    await peer.start();
    await peer.close();
    await deadline(s.seen[0]!.closed, 2000, 'the stream to close');
    expect(s.seen[0]!.aborted()).toBe(true);
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toMatchObject({ code: 'MCPKIT_TRANSPORT_STATE' });
  });
});
