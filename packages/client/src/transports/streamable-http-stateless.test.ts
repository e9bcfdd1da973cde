/**
 * StreamableHttpClientTransport in the 2026-07-28 era, under a Peer, against the real mcpkit server: routing
 * headers as the server saw them, Mcp-Param-* with the Base64 sentinel, 4xx JSON-RPC errors, SSE answers,
 * cancellation by closing the request, and `subscriptions/listen`.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CancelledError,
  ErrorCode,
  type JsonObject,
  type JsonRpcNotification,
  Peer,
  ProtocolError,
  type Tool,
} from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { createNodeFetch } from '../node/node-fetch.js';
import { StreamableHttpClientTransport } from './streamable-http.js';
import { type LocalServer, serveMcp } from '../../../../test/helpers/local-http.js';
import { deadline, eventually } from '../../../../test/helpers/http.js';

const STATELESS = '2026-07-28';
const meta = (version = STATELESS): JsonObject => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'transport-test', version: '1.0.0' },
});
const textOf = (result: JsonObject) => (result.content as Array<{ text: string }>)[0]!.text;

const routeSchema = {
  type: 'object',
  properties: {
    region: { type: 'string', 'x-mcp-header': 'Region' },
    count: { type: 'integer', 'x-mcp-header': 'Count' },
    flag: { type: 'boolean', 'x-mcp-header': 'Flag' },
    target: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
  },
};

let mcp: McpServer;
let local: LocalServer;
let waitStarted: Promise<void>;
let toolAborted: Promise<void>;
let signalAborted: () => void;
const peers: Peer[] = [];

beforeEach(async () => {
  mcp = new McpServer({ name: 'transport-test', version: '1.0.0' }, { onError: () => undefined });
  // Echoes the routing headers the server received, so tests assert on what went over the wire.
  const mirror = (headers: Readonly<Record<string, string>> | undefined) =>
    JSON.stringify(Object.fromEntries(Object.entries(headers ?? {}).filter(([k]) => k.startsWith('mcp-'))));
  mcp.tool('whoami', {}, (_args, ctx) => ({ content: [{ type: 'text', text: mirror(ctx.info?.headers) }] }));
  mcp.tool('route', { inputSchema: routeSchema }, (_args, ctx) => ({ content: [{ type: 'text', text: mirror(ctx.info?.headers) }] }));
  mcp.tool('count', {}, async (_args, ctx) => {
    for (let i = 1; i <= 3; i++) await ctx.progress(i, 3);
    return { content: [{ type: 'text', text: 'counted' }] };
  });
  let started!: () => void;
  waitStarted = new Promise<void>((r) => (started = r));
  toolAborted = new Promise<void>((r) => (signalAborted = r));
  mcp.tool('wait', { inputSchema: { type: 'object', properties: { stream: { type: 'boolean' } } } }, async (args, ctx) => {
    if (args.stream === true) await ctx.progress(0);
    started();
    await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
    signalAborted();
    return { content: [] };
  });
  local = await serveMcp(mcp);
});

afterEach(async () => {
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
  await local.close();
});

function connect(options: { toolSchemas?: (name: string) => JsonObject | undefined } = {}) {
  const transport = new StreamableHttpClientTransport(local.url, { fetch: fetchUnderTest, ...options });
  transport.era = 'stateless';
  transport.protocolVersion = STATELESS;
  const errors: Error[] = [];
  const notifications: JsonRpcNotification[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), onNotification: (n) => notifications.push(n) });
  peers.push(peer);
  const call = (name: string, args: JsonObject = {}, options = {}) => peer.request('tools/call', { name, arguments: args, _meta: meta() }, options);
  return { transport, peer, errors, notifications, call };
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

    describe('stateless era against the mcpkit server', () => {
      it('sends MCP-Protocol-Version, Mcp-Method and Mcp-Name, and never a session id or a GET', async () => {
        const { peer, transport, call, errors } = connect();
        await peer.start();
        const discovered = await peer.request('server/discover', { _meta: meta() });
        expect(discovered.supportedVersions).toContain(STATELESS);
        const seenByTool = JSON.parse(textOf(await call('whoami'))) as Record<string, string>;
        expect(seenByTool).toEqual({ 'mcp-protocol-version': STATELESS, 'mcp-method': 'tools/call', 'mcp-name': 'whoami' });
        const discover = local.seen[0]!;
        expect(discover.headers['mcp-method']).toBe('server/discover');
        expect(discover.headers['mcp-name']).toBeUndefined();
        expect(local.seen.every((r) => r.method === 'POST' && r.headers['mcp-session-id'] === undefined)).toBe(true);
        expect(transport.sessionId).toBeUndefined();
        expect(errors).toEqual([]);
      });

      it('mirrors x-mcp-header arguments into Mcp-Param-* headers, which the server checks against the body', async () => {
        const { peer, transport, call } = connect();
        const listed = await peer.request('tools/list', { _meta: meta() });
        const tools = new Map((listed.tools as Tool[]).map((t) => [t.name, t]));
        expect(transport.validateTool(tools.get('route')!)).toEqual([]);
        transport.toolSchemas = (name) => tools.get(name)?.inputSchema;

        const first = JSON.parse(textOf(await call('route', { region: 'Hello, 世界', count: 42, flag: true, target: { zone: '=?base64?literal?=' } })));
        expect(first).toMatchObject({
          'mcp-param-region': '=?base64?SGVsbG8sIOS4lueVjA==?=',
          'mcp-param-count': '42',
          'mcp-param-flag': 'true',
          'mcp-param-zone': '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=',
        });
        const second = JSON.parse(textOf(await call('route', { region: ' padded ', target: { zone: 'line1\nline2' } })));
        expect(second['mcp-param-region']).toBe('=?base64?IHBhZGRlZCA=?=');
        expect(second['mcp-param-zone']).toBe('=?base64?bGluZTEKbGluZTI=?=');
        expect(second).not.toHaveProperty('mcp-param-count');
        expect(second).not.toHaveProperty('mcp-param-flag');
      });

      it('settles a request answered by a 4xx JSON-RPC error as a ProtocolError with its code', async () => {
        const { peer, transport, call } = connect();
        // No schema known: no Mcp-Param-Region, which the server must refuse (400, -32020).
        await expect(call('route', { region: 'eu' })).rejects.toMatchObject({ code: ErrorCode.HeaderMismatch });
        await expect(peer.request('nope/nope', { _meta: meta() })).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
        transport.protocolVersion = '2099-01-01';
        const error = await peer.request('tools/list', { _meta: meta('2099-01-01') }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProtocolError);
        expect(error).toMatchObject({ code: ErrorCode.UnsupportedProtocolVersion, data: { supported: expect.arrayContaining([STATELESS]) } });
        expect(local.seen.map((r) => r.headers['mcp-method'])).toEqual(['tools/call', 'nope/nope', 'tools/list']);
      });

      it('delivers request-scoped notifications from an SSE answer before the result', async () => {
        const { call } = connect();
        const progress: number[] = [];
        const result = await call('count', {}, { onProgress: (p: { progress: number }) => progress.push(p.progress) });
        expect(progress).toEqual([1, 2, 3]);
        expect(textOf(result)).toBe('counted');
      });

      it.each([
        ['before any answer', false],
        ['in the middle of an SSE answer', true],
      ])('cancels %s by aborting the request, not by POSTing notifications/cancelled', async (_when, stream) => {
        const { call, errors } = connect();
        const controller = new AbortController();
        const outcome = call('wait', { stream }, { signal: controller.signal }).then(() => undefined, (e: unknown) => e);
        await deadline(waitStarted, 2000, 'the tool to start');
        controller.abort('user changed their mind');
        expect(await outcome).toBeInstanceOf(CancelledError);
        // spec 2026-07-28 streamable-http#cancellation: the server sees the stream close and stops the handler.
        await deadline(toolAborted, 2000, 'the handler signal to abort');
        await deadline(local.seen[0]!.closed, 2000, 'the connection to close');
        expect(local.seen[0]!.aborted()).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
        expect(local.seen).toHaveLength(1);
        expect(errors).toEqual([]);
      });

      it('keeps a subscriptions/listen request open and delivers each notification as it arrives', async () => {
        const { peer, notifications, errors } = connect();
        const controller = new AbortController();
        let settled = false;
        const outcome = peer
          .request('subscriptions/listen', { _meta: meta(), notifications: { toolsListChanged: true } }, { signal: controller.signal })
          .then(() => undefined, (e: unknown) => e)
          .finally(() => (settled = true));
        await eventually(() => notifications.some((n) => n.method === 'notifications/subscriptions/acknowledged'), 'the acknowledgement', 50, 20);
        mcp.notifyListChanged('tools');
        await eventually(() => notifications.some((n) => n.method === 'notifications/tools/list_changed'), 'the first change', 50, 20);
        mcp.notifyListChanged('tools');
        await eventually(() => notifications.filter((n) => n.method === 'notifications/tools/list_changed').length === 2, 'the second change', 50, 20);
        expect(settled).toBe(false);
        controller.abort();
        expect(await outcome).toBeInstanceOf(CancelledError);
        await deadline(local.seen[0]!.closed, 2000, 'the listen stream to close');
        expect(errors).toEqual([]);
      });

      it('resolves subscriptions/listen with the final result when the server ends the subscription', async () => {
        const { peer, notifications } = connect();
        const listen = peer.request('subscriptions/listen', { _meta: meta(), notifications: { toolsListChanged: true } });
        await eventually(() => notifications.length > 0, 'the acknowledgement', 50, 20);
        await mcp.close();
        const result = await deadline(listen, 2000, 'the listen result');
        expect(result._meta).toMatchObject({ 'io.modelcontextprotocol/subscriptionId': 0 });
      });
    });
  });
}
