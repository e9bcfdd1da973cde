// How the engine treats input it cannot use: malformed messages and errors reported by the transport.
import { describe, it, expect, vi } from 'vitest';
import { ErrorCode, ProtocolError, TransportStateError } from '../errors.js';
import type { JsonRpcMessage } from '../jsonrpc.js';
import type { MessageInfo, Transport, TransportSendOptions } from '../transport.js';
import { Peer } from './peer.js';
import type { PeerOptions } from './peer.js';

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

describe('Peer: malformed input', () => {
  it.each<[string, unknown, string | number | null]>([
    ['a request with jsonrpc "1.0"', { jsonrpc: '1.0', id: 4, method: 'ping' }, 4],
    ['a request without jsonrpc', { id: 'k', method: 'ping' }, 'k'],
    ['a request with an empty method', { jsonrpc: '2.0', id: 5, method: '' }, 5],
    ['a request with a numeric method', { jsonrpc: '2.0', id: 5, method: 3 }, 5],
    ['a request with array params', { jsonrpc: '2.0', id: 6, method: 'ping', params: [1] }, 6],
    ['a request with a null id', { jsonrpc: '2.0', id: null, method: 'ping' }, null],
    ['a request with an object id', { jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }, null],
    ['a notification with string params', { jsonrpc: '2.0', method: 'notifications/x', params: 'p' }, null],
    ['null', null, null],
    ['a number', 42, null],
    ['a string', 'hello', null],
    ['an array', [{ jsonrpc: '2.0', id: 1, method: 'ping' }], null],
    ['an empty object', {}, null],
    ['an object with only jsonrpc', { jsonrpc: '2.0' }, null],
  ])('answers %s with -32600 (with its id when recoverable) and reports it', async (_, value, id) => {
    const handler = vi.fn(() => ({}));
    const { transport, errors } = setup({ onRequest: handler });
    transport.deliver(value);
    await drain();
    expect(handler).not.toHaveBeenCalled();
    expect(transport.messages).toHaveLength(1);
    const [answer] = transport.messages;
    expect(answer).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest } });
    // Without a recoverable id the id member is left out (MCP 2025-11-25 schema: optional, never null).
    if (id === null) expect('id' in answer!).toBe(false);
    else expect(answer).toMatchObject({ id });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect((errors[0] as ProtocolError).code).toBe(ErrorCode.InvalidRequest);
  });

  it.each<[string, unknown]>([
    ['a result that is not an object', { jsonrpc: '2.0', id: 7, result: 'ok' }],
    ['an error that is not an object', { jsonrpc: '2.0', id: 7, error: 'bad' }],
    ['an error without a numeric code', { jsonrpc: '2.0', id: 7, error: { code: 'x', message: 'm' } }],
    ['a response with a bad jsonrpc', { jsonrpc: '1.0', id: 7, result: {} }],
    ['an id with neither result nor error', { jsonrpc: '2.0', id: 7 }],
  ])('never answers %s, which looks like a response, but reports it', async (_, value) => {
    const { transport, errors } = setup();
    transport.deliver(value);
    await drain();
    expect(transport.messages).toEqual([]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as ProtocolError).code).toBe(ErrorCode.InvalidRequest);
  });

  it.each<[string, unknown]>([
    ['a malformed error response with a null id', { jsonrpc: '2.0', id: null, error: { code: 'x', message: 1 } }],
    ['a result response with a null id', { jsonrpc: '2.0', id: null, result: {} }],
    ['a result response without an id', { jsonrpc: '2.0', result: {} }],
    ['an error response without an id', { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' } }],
  ])('never answers %s either: it has no usable id but is still a response', async (_, value) => {
    // Answering a response can ping-pong error responses between two peers (see the comment in receive()).
    const { transport, errors } = setup();
    transport.deliver(value);
    await drain();
    expect(transport.messages).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('keeps pending requests alive through garbage', async () => {
    const { transport, peer } = setup();
    const answer = peer.request('ping', {});
    const id = lastRequestId(transport);
    transport.deliver('garbage');
    transport.deliver({ jsonrpc: '2.0', id: 'other', result: 'not an object' });
    transport.deliver({ jsonrpc: '2.0', id, result: { ok: true } });
    await expect(answer).resolves.toEqual({ ok: true });
  });
});

describe('Peer: transport errors', () => {
  it('answers a parse error reported through onerror without an id, and reports it', async () => {
    const { transport, errors } = setup();
    const parseError = new ProtocolError(ErrorCode.ParseError, 'Parse error: Unexpected token');
    transport.onerror?.(parseError);
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: Unexpected token' } }]);
    expect('id' in transport.messages[0]!).toBe(false);
    expect(errors).toEqual([parseError]);
  });

  it.each([
    ['a plain Error', new Error('socket reset')],
    ['a ProtocolError that is not a parse error', new ProtocolError(ErrorCode.InvalidRequest, 'x')],
    ['a local error', new TransportStateError('closed')],
  ])('only reports %s from onerror', async (_, error) => {
    const { transport, errors } = setup();
    transport.onerror?.(error);
    await drain();
    expect(transport.messages).toEqual([]);
    expect(errors).toEqual([error]);
  });
});
