/**
 * Client lifecycle and calls: connect options (timeout, abort), reconnecting, the `closed` getter, a server
 * that goes away mid-request, and the typed calls (tools, prompts, resources, completion) with their errors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  ConnectionClosedError,
  ErrorCode,
  InMemoryTransport,
  type JsonRpcMessage,
  ProtocolError,
  ProtocolViolationError,
  SessionExpiredError,
  TimeoutError,
  TransportStateError,
} from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { Client } from './index.js';
import { CLIENT_INFO, closeAll, connectTo, fakeServer, legacyServer, modernServer, newClient, nextEvent, peek, requestsFor, silent } from '../test-support/harness.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

const ERAS = [['2025-11-25'], ['2026-07-28']] as const;

function fullServer(): McpServer {
  const server = new McpServer({ name: 'full', version: '1' }, { onError: () => undefined });
  server.tool('add', { inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } }, (args) => ({
    content: [{ type: 'text', text: String(Number(args.a) + Number(args.b)) }],
  }));
  server.tool('explode', {}, () => {
    throw new Error('kaboom');
  });
  server.tool('slow', {}, async (_args, ctx) => {
    await ctx.progress(1, 2, 'half');
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    return { content: [] };
  });
  server.prompt(
    'review',
    {
      arguments: [{ name: 'lang', required: true }, { name: 'style' }],
      complete: { lang: (value, context) => ['typescript', 'python', 'tcl'].filter((l) => l.startsWith(value)).map((l) => `${l}${context.arguments.style ?? ''}`) },
    },
    (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: `review ${args.lang}` } }] }),
  );
  server.resource('readme', 'mem://readme', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri, text: 'read me' }] }));
  server.resourceTemplate('user', 'mem://users/{id}', { complete: { id: (value) => ['1', '12', '2'].filter((v) => v.startsWith(value)) } }, (uri, vars) => ({
    contents: [{ uri, text: `user ${String(vars.id)}` }],
  }));
  return server;
}

describe('connect', () => {
  it('reports closed until connected and after close', async () => {
    const client = new Client(CLIENT_INFO);
    expect(client.closed).toBe(true);
    expect(client.era).toBeUndefined();
    const { client: connected } = await connectTo(fullServer());
    expect(connected.closed).toBe(false);
    await connected.close();
    expect(connected.closed).toBe(true);
  });

  it('refuses a second connect while connected, and keeps the first connection', async () => {
    const { client } = await connectTo(fullServer());
    const [other] = InMemoryTransport.pair();
    await expect(client.connect(other)).rejects.toBeInstanceOf(TransportStateError);
    await expect(client.callTool('add', { a: 1, b: 2 })).resolves.toMatchObject({ content: [{ text: '3' }] });
  });

  it('gives up after timeoutMs against a silent server, with TimeoutError, and closes the transport', async () => {
    vi.useFakeTimers();
    const { server, transport } = await fakeServer({ 'server/discover': silent, initialize: silent });
    const client = newClient();
    const connecting = client.connect(transport, { timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(999);
    expect((await peek(connecting)).state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(connecting).rejects.toBeInstanceOf(TimeoutError);
    expect(server.closed).toBe(true);
    expect(client.closed).toBe(true);
  });

  it('rejects with CancelledError for an already aborted signal, sending nothing', async () => {
    const { server, transport } = await legacyServer();
    const client = newClient();
    await expect(client.connect(transport, { signal: AbortSignal.abort('changed my mind') })).rejects.toBeInstanceOf(CancelledError);
    expect(server.received).toHaveLength(0);
    expect(server.closed).toBe(true);
  });

  it('rejects with CancelledError when aborted during negotiation', async () => {
    const { server, transport } = await legacyServer({ initialize: silent });
    const client = newClient();
    const controller = new AbortController();
    const connecting = client.connect(transport, { signal: controller.signal });
    await vi.waitFor(() => expect(server.calls('initialize')).toHaveLength(1));
    controller.abort('user left');
    const failure = await connecting.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CancelledError);
    expect((failure as Error).cause).toBe('user left');
    expect(server.closed).toBe(true);
  });

  it('connects again over a new transport after close()', async () => {
    const { client } = await connectTo(fullServer());
    await client.close();
    await expect(client.listTools()).rejects.toBeInstanceOf(ConnectionClosedError);
    const { server, transport } = await legacyServer({ 'tools/list': () => ({ tools: [] }) });
    await expect(client.connect(transport)).resolves.toMatchObject({ era: 'session' });
    expect(client.closed).toBe(false);
    await expect(client.listTools()).resolves.toEqual([]);
    expect(server.calls('tools/list')).toHaveLength(1);
  });

  it('connects again after a failed connect', async () => {
    const client = newClient();
    const { transport: refusing } = await legacyServer({ initialize: () => ({ protocolVersion: 'nope' }) });
    await expect(client.connect(refusing)).rejects.toBeInstanceOf(ProtocolViolationError);
    const { transport } = await legacyServer();
    await expect(client.connect(transport)).resolves.toMatchObject({ era: 'session' });
  });

  it('forgets the previous server\'s output schemas on reconnect', async () => {
    const first = new McpServer({ name: 'first', version: '1' });
    first.tool('stats', { outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } }, () => ({ content: [], structuredContent: { n: 1 } }));
    const { client } = await connectTo(first);
    await client.listTools();
    await client.close();
    const { transport } = await modernServer({ 'tools/call': () => ({ content: [{ type: 'text', text: 'no structure here' }] }) });
    await client.connect(transport);
    await expect(client.callTool('stats')).resolves.toMatchObject({ content: [{ text: 'no structure here' }] });
  });
});

it('re-initializes once when the session expired, then retries the request', async () => {
  const { server, transport } = await legacyServer({ 'tools/list': () => ({ tools: [] }) });
  const send = transport.send.bind(transport);
  let expired = false;
  transport.send = (message: JsonRpcMessage) => {
    if (!expired && 'method' in message && message.method === 'tools/list') {
      expired = true;
      return Promise.reject(new SessionExpiredError('HTTP 404: unknown session'));
    }
    return send(message);
  };
  const client = newClient();
  await client.connect(transport);
  await expect(client.listTools()).resolves.toEqual([]);
  expect(server.calls('initialize')).toHaveLength(2);
  expect(server.calls('tools/list')).toHaveLength(1);
  expect(client.era).toBe('session');
});

describe('a server that goes away', () => {
  it('fails the request in flight with ConnectionClosedError and emits close', async () => {
    const { server, transport } = await modernServer({
      'tools/call': async () => {
        await server.close();
        return new Promise(() => undefined);
      },
    });
    const client = newClient();
    await client.connect(transport);
    const closed = nextEvent(client, 'close');
    await expect(client.callTool('t')).rejects.toBeInstanceOf(ConnectionClosedError);
    await closed;
    expect(client.closed).toBe(true);
    await expect(client.callTool('t')).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('calls before connect fail with ConnectionClosedError', async () => {
    const client = new Client(CLIENT_INFO);
    await expect(client.listTools()).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(client.callTool('x')).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(client.subscribeResource('mem://x')).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

describe.each(ERAS)('calls (%s)', (protocolVersion) => {
  it('callTool: a result, an isError result for a throwing tool, -32602 for an unknown tool', async () => {
    const { client } = await connectTo(fullServer(), { protocolVersion });
    await expect(client.callTool('add', { a: 2, b: 3 })).resolves.toMatchObject({ content: [{ type: 'text', text: '5' }] });
    await expect(client.callTool('explode')).resolves.toMatchObject({ isError: true, content: [{ text: 'kaboom' }] });
    await expect(client.callTool('add', { a: 'x' })).resolves.toMatchObject({ isError: true });
    const failure = await client.callTool('missing').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe(ErrorCode.InvalidParams);
  });

  it('getPrompt: messages, and -32602 for an unknown prompt or a missing argument', async () => {
    const { client } = await connectTo(fullServer(), { protocolVersion });
    const prompt = await client.getPrompt('review', { lang: 'tcl' });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'review tcl' } }]);
    await expect(client.getPrompt('nope')).rejects.toMatchObject({ name: 'ProtocolError', code: ErrorCode.InvalidParams });
    await expect(client.getPrompt('review')).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/lang/) });
  });

  it("readResource: fixed and templated contents, and the server's not-found code", async () => {
    const { client } = await connectTo(fullServer(), { protocolVersion });
    await expect(client.readResource('mem://readme')).resolves.toMatchObject({ contents: [{ uri: 'mem://readme', text: 'read me' }] });
    await expect(client.readResource('mem://users/7')).resolves.toMatchObject({ contents: [{ uri: 'mem://users/7', text: 'user 7' }] });
    const expected = protocolVersion === '2026-07-28' ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound;
    await expect(client.readResource('mem://nowhere')).rejects.toMatchObject({ name: 'ProtocolError', code: expected });
  });

  it('complete: prompt arguments with context, template variables, and errors', async () => {
    const { client } = await connectTo(fullServer(), { protocolVersion });
    await expect(client.complete({ type: 'ref/prompt', name: 'review' }, { name: 'lang', value: 't' })).resolves.toEqual({
      values: ['typescript', 'tcl'],
      total: 2,
      hasMore: false,
    });
    const withContext = await client.complete({ type: 'ref/prompt', name: 'review' }, { name: 'lang', value: 'py' }, { arguments: { style: '!' } });
    expect(withContext.values).toEqual(['python!']);
    const ids = await client.complete({ type: 'ref/resource', uri: 'mem://users/{id}' }, { name: 'id', value: '1' });
    expect(ids.values).toEqual(['1', '12']);
    await expect(client.complete({ type: 'ref/prompt', name: 'nope' }, { name: 'lang', value: '' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  it('ping resolves', async () => {
    const { client, sent } = await connectTo(fullServer(), { protocolVersion });
    await client.ping();
    const method = protocolVersion === '2026-07-28' ? 'server/discover' : 'ping';
    expect(requestsFor(sent, method).length).toBeGreaterThanOrEqual(1);
  });

  it('progress reaches onProgress; aborting the signal cancels with CancelledError', async () => {
    const { client, sent } = await connectTo(fullServer(), { protocolVersion });
    const controller = new AbortController();
    const progress = vi.fn();
    const calling = client.callTool('slow', {}, { signal: controller.signal, onProgress: progress });
    await vi.waitFor(() => expect(progress).toHaveBeenCalledWith({ progressToken: expect.anything(), progress: 1, total: 2, message: 'half' }));
    controller.abort('enough');
    await expect(calling).rejects.toBeInstanceOf(CancelledError);
    expect(sent.some((m) => 'method' in m && m.method === 'notifications/cancelled')).toBe(true);
  });
});

describe('timeouts', () => {
  it('requestTimeoutMs fails a request the server never answers', async () => {
    vi.useFakeTimers();
    const { transport } = await modernServer({ 'tools/call': silent });
    const client = newClient({ requestTimeoutMs: 2_000 });
    await client.connect(transport);
    const calling = client.callTool('t');
    await vi.advanceTimersByTimeAsync(1_999);
    expect((await peek(calling)).state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(calling).rejects.toBeInstanceOf(TimeoutError);
  });

  it('a per-call timeoutMs wins over requestTimeoutMs', async () => {
    vi.useFakeTimers();
    const { transport } = await legacyServer({ 'tools/call': silent });
    const client = newClient({ requestTimeoutMs: 60_000 });
    await client.connect(transport);
    const failure = client.callTool('t', {}, { timeoutMs: 500 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await failure).toBeInstanceOf(TimeoutError);
  });
});
