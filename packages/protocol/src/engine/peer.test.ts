import { describe, it, expect, vi } from 'vitest';
import { ConnectionClosedError, ErrorCode, ProtocolError, TransportStateError } from '../errors.js';
import type { JsonObject, JsonRpcMessage } from '../jsonrpc.js';
import type { MessageInfo, Transport, TransportSendOptions } from '../transport.js';
import { InMemoryTransport } from '../transport.js';
import { Peer } from './peer.js';
import type { IncomingRequestContext, PeerOptions } from './peer.js';

/** A transport the test drives by hand: it records what the engine sends and injects what it receives. */
class ScriptedTransport implements Transport {
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  readonly sent: Array<{ message: JsonRpcMessage; options: TransportSendOptions | undefined }> = [];
  sendFailure: Error | undefined;

  async start(): Promise<void> {}
  async send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.sendFailure) throw this.sendFailure;
    this.sent.push({ message: structuredClone(message), options });
  }
  async close(): Promise<void> {
    this.onclose?.();
  }
  deliver(message: unknown, info?: MessageInfo): void {
    this.onmessage?.(message, info);
  }
  get messages(): JsonRpcMessage[] {
    return this.sent.map((s) => s.message);
  }
}

/** Waits until all queued microtasks, including chains of them, have run. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setup(options: PeerOptions = {}): { transport: ScriptedTransport; peer: Peer; errors: Error[] } {
  const transport = new ScriptedTransport();
  const errors: Error[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), ...options });
  return { transport, peer, errors };
}

function lastRequestId(transport: ScriptedTransport): string | number {
  const last = transport.messages.at(-1);
  if (!last || !('id' in last) || last.id === null || last.id === undefined) throw new Error('no request was sent');
  return last.id;
}

describe('Peer: outgoing requests', () => {
  it('sends a JSON-RPC request and resolves with the result of the matching response', async () => {
    const { transport, peer } = setup();
    const answer = peer.request('tools/list', { cursor: 'c1' });
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: expect.anything(), method: 'tools/list', params: { cursor: 'c1' } }]);
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), result: { tools: [] } });
    await expect(answer).resolves.toEqual({ tools: [] });
  });

  it('leaves params out when there are none', () => {
    const { transport, peer } = setup();
    void peer.request('ping', undefined);
    expect(transport.messages[0]).toEqual({ jsonrpc: '2.0', id: expect.anything(), method: 'ping' });
    expect('params' in transport.messages[0]!).toBe(false);
  });

  it('gives each request its own id and matches responses that arrive out of order', async () => {
    const { transport, peer } = setup();
    const answers = ['a', 'b', 'c'].map((name) => peer.request('tools/call', { name }));
    const ids = transport.messages.map((m) => (m as { id: string | number }).id);
    expect(new Set(ids).size).toBe(3);
    transport.deliver({ jsonrpc: '2.0', id: ids[2], result: { name: 'c' } });
    transport.deliver({ jsonrpc: '2.0', id: ids[0], result: { name: 'a' } });
    transport.deliver({ jsonrpc: '2.0', id: ids[1], result: { name: 'b' } });
    await expect(Promise.all(answers)).resolves.toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  });

  it('rejects with a ProtocolError rebuilt from an error response', async () => {
    const { transport, peer } = setup();
    const answer = peer.request('tools/call', { name: 'x' });
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), error: { code: -32602, message: 'Unknown tool: x', data: { name: 'x' } } });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -32602, message: 'Unknown tool: x', data: { name: 'x' } });
  });

  it('does not match a response whose id has the other JSON type', async () => {
    const { transport, peer } = setup();
    const settled = vi.fn();
    void peer.request('ping', {}).then(settled, settled);
    const id = lastRequestId(transport);
    transport.deliver({ jsonrpc: '2.0', id: typeof id === 'number' ? String(id) : Number(id), result: {} });
    await drain();
    expect(settled).not.toHaveBeenCalled();
    transport.deliver({ jsonrpc: '2.0', id, result: { ok: true } });
    await drain();
    expect(settled).toHaveBeenCalledWith({ ok: true });
  });

  it('uses the first response for an id and ignores a second one', async () => {
    const { transport, peer, errors } = setup();
    const answer = peer.request('ping', {});
    const id = lastRequestId(transport);
    transport.deliver({ jsonrpc: '2.0', id, result: { first: true } });
    transport.deliver({ jsonrpc: '2.0', id, error: { code: -32603, message: 'second' } });
    await expect(answer).resolves.toEqual({ first: true });
    expect(errors).toEqual([]);
  });

  it('ignores a response to an id it never sent', async () => {
    const { transport, peer, errors } = setup();
    const answer = peer.request('ping', {});
    transport.deliver({ jsonrpc: '2.0', id: 'never-sent', result: {} });
    transport.deliver({ jsonrpc: '2.0', id: 12345, error: { code: -1, message: 'x' } });
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), result: { ok: 1 } });
    await expect(answer).resolves.toEqual({ ok: 1 });
    expect(errors).toEqual([]);
    expect(transport.messages).toHaveLength(1);
  });

  it.each([
    ['a null id', { jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError, message: 'Parse error: x' } }],
    ['no id', { jsonrpc: '2.0', error: { code: ErrorCode.ParseError, message: 'Parse error: x' } }],
  ])('reports an error response with %s without disturbing pending requests', async (_, response) => {
    const { transport, peer, errors } = setup();
    const answer = peer.request('ping', {});
    transport.deliver(response);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(errors[0]).toMatchObject({ code: -32700, message: 'Parse error: x' });
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), result: {} });
    await expect(answer).resolves.toEqual({});
    expect(transport.messages).toHaveLength(1); // a response is never answered
  });

  it('attaches a progress token equal to the request id, keeping other _meta fields and the caller’s object intact', () => {
    const { transport, peer } = setup();
    const params = { name: 'slow', _meta: { traceId: 't-1' } };
    void peer.request('tools/call', params, { onProgress: () => {} });
    const sent = transport.messages[0] as { id: number; params: JsonObject };
    expect(sent.params).toEqual({ name: 'slow', _meta: { traceId: 't-1', progressToken: sent.id } });
    expect(params).toEqual({ name: 'slow', _meta: { traceId: 't-1' } });
  });

  it('attaches a progress token also when there are no params', () => {
    const { transport, peer } = setup();
    void peer.request('ping', undefined, { onProgress: () => {} });
    const sent = transport.messages[0] as { id: number; params: JsonObject };
    expect(sent.params).toEqual({ _meta: { progressToken: sent.id } });
  });

  it('sends no progress token without onProgress', () => {
    const { transport, peer } = setup();
    void peer.request('tools/call', { name: 'x', _meta: { a: 1 } });
    expect(transport.messages[0]).toMatchObject({ params: { name: 'x', _meta: { a: 1 } } });
    expect(JSON.stringify(transport.messages[0])).not.toContain('progressToken');
  });

  it('hands relatedRequestId to the transport', () => {
    const { transport, peer } = setup();
    void peer.request('sampling/createMessage', {}, { relatedRequestId: 'incoming-7' });
    expect(transport.sent[0]!.options).toEqual({ relatedRequestId: 'incoming-7' });
  });

  it('rejects with the transport’s error when the send fails, and forgets the request', async () => {
    const { transport, peer } = setup();
    const failure = new TransportStateError('pipe broken');
    transport.sendFailure = failure;
    await expect(peer.request('ping', {})).rejects.toBe(failure);
    transport.sendFailure = undefined;
    const settled = vi.fn();
    void peer.request('ping', {}).then(settled, settled);
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), result: { second: true } });
    await drain();
    expect(settled).toHaveBeenCalledWith({ second: true });
  });

  it('rejects at once with ConnectionClosedError after close, sending nothing', async () => {
    const { transport, peer } = setup();
    await peer.close();
    const error = await peer.request('ping', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).code).toBe('MCPKIT_CONNECTION_CLOSED');
    expect(transport.messages).toEqual([]);
  });

  it('names why the transport closed (its closeError) in what outstanding requests reject with', async () => {
    const { transport, peer } = setup();
    const outstanding = peer.request('tools/call', { name: 'x' }).catch((e: unknown) => e);
    await drain();
    const exit = new Error('MCP server `node s.js` exited with code 3; the end of its stderr:\nboom');
    Object.assign(transport, { closeError: exit });
    transport.onclose?.();
    const error = (await outstanding) as ConnectionClosedError;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error.message).toBe(`Connection closed before tools/call (id ${String(lastRequestId(transport))}) was answered: ${exit.message}`);
    expect(error.cause).toBe(exit);
  });
});

describe('Peer: outgoing notifications', () => {
  it('sends a notification without an id', async () => {
    const { transport, peer } = setup();
    await peer.notify('notifications/initialized');
    await peer.notify('notifications/message', { level: 'info', data: 'hi' }, 'req-3');
    expect(transport.messages).toEqual([
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'hi' } },
    ]);
    expect(transport.sent[1]!.options).toEqual({ relatedRequestId: 'req-3' });
  });

  it('drops notifications after close without failing', async () => {
    const { transport, peer } = setup();
    await peer.close();
    await expect(peer.notify('notifications/message', { data: 1 })).resolves.toBeUndefined();
    expect(transport.messages).toEqual([]);
  });
});

describe('Peer: incoming requests', () => {
  it('runs the handler and answers with its result under the same id', async () => {
    const seen: Array<{ method: string; context: IncomingRequestContext }> = [];
    const { transport } = setup({
      onRequest: async (request, context) => {
        seen.push({ method: request.method, context });
        return { echoed: request.params?.text };
      },
    });
    const info: MessageInfo = { headers: { 'mcp-method': 'tools/call' } };
    transport.deliver({ jsonrpc: '2.0', id: 'r1', method: 'tools/call', params: { text: 'hi' } }, info);
    await drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('tools/call');
    expect(seen[0]!.context.requestId).toBe('r1');
    expect(seen[0]!.context.info).toBe(info);
    expect(seen[0]!.context.signal.aborted).toBe(false);
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 'r1', result: { echoed: 'hi' } }]);
    expect(transport.sent[0]!.options).toEqual({ relatedRequestId: 'r1' });
  });

  it('answers a synchronous handler', async () => {
    const { transport } = setup({ onRequest: () => ({ pong: true }) });
    transport.deliver({ jsonrpc: '2.0', id: 0, method: 'ping' });
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 0, result: { pong: true } }]);
  });

  it('answers -32601 when there is no request handler', async () => {
    const { transport } = setup();
    transport.deliver({ jsonrpc: '2.0', id: 5, method: 'tools/list' });
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 5, error: { code: -32601, message: expect.stringContaining('tools/list') } }]);
  });

  it('sends a thrown ProtocolError as is, with its data', async () => {
    const { transport } = setup({
      onRequest: async () => {
        throw new ProtocolError(ErrorCode.InvalidParams, 'Unknown tool: nope', { name: 'nope' });
      },
    });
    transport.deliver({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'nope' } });
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unknown tool: nope', data: { name: 'nope' } } }]);
  });

  it.each([
    ['an async handler that throws', async () => Promise.reject(new Error('db password is hunter2'))],
    [
      'a synchronous handler that throws',
      (): JsonObject => {
        throw new TypeError('db password is hunter2');
      },
    ],
  ])('turns %s into -32603 "Internal error" without leaking the message, and reports the original', async (_, handler) => {
    const { transport, errors } = setup({ onRequest: handler });
    transport.deliver({ jsonrpc: '2.0', id: 9, method: 'tools/call' });
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 9, error: { code: -32603, message: 'Internal error' } }]);
    expect(JSON.stringify(transport.messages)).not.toContain('hunter2');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('db password is hunter2');
  });

  it('turns a rejection with a non-Error value into -32603 and reports it as an Error', async () => {
    const { transport, errors } = setup({ onRequest: () => Promise.reject('secret string') });
    transport.deliver({ jsonrpc: '2.0', id: 2, method: 'x' });
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'Internal error' } }]);
    expect(JSON.stringify(transport.messages)).not.toContain('secret');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(Error);
  });

  it('uses toWireError for a non-ProtocolError', async () => {
    const thrown = new RangeError('out of range');
    const toWireError = vi.fn(() => new ProtocolError(-32000, 'Server busy', { retryAfter: 5 }));
    const { transport } = setup({
      onRequest: () => {
        throw thrown;
      },
      toWireError,
    });
    transport.deliver({ jsonrpc: '2.0', id: 'w', method: 'x' });
    await drain();
    expect(toWireError).toHaveBeenCalledWith(thrown);
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 'w', error: { code: -32000, message: 'Server busy', data: { retryAfter: 5 } } }]);
  });

  it('lets a handler send notifications and requests tied to its request', async () => {
    let inner: Promise<JsonObject> | undefined;
    const { transport } = setup({
      onRequest: async (_, context) => {
        await context.notify('notifications/progress', { progressToken: 't', progress: 1 });
        inner = context.request('roots/list', {});
        return {};
      },
    });
    transport.deliver({ jsonrpc: '2.0', id: 'outer', method: 'tools/call' });
    await drain();
    expect(transport.sent[0]).toEqual({
      message: { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } },
      options: { relatedRequestId: 'outer' },
    });
    expect(transport.sent[1]).toEqual({
      message: { jsonrpc: '2.0', id: expect.anything(), method: 'roots/list', params: {} },
      options: { relatedRequestId: 'outer' },
    });
    const innerId = (transport.sent[1]!.message as { id: number }).id;
    transport.deliver({ jsonrpc: '2.0', id: innerId, result: { roots: [] } });
    await expect(inner).resolves.toEqual({ roots: [] });
  });

  it('answers a request that reuses the id of one in flight with -32600, and still answers the first', async () => {
    let release: (value: JsonObject) => void = () => {};
    const handler = vi.fn(() => new Promise<JsonObject>((resolve) => (release = resolve)));
    const { transport } = setup({ onRequest: handler });
    transport.deliver({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { n: 1 } });
    transport.deliver({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { n: 2 } });
    await drain();
    expect(handler).toHaveBeenCalledTimes(1);
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 3, error: { code: -32600, message: expect.stringContaining('3') } }]);
    release({ n: 1 });
    await drain();
    expect(transport.messages[1]).toEqual({ jsonrpc: '2.0', id: 3, result: { n: 1 } });
  });

  it('accepts an id again once its request has been answered', async () => {
    const handler = vi.fn(async (request: { params?: JsonObject }) => ({ n: request.params?.n }));
    const { transport } = setup({ onRequest: handler });
    transport.deliver({ jsonrpc: '2.0', id: 3, method: 'x', params: { n: 1 } });
    await drain();
    transport.deliver({ jsonrpc: '2.0', id: 3, method: 'x', params: { n: 2 } });
    await drain();
    expect(handler).toHaveBeenCalledTimes(2);
    expect(transport.messages).toEqual([
      { jsonrpc: '2.0', id: 3, result: { n: 1 } },
      { jsonrpc: '2.0', id: 3, result: { n: 2 } },
    ]);
  });

  it('treats ids 1 and "1" as different requests', async () => {
    const { transport } = setup({ onRequest: async (request) => ({ id: request.id }) });
    transport.deliver({ jsonrpc: '2.0', id: 1, method: 'x' });
    transport.deliver({ jsonrpc: '2.0', id: '1', method: 'x' });
    await drain();
    expect(transport.messages).toEqual([
      { jsonrpc: '2.0', id: 1, result: { id: 1 } },
      { jsonrpc: '2.0', id: '1', result: { id: '1' } },
    ]);
  });

  it('reports a failed send of a response instead of throwing', async () => {
    const { transport, errors } = setup({ onRequest: () => ({}) });
    const failure = new TransportStateError('gone');
    transport.sendFailure = failure;
    transport.deliver({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await drain();
    expect(errors).toEqual([failure]);
  });
});

describe('Peer: incoming notifications', () => {
  it('passes notifications and their info to onNotification and never answers them', async () => {
    const onNotification = vi.fn();
    const { transport } = setup({ onNotification });
    const info: MessageInfo = { authInfo: { sub: 'u1' } };
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, info);
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 1 } });
    await drain();
    expect(onNotification).toHaveBeenNthCalledWith(1, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, info);
    expect(onNotification).toHaveBeenNthCalledWith(2, { jsonrpc: '2.0', method: 'notifications/message', params: { data: 1 } }, undefined);
    expect(transport.messages).toEqual([]);
  });

  it('never answers a notification, even without a handler for it', async () => {
    const { transport, errors } = setup({ onRequest: () => ({}) });
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/unknown' });
    await drain();
    expect(transport.messages).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reports a throwing notification handler and keeps working', async () => {
    const boom = new Error('handler bug');
    const { transport, peer, errors } = setup({
      onNotification: () => {
        throw boom;
      },
    });
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/message' });
    expect(errors).toEqual([boom]);
    const answer = peer.request('ping', {});
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), result: {} });
    await expect(answer).resolves.toEqual({});
  });

  it('survives an onError that throws', async () => {
    const { transport, peer } = setup({
      onNotification: () => {
        throw new Error('first');
      },
      onError: () => {
        throw new Error('reporter broken');
      },
    });
    expect(() => transport.deliver({ jsonrpc: '2.0', method: 'notifications/message' })).not.toThrow();
    expect(() => transport.deliver(42)).not.toThrow();
    const answer = peer.request('ping', {});
    transport.deliver({ jsonrpc: '2.0', id: lastRequestId(transport), result: {} });
    await expect(answer).resolves.toEqual({});
  });
});

describe('Peer over an in-memory transport pair', () => {
  it('carries requests, notifications and errors both ways', async () => {
    const [a, b] = InMemoryTransport.pair();
    const serverNotifications: string[] = [];
    const server = new Peer(b, {
      onRequest: async (request, context) => {
        if (request.method === 'fail') throw new ProtocolError(ErrorCode.InvalidParams, 'no');
        await context.notify('notifications/message', { data: 'working' });
        const roots = await context.request('roots/list', undefined);
        return { echo: request.params?.text, roots: roots.roots };
      },
      onNotification: (n) => serverNotifications.push(n.method),
    });
    const clientNotifications: string[] = [];
    const client = new Peer(a, {
      onRequest: (request) => (request.method === 'roots/list' ? { roots: [{ uri: 'file:///tmp' }] } : {}),
      onNotification: (n) => clientNotifications.push(n.method),
    });
    await server.start();
    await client.start();
    await expect(client.request('echo', { text: 'hi' })).resolves.toEqual({ echo: 'hi', roots: [{ uri: 'file:///tmp' }] });
    expect(clientNotifications).toEqual(['notifications/message']);
    await expect(client.request('fail', {})).rejects.toMatchObject({ code: -32602, message: 'no' });
    await client.notify('notifications/initialized');
    await drain();
    expect(serverNotifications).toEqual(['notifications/initialized']);
    await client.close();
    expect(server.closed).toBe(true);
  });
});
