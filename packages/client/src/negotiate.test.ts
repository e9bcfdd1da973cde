/**
 * Era negotiation through Client.connect: the 2026-07-28 `server/discover` probe, the fall back to the
 * session-era `initialize` for every way a legacy server says "no", -32022 retries, pinned revisions, and the
 * per-request `_meta` of the stateless era.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ErrorCode,
  HttpError,
  InMemoryTransport,
  type JsonObject,
  type JsonRpcMessage,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_LOG_LEVEL,
  META_PROTOCOL_VERSION,
  ProtocolViolationError,
  TimeoutError,
} from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import {
  CLIENT_INFO,
  FAKE_SERVER_INFO,
  type FakeHandler,
  closeAll,
  connectTo,
  discoverResult,
  fails,
  fakeServer,
  legacyServer,
  modernServer,
  newClient,
  peek,
  requestsFor,
  silent,
} from '../test-support/harness.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

function demoServer(): McpServer {
  const server = new McpServer({ name: 'demo', version: '9.9.9' }, { instructions: 'be nice' });
  server.tool('echo', {}, () => ({ content: [{ type: 'text', text: 'hi' }] }));
  return server;
}

describe('auto negotiation against McpServer', () => {
  it('picks 2026-07-28 and reports what server/discover said', async () => {
    const { client, sent } = await connectTo(demoServer());
    expect(client.era).toBe('stateless');
    expect(client.server).toMatchObject({
      era: 'stateless',
      protocolVersion: '2026-07-28',
      serverInfo: { name: 'demo', version: '9.9.9' },
      instructions: 'be nice',
      capabilities: { tools: { listChanged: true } },
    });
    expect(requestsFor(sent, 'initialize')).toHaveLength(0);
    expect((await client.listTools()).map((t) => t.name)).toEqual(['echo']);
  });

  it('speaks the session era to a server limited to session revisions', async () => {
    const server = new McpServer({ name: 'old', version: '1' }, { revisions: ['2025-06-18', '2025-11-25'] });
    server.tool('echo', {}, () => ({ content: [] }));
    const { client } = await connectTo(server);
    expect(client.server).toMatchObject({ era: 'session', protocolVersion: '2025-11-25', serverInfo: { name: 'old' } });
    expect((await client.listTools()).map((t) => t.name)).toEqual(['echo']);
  });
});

describe('fall back to initialize (2025-11-25)', () => {
  const legacyAnswers: Array<[string, FakeHandler]> = [
    ['-32601 Method not found', fails(ErrorCode.MethodNotFound)],
    ['-32600 Invalid request', fails(ErrorCode.InvalidRequest, 'Invalid request: not initialized')],
    ['-32602 Invalid params', fails(ErrorCode.InvalidParams)],
    ['-32000 (an HTTP 400 relayed as JSON-RPC)', fails(-32000, 'Bad Request: Server not initialized')],
    ['{} without supportedVersions', () => ({})],
    ['a result listing only session revisions', () => ({ supportedVersions: ['2025-06-18'], capabilities: {} })],
  ];

  it.each(legacyAnswers)('when server/discover is answered with %s', async (_what, discover) => {
    const { server, transport } = await legacyServer({}, { discover, capabilities: { tools: {} } });
    const client = newClient();
    const negotiated = await client.connect(transport);
    expect(negotiated).toMatchObject({ era: 'session', protocolVersion: '2025-11-25', serverInfo: FAKE_SERVER_INFO, capabilities: { tools: {} } });
    expect(server.calls('server/discover')).toHaveLength(1);
    const init = server.calls('initialize');
    expect(init).toHaveLength(1);
    expect(init[0]!.params).toEqual({ protocolVersion: '2025-11-25', capabilities: {}, clientInfo: CLIENT_INFO });
    expect(server.notifications.map((n) => n.method)).toContain('notifications/initialized');
  });

  it('when the transport fails the probe with an HTTP error', async () => {
    const { server, transport } = await legacyServer();
    const send = transport.send.bind(transport);
    transport.send = (message: JsonRpcMessage) =>
      'method' in message && message.method === 'server/discover' ? Promise.reject(HttpError.from(400, 'HTTP 400 Bad Request')) : send(message);
    const negotiated = await newClient().connect(transport);
    expect(negotiated.era).toBe('session');
    expect(server.calls('initialize')).toHaveLength(1);
  });

  it('when the server stays silent past probeTimeoutMs', async () => {
    const { server, transport } = await legacyServer({}, { discover: silent });
    const negotiated = await newClient({ probeTimeoutMs: 20 }).connect(transport);
    expect(negotiated.era).toBe('session');
    expect(server.calls('initialize')).toHaveLength(1);
  });

  it('waits 10 s by default for a silent probe, then falls back', async () => {
    vi.useFakeTimers();
    const { transport } = await legacyServer({}, { discover: silent });
    const connecting = newClient().connect(transport);
    await vi.advanceTimersByTimeAsync(9_999);
    expect((await peek(connecting)).state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(connecting).resolves.toMatchObject({ era: 'session' });
  });

  it('rejects an initialize answer naming a revision the client does not speak', async () => {
    const { server, transport } = await legacyServer({ initialize: () => ({ protocolVersion: '1999-01-01', capabilities: {}, serverInfo: FAKE_SERVER_INFO }) });
    const client = newClient();
    await expect(client.connect(transport)).rejects.toBeInstanceOf(ProtocolViolationError);
    expect(client.closed).toBe(true);
    expect(server.closed).toBe(true);
    expect(server.notifications.map((n) => n.method)).not.toContain('notifications/initialized');
  });

  it('applies requestTimeoutMs to initialize', async () => {
    vi.useFakeTimers();
    const { server, transport } = await legacyServer({ initialize: silent });
    const connecting = newClient({ requestTimeoutMs: 5_000 }).connect(transport);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls('initialize')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect((await peek(connecting)).state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await peek(connecting);
    expect(outcome.state).toBe('rejected');
    expect(outcome.state === 'rejected' && outcome.reason).toBeInstanceOf(TimeoutError);
  });
});

describe('-32022 UnsupportedProtocolVersion on the probe', () => {
  const refuse = (supported: unknown): FakeHandler => fails(ErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version', { supported, requested: '2026-07-28' });

  it('retries once when the refused revision is listed as supported, then succeeds', async () => {
    let n = 0;
    const { server, transport } = await fakeServer({
      'server/discover': (params, request, ctx) => (++n === 1 ? refuse(['2026-07-28'])(params, request, ctx) : discoverResult()),
    });
    const negotiated = await newClient().connect(transport);
    expect(negotiated).toMatchObject({ era: 'stateless', protocolVersion: '2026-07-28' });
    expect(server.calls('server/discover')).toHaveLength(2);
  });

  it('gives up after a bounded number of probes when the server keeps refusing', async () => {
    const { server, transport } = await fakeServer({ 'server/discover': refuse(['2026-07-28']) });
    await expect(newClient().connect(transport)).rejects.toBeInstanceOf(ProtocolViolationError);
    const probes = server.calls('server/discover').length;
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(probes).toBeLessThanOrEqual(3);
    expect(server.calls('initialize')).toHaveLength(0);
  });

  it('falls back to initialize when only session revisions are listed', async () => {
    const { server, transport } = await legacyServer({}, { discover: refuse(['2025-11-25', '2025-06-18']) });
    const negotiated = await newClient().connect(transport);
    expect(negotiated).toMatchObject({ era: 'session', protocolVersion: '2025-11-25' });
    expect(server.calls('server/discover')).toHaveLength(1);
  });

  it('fails when the server lists no revision the client speaks', async () => {
    const { server, transport } = await legacyServer({}, { discover: refuse(['2099-01-01']) });
    await expect(newClient().connect(transport)).rejects.toThrow(/supports none/);
    expect(server.calls('initialize')).toHaveLength(0);
  });
});

describe('pinned protocolVersion', () => {
  it('2025-03-26 goes straight to initialize with that revision', async () => {
    const { client, sent } = await connectTo(demoServer(), { protocolVersion: '2025-03-26' });
    expect(client.server).toMatchObject({ era: 'session', protocolVersion: '2025-03-26' });
    expect(requestsFor(sent, 'server/discover')).toHaveLength(0);
    expect(requestsFor(sent, 'initialize')[0]!.params).toMatchObject({ protocolVersion: '2025-03-26' });
  });

  it('2026-07-28 speaks the stateless era to McpServer', async () => {
    const { client, sent } = await connectTo(demoServer(), { protocolVersion: '2026-07-28' });
    expect(client.server).toMatchObject({ era: 'stateless', protocolVersion: '2026-07-28' });
    expect(requestsFor(sent, 'initialize')).toHaveLength(0);
  });

  it('2026-07-28 does not fall back to a legacy server', async () => {
    const { server, transport } = await legacyServer();
    await expect(newClient({ protocolVersion: '2026-07-28' }).connect(transport)).rejects.toBeInstanceOf(ProtocolViolationError);
    expect(server.calls('initialize')).toHaveLength(0);
  });

  it('2026-07-28 against a silent server reports the timeout, not a version mismatch', async () => {
    const { server, transport } = await legacyServer({}, { discover: silent });
    const connecting = newClient({ protocolVersion: '2026-07-28', probeTimeoutMs: 10, requestTimeoutMs: 60 }).connect(transport);
    await expect(connecting).rejects.toBeInstanceOf(TimeoutError);
    expect(server.calls('initialize')).toHaveLength(0);
  });

  it('2026-07-28 gives a slow server the whole request timeout, not the fallback probe budget', async () => {
    vi.useFakeTimers();
    const { transport } = await legacyServer({}, { discover: silent });
    const connecting = newClient({ protocolVersion: '2026-07-28', probeTimeoutMs: 100, requestTimeoutMs: 5_000 }).connect(transport);
    connecting.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(4_999);
    expect((await peek(connecting)).state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(connecting).rejects.toBeInstanceOf(TimeoutError);
  });

  it('an unknown revision is refused before anything is sent', async () => {
    const { server, transport } = await legacyServer();
    await expect(newClient({ protocolVersion: '2024-01-01' }).connect(transport)).rejects.toThrow(/Unknown protocol revision/);
    expect(server.received).toHaveLength(0);
  });
});

describe('per-request _meta in the stateless era', () => {
  const handlers = {
    sampling: () => ({ role: 'assistant' as const, content: { type: 'text' as const, text: 'x' }, model: 'm' }),
    elicitation: () => ({ action: 'decline' as const }),
    roots: () => [],
  };

  it('carries protocolVersion, capabilities derived from handlers and clientInfo, on the probe and after', async () => {
    const { server, transport } = await modernServer({ 'tools/list': () => ({ tools: [] }) });
    const client = newClient({ handlers, capabilities: { experimental: { x: {} } } });
    await client.connect(transport);
    await client.listTools();
    const expected: JsonObject = {
      [META_PROTOCOL_VERSION]: '2026-07-28',
      [META_CLIENT_CAPABILITIES]: { experimental: { x: {} }, sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
      [META_CLIENT_INFO]: CLIENT_INFO,
    };
    expect(server.lastMeta('server/discover')).toEqual(expected);
    expect(server.lastMeta('tools/list')).toEqual(expected);
    expect(client.capabilities).toEqual(expected[META_CLIENT_CAPABILITIES]);
  });

  it('declares URL-mode elicitation only when asked to', async () => {
    const { server, transport } = await modernServer();
    await newClient({ handlers, urlElicitation: true }).connect(transport);
    expect(server.lastMeta('server/discover')?.[META_CLIENT_CAPABILITIES]).toMatchObject({ elicitation: { form: {}, url: {} } });
  });

  it('adds the log level after setLogLevel, without a logging/setLevel request', async () => {
    const { server, transport } = await modernServer({ 'tools/list': () => ({ tools: [] }) });
    const client = newClient();
    await client.connect(transport);
    await client.listTools();
    expect(server.lastMeta('tools/list')).not.toHaveProperty([META_LOG_LEVEL]);
    await client.setLogLevel('warning');
    await client.listTools();
    expect(server.lastMeta('tools/list')?.[META_LOG_LEVEL]).toBe('warning');
    expect(server.calls('logging/setLevel')).toHaveLength(0);
  });

  it('keeps caller _meta fields beside the protocol ones', async () => {
    const { server, transport } = await modernServer({ 'custom/thing': () => ({}) });
    const client = newClient();
    await client.connect(transport);
    await client.request('custom/thing', { _meta: { traceparent: '00-abc-def-01' }, value: 1 });
    expect(server.calls('custom/thing')[0]!.params).toMatchObject({ value: 1, _meta: { traceparent: '00-abc-def-01', [META_PROTOCOL_VERSION]: '2026-07-28' } });
  });

  it('sends no _meta in the session era', async () => {
    const { server, transport } = await legacyServer({ 'tools/list': () => ({ tools: [] }) });
    const client = newClient({ handlers });
    await client.connect(transport);
    await client.listTools();
    expect(server.calls('tools/list')[0]!.params).toEqual({});
  });
});

it('an in-memory pair end can be handed to connect before the server starts', async () => {
  const [clientEnd, serverEnd] = InMemoryTransport.pair();
  const client = newClient();
  const connecting = client.connect(clientEnd);
  const server = demoServer();
  await server.connect(serverEnd);
  await expect(connecting).resolves.toMatchObject({ era: 'stateless' });
  await server.close();
});
