/**
 * StreamableHttpClientTransport against small `node:http` servers that misbehave on purpose, speaking the real
 * wire format: error statuses, auth challenges, malformed and broken SSE, resumption with `retry:` and
 * Last-Event-ID, the standalone stream, and session-era cancellation. Nothing may hang.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  ConnectionClosedError,
  ErrorCode,
  HttpError,
  type JsonObject,
  type JsonRpcNotification,
  Peer,
  ProtocolError,
  ProtocolViolationError,
} from '@mcpkit/protocol';
import { createNodeFetch } from '../node/node-fetch.js';
import { StreamableHttpClientTransport, type StreamableHttpClientTransportOptions } from './streamable-http.js';
import { type LocalServer, listenLocal, readRequestBody, startSse } from '../../../../test/helpers/local-http.js';
import { deadline, eventually } from '../../../../test/helpers/http.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: JsonObject | undefined) => void;

let local: LocalServer | undefined;
const peers: Peer[] = [];
const bodies: Array<JsonObject | undefined> = [];

afterEach(async () => {
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
  await local?.close();
  local = undefined;
  bodies.length = 0;
});

async function serve(handler: Handler): Promise<LocalServer> {
  local = await listenLocal((req, res) => {
    void readRequestBody(req).then((text) => {
      const body = text ? (JSON.parse(text) as JsonObject) : undefined;
      bodies.push(body);
      handler(req, res, body);
    });
  });
  return local;
}

function connect(options: StreamableHttpClientTransportOptions & { era?: 'session' | 'stateless'; sessionId?: string } = {}) {
  const transport = new StreamableHttpClientTransport(local!.url, { fetch: fetchUnderTest, reconnect: { initialDelayMs: 10 }, ...options });
  transport.era = options.era ?? 'session';
  transport.sessionId = options.sessionId;
  transport.protocolVersion = transport.era === 'stateless' ? '2026-07-28' : '2025-11-25';
  const errors: Error[] = [];
  const notifications: JsonRpcNotification[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), onNotification: (n) => notifications.push(n) });
  peers.push(peer);
  return { transport, peer, errors, notifications };
}

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};
const event = (message: unknown, id?: string, retry?: number) =>
  `${id === undefined ? '' : `id: ${id}\n`}${retry === undefined ? '' : `retry: ${retry}\n`}data: ${JSON.stringify(message)}\n\n`;
const progress = (n: number) => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 0, progress: n } });
const result = (id: unknown, text = 'ok') => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } });

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

    describe('HTTP errors', () => {
      it('rejects with HttpError on a 500 with an HTML body, naming the method and URL', async () => {
        await serve((_req, res) => {
          res.writeHead(500, { 'content-type': 'text/html' });
          res.end('<html><body>Internal Server Error</body></html>');
        });
        const { peer, errors } = connect();
        const error = await deadline(peer.request('tools/call', { name: 'x' }).catch((e: unknown) => e), 2000, 'the rejection');
        expect(error).toBeInstanceOf(HttpError);
        expect(error).toMatchObject({ code: 'MCPKIT_HTTP_ERROR', status: 500, body: expect.stringContaining('<html>') });
        expect((error as Error).message).toContain('tools/call (id 0)');
        expect((error as Error).message).toContain(local!.url);
        expect(errors).toEqual([]);
      });

      it('quotes WWW-Authenticate on a 401', async () => {
        const challenge = 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource"';
        await serve((_req, res) => {
          res.writeHead(401, { 'www-authenticate': challenge });
          res.end();
        });
        const { peer } = connect();
        await expect(peer.request('tools/list', {})).rejects.toMatchObject({ status: 401, message: expect.stringContaining(`WWW-Authenticate: ${challenge}`) });
      });

      it('asks the auth provider on 401 and retries once with fresh headers', async () => {
        await serve((req, res, body) => {
          if (req.headers.authorization !== 'Bearer fresh') {
            res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
            res.end();
          } else json(res, 200, result(body!.id));
        });
        let token = 'stale';
        const asked: Array<{ status: number; url: string; method: string; challenge: string | null }> = [];
        const { peer } = connect({
          authProvider: {
            headers: async () => ({ Authorization: `Bearer ${token}` }),
            onUnauthorized: async (response, request) => {
              asked.push({ status: response.status, ...request, challenge: response.headers.get('www-authenticate') });
              token = 'fresh';
              return true;
            },
          },
        });
        expect(await peer.request('tools/list', {})).toMatchObject({ content: [{ text: 'ok' }] });
        expect(asked).toEqual([{ status: 401, url: local!.url, method: 'POST', challenge: 'Bearer error="invalid_token"' }]);
        expect(local!.seen.map((r) => r.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
      });

      it('sends the caller headers (fixed or computed per request) without letting them override the protocol headers', async () => {
        await serve((_req, res, body) => json(res, 200, result(body!.id)));
        let n = 0;
        const { peer } = connect({ headers: () => ({ 'X-Count': String(++n), 'Content-Type': 'text/plain' }), requestInit: { headers: { 'X-Init': 'yes' } } });
        await peer.request('tools/list', {});
        await peer.request('tools/list', {});
        expect(local!.seen.map((r) => [r.headers['x-count'], r.headers['x-init'], r.headers['content-type']])).toEqual([
          ['1', 'yes', 'application/json'],
          ['2', 'yes', 'application/json'],
        ]);
      });

      it('rejects with a status-0 HttpError when nothing answers', async () => {
        const server = await serve(() => undefined);
        const url = server.url;
        await server.close();
        local = undefined;
        const transport = new StreamableHttpClientTransport(url, { fetch: fetchUnderTest });
        await expect(transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).rejects.toMatchObject({ code: 'MCPKIT_HTTP_ERROR', status: 0 });
      });
    });

    describe('unusable bodies', () => {
      it('fails a request whose SSE data is not JSON, and drops the stream', async () => {
        await serve((_req, res) => {
          startSse(res);
          res.write('data: {this is not json\n\n');
        });
        const { peer, errors } = connect();
        const error = await deadline(peer.request('tools/call', { name: 'x' }).catch((e: unknown) => e), 2000, 'the rejection');
        expect(error).toBeInstanceOf(ProtocolError);
        expect(error).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('not JSON') });
        expect(errors.some((e) => e instanceof ProtocolViolationError)).toBe(true);
        await deadline(local!.seen[0]!.closed, 2000, 'the client to drop the stream');
      });

      it.each([
        ['invalid JSON', 'application/json', '{"jsonrpc":'],
        ['JSON without the response', 'application/json', '{"jsonrpc":"2.0","method":"notifications/message","params":{}}'],
        ['another content type', 'text/plain', 'hello'],
      ])('fails a request answered with %s', async (_what, type, text) => {
        await serve((_req, res) => {
          res.writeHead(200, { 'content-type': type });
          res.end(text);
        });
        const { peer, errors } = connect();
        await expect(deadline(peer.request('tools/list', {}), 2000, 'the rejection')).rejects.toBeInstanceOf(ProtocolViolationError);
        expect(errors.some((e) => e instanceof ProtocolViolationError)).toBe(true);
      });

      it('fails a stateless request answered with 202 and no response', async () => {
        await serve((_req, res) => {
          res.writeHead(202);
          res.end();
        });
        const { peer } = connect({ era: 'stateless' });
        await expect(deadline(peer.request('tools/list', {}), 2000, 'the rejection')).rejects.toBeInstanceOf(ProtocolViolationError);
      });
    });

    describe('2026-07-28 direction rules', () => {
      it('drops a server-to-client request on a stateless stream as a violation, so nothing answers it', async () => {
        await serve((_req, res, body) => {
          startSse(res);
          res.write(event({ jsonrpc: '2.0', id: 'srv-1', method: 'roots/list' }));
          res.end(event(result(body!.id)));
        });
        const { peer, errors } = connect({ era: 'stateless' });
        expect(await peer.request('tools/call', { name: 'x' })).toMatchObject({ content: [{ text: 'ok' }] });
        expect(errors).toEqual([expect.any(ProtocolViolationError)]);
        await new Promise((r) => setTimeout(r, 50));
        expect(local!.seen).toHaveLength(1);
      });

      it('refuses to send a JSON-RPC response in the stateless era', async () => {
        await serve(() => undefined);
        const { transport } = connect({ era: 'stateless' });
        await expect(transport.send({ jsonrpc: '2.0', id: 1, result: {} })).rejects.toMatchObject({ code: 'MCPKIT_SEND_FAILED' });
        expect(local!.seen).toHaveLength(0);
      });
    });

    describe('broken SSE streams', () => {
      it('stateless: fails the request when its stream breaks, and does not try to resume', async () => {
        await serve((_req, res) => {
          startSse(res);
          res.write(event(progress(1), 'x1'), () => setTimeout(() => res.destroy(), 20));
        });
        const { peer, errors } = connect({ era: 'stateless' });
        const seenProgress: number[] = [];
        const error = await deadline(peer.request('tools/call', { name: 'x' }, { onProgress: (p) => seenProgress.push(p.progress) }).catch((e: unknown) => e), 2000, 'the rejection');
        expect(seenProgress).toEqual([1]);
        expect(error).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('re-issue it as a new request') });
        expect(errors.some((e) => e instanceof HttpError)).toBe(true);
        expect(local!.seen.map((r) => r.method)).toEqual(['POST']);
      });

      it('session era: resumes with GET and Last-Event-ID after the delay the server asked for', async () => {
        let brokeAt = 0;
        let resumedAt = 0;
        await serve((req, res, body) => {
          startSse(res);
          if (req.method === 'POST') {
            res.write(`${event(progress(1), 'e1', 200)}`, () => {
              brokeAt = Date.now();
              res.destroy();
            });
          } else {
            resumedAt = Date.now();
            res.end(event(result(bodies[0]!.id, 'resumed'), 'e2'));
          }
          void body;
        });
        const { peer, errors } = connect({ sessionId: 'sess-1' });
        const seenProgress: number[] = [];
        const answer = await deadline(peer.request('tools/call', { name: 'x' }, { onProgress: (p) => seenProgress.push(p.progress) }), 3000, 'the resumed answer');
        expect(answer).toMatchObject({ content: [{ text: 'resumed' }] });
        expect(seenProgress).toEqual([1]);
        const get = local!.seen[1]!;
        expect(get.method).toBe('GET');
        expect(get.headers['last-event-id']).toBe('e1');
        expect(get.headers['mcp-session-id']).toBe('sess-1');
        expect(get.headers.accept).toBe('text/event-stream');
        expect(resumedAt - brokeAt).toBeGreaterThanOrEqual(180);
        expect(errors).toEqual([]);
      });

      it('session era: gives up after maxRetries failed reconnections, and the request rejects', async () => {
        await serve((req, res) => {
          if (req.method === 'POST') {
            startSse(res);
            res.write(event(progress(1), 'e1'), () => res.destroy());
          } else {
            res.writeHead(503);
            res.end('busy');
          }
        });
        const { peer, errors } = connect({ sessionId: 's', reconnect: { maxRetries: 2, initialDelayMs: 10 } });
        const error = await deadline(peer.request('tools/call', { name: 'x' }).catch((e: unknown) => e), 3000, 'the rejection');
        expect(error).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('could not be resumed after 2 attempts') });
        expect(local!.seen.filter((r) => r.method === 'GET')).toHaveLength(2);
        expect(errors.some((e) => e instanceof HttpError)).toBe(true);
      });

      it('session era: fails at once when a stream without event ids ends before the response', async () => {
        await serve((_req, res) => {
          startSse(res);
          res.end(event(progress(1)));
        });
        const { peer } = connect({ sessionId: 's' });
        await expect(deadline(peer.request('tools/call', { name: 'x' }), 2000, 'the rejection')).rejects.toMatchObject({ code: ErrorCode.InternalError });
        expect(local!.seen.map((r) => r.method)).toEqual(['POST']);
      });
    });

    describe('the standalone stream and the session', () => {
      it('skips the standalone stream silently on 405, and ignores a 405 to DELETE', async () => {
        await serve((req, res) => {
          res.writeHead(req.method === 'POST' ? 202 : 405);
          res.end();
        });
        const { peer, transport, errors } = connect({ sessionId: 's' });
        await peer.notify('notifications/initialized');
        await eventually(() => local!.seen.some((r) => r.method === 'GET'), 'the GET');
        await transport.close();
        expect(local!.seen.map((r) => r.method)).toEqual(['POST', 'GET', 'DELETE']);
        expect(errors).toEqual([]);
      });

      it('reopens a dropped standalone stream with Last-Event-ID and keeps delivering', async () => {
        let gets = 0;
        await serve((req, res) => {
          if (req.method === 'POST') {
            res.writeHead(202);
            res.end();
            return;
          }
          startSse(res);
          gets++;
          const note = { jsonrpc: '2.0', method: 'notifications/tools/list_changed' };
          if (gets === 1) res.end(event(note, 'g1'));
          else res.write(event({ ...note, method: 'notifications/prompts/list_changed' }, 'g2'));
        });
        const { peer, notifications, errors } = connect({ sessionId: 's' });
        await peer.notify('notifications/initialized');
        await eventually(() => notifications.length === 2, 'both notifications', 50, 20);
        expect(notifications.map((n) => n.method)).toEqual(['notifications/tools/list_changed', 'notifications/prompts/list_changed']);
        expect(local!.seen.filter((r) => r.method === 'GET').map((r) => r.headers['last-event-id'])).toEqual([undefined, 'g1']);
        expect(errors).toEqual([]);
      });

      it('session era: cancels by POSTing notifications/cancelled, then stops reading the stream', async () => {
        await serve((req, res, body) => {
          if (body?.method === 'tools/call') {
            startSse(res);
            res.write(': waiting\n\n');
          } else {
            res.writeHead(202);
            res.end();
          }
        });
        const { peer } = connect({ sessionId: 's' });
        const controller = new AbortController();
        const outcome = peer.request('tools/call', { name: 'x' }, { signal: controller.signal }).catch((e: unknown) => e);
        await eventually(() => local!.seen.length === 1, 'the POST');
        controller.abort();
        expect(await outcome).toBeInstanceOf(CancelledError);
        await eventually(() => bodies.length === 2, 'the cancellation POST');
        expect(bodies[1]).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 0 } });
        expect(local!.seen[1]!.headers['mcp-session-id']).toBe('s');
        await deadline(local!.seen[0]!.closed, 2000, 'the stream to be dropped');
      });

      it('stateless: cancelling a request not yet answered drops its connection, and nothing else is sent', async () => {
        await serve(() => undefined); // never answers
        const { peer } = connect({ era: 'stateless' });
        const controller = new AbortController();
        const outcome = peer.request('tools/call', { name: 'x' }, { signal: controller.signal }).catch((e: unknown) => e);
        await eventually(() => local!.seen.length === 1, 'the POST');
        controller.abort();
        expect(await outcome).toBeInstanceOf(CancelledError);
        await deadline(local!.seen[0]!.closed, 2000, 'the request to be dropped');
        expect(local!.seen).toHaveLength(1);
      });

      it('close() ends every request in flight: the caller gets ConnectionClosedError and the server sees the connection go', async () => {
        await serve(() => undefined); // never answers
        const { peer, transport } = connect({ era: 'stateless' });
        const outcomes = [peer.request('tools/call', { name: 'a' }), peer.request('tools/call', { name: 'b' })].map((p) => p.catch((e: unknown) => e));
        await eventually(() => local!.seen.length === 2, 'both POSTs');
        await transport.close();
        for (const outcome of await deadline(Promise.all(outcomes), 2000, 'the rejections')) expect(outcome).toBeInstanceOf(ConnectionClosedError);
        await deadline(Promise.all(local!.seen.map((r) => r.closed)), 2000, 'both requests to be dropped');
      });
    });
  });
}
