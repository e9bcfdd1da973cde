import { describe, it, expect, vi } from 'vitest';
import { CancelledError, ConnectionClosedError } from '../errors.js';
import type { JsonObject, JsonRpcMessage, JsonRpcRequest } from '../jsonrpc.js';
import type { MessageInfo, Transport, TransportSendOptions } from '../transport.js';
import { InMemoryTransport } from '../transport.js';
import { LazyAbortController } from '../abort.js';
import { Peer } from './peer.js';
import type { IncomingRequestContext, PeerOptions } from './peer.js';

/** A transport the test drives by hand: it records what the engine sends and injects what it receives. */
class ScriptedTransport implements Transport {
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  readonly sent: Array<{ message: JsonRpcMessage; options: TransportSendOptions | undefined }> = [];

  async start(): Promise<void> {}
  async send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    this.sent.push({ message: structuredClone(message), options });
  }
  async close(): Promise<void> {
    this.onclose?.();
  }
  deliver(message: unknown): void {
    this.onmessage?.(message);
  }
  get messages(): JsonRpcMessage[] {
    return this.sent.map((s) => s.message);
  }
}

function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setup(options: PeerOptions = {}): { transport: ScriptedTransport; peer: Peer; errors: Error[] } {
  const transport = new ScriptedTransport();
  const errors: Error[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), ...options });
  return { transport, peer, errors };
}

function idOf(message: JsonRpcMessage | undefined): string | number {
  if (!message || !('id' in message) || message.id === null || message.id === undefined) throw new Error('not a request');
  return message.id;
}

/** A handler that never finishes on its own; the test finishes it through `finish`. */
function heldHandler(): {
  handler: (request: JsonRpcRequest, context: IncomingRequestContext) => Promise<JsonObject>;
  contexts: IncomingRequestContext[];
  finish: (result: JsonObject) => void;
  fail: (error: unknown) => void;
} {
  const contexts: IncomingRequestContext[] = [];
  let resolve: (result: JsonObject) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  return {
    handler: (_, context) => {
      contexts.push(context);
      return new Promise<JsonObject>((res, rej) => {
        resolve = res;
        reject = rej;
      });
    },
    contexts,
    finish: (result) => resolve(result),
    fail: (error) => reject(error),
  };
}

describe('Peer: cancelling an outgoing request', () => {
  it('sends notifications/cancelled and rejects with CancelledError carrying the reason', async () => {
    const { transport, peer } = setup();
    const controller = new AbortController();
    const answer = peer.request('tools/call', { name: 'slow' }, { signal: controller.signal, relatedRequestId: 'outer' });
    const id = idOf(transport.messages[0]);
    controller.abort('user pressed stop');
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).code).toBe('MCPKIT_CANCELLED');
    expect((error as CancelledError).cause).toBe('user pressed stop');
    await drain();
    expect(transport.sent[1]).toEqual({
      message: { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'user pressed stop' } },
      options: { relatedRequestId: 'outer' },
    });
  });

  it('gives a string reason when aborted without one', async () => {
    const { transport, peer } = setup();
    const controller = new AbortController();
    const answer = peer.request('ping', {}, { signal: controller.signal });
    controller.abort();
    await expect(answer).rejects.toBeInstanceOf(CancelledError);
    await drain();
    const cancel = transport.messages[1] as unknown as { params: { reason: unknown } };
    expect(typeof cancel.params.reason).toBe('string');
    expect(cancel.params.reason).not.toBe('');
  });

  it('ignores a response that arrives after the cancellation', async () => {
    const { transport, peer, errors } = setup();
    const controller = new AbortController();
    const answer = peer.request('ping', {}, { signal: controller.signal });
    const id = idOf(transport.messages[0]);
    controller.abort('stop');
    transport.deliver({ jsonrpc: '2.0', id, result: { late: true } });
    await expect(answer).rejects.toBeInstanceOf(CancelledError);
    await drain();
    expect(errors).toEqual([]);
    expect(transport.messages.map((m) => ('method' in m ? m.method : 'response'))).toEqual(['ping', 'notifications/cancelled']);
  });

  it('sends nothing when the signal aborts after the response arrived', async () => {
    const { transport, peer } = setup();
    const controller = new AbortController();
    const answer = peer.request('ping', {}, { signal: controller.signal });
    transport.deliver({ jsonrpc: '2.0', id: idOf(transport.messages[0]), result: { ok: true } });
    await expect(answer).resolves.toEqual({ ok: true });
    controller.abort('too late');
    await drain();
    expect(transport.messages).toHaveLength(1);
  });

  it('rejects without sending anything when the signal is already aborted', async () => {
    const { transport, peer } = setup();
    const error = await peer.request('ping', {}, { signal: AbortSignal.abort('before') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toBe('before');
    await drain();
    expect(transport.messages).toEqual([]);
  });

  it('cancels only the requests tied to the aborted signal', async () => {
    const { transport, peer } = setup();
    const shared = new AbortController();
    const first = peer.request('a', {}, { signal: shared.signal });
    const second = peer.request('b', {}, { signal: shared.signal });
    const other = peer.request('c', {});
    const [idA, idB, idC] = transport.messages.map(idOf);
    shared.abort('stop both');
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    await drain();
    const cancelled = transport.messages.slice(3).map((m) => (m as unknown as { params: { requestId: unknown } }).params.requestId);
    expect(cancelled.sort()).toEqual([idA, idB].sort());
    transport.deliver({ jsonrpc: '2.0', id: idC, result: { c: true } });
    await expect(other).resolves.toEqual({ c: true });
  });
});

describe('Peer: an incoming notifications/cancelled', () => {
  it('aborts the handler’s signal with the reason and suppresses its response', async () => {
    const held = heldHandler();
    const onNotification = vi.fn();
    const { transport } = setup({ onRequest: held.handler, onNotification });
    transport.deliver({ jsonrpc: '2.0', id: 4, method: 'tools/call' });
    await drain();
    const [context] = held.contexts;
    expect(context!.signal.aborted).toBe(false);
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 4, reason: 'no longer needed' } };
    transport.deliver(cancel);
    expect(context!.signal.aborted).toBe(true);
    expect(context!.signal.reason).toBe('no longer needed');
    expect(onNotification).toHaveBeenCalledWith(cancel, undefined);
    held.finish({ done: true });
    await drain();
    expect(transport.messages).toEqual([]);
  });

  it('suppresses the error response of a handler that fails after being cancelled', async () => {
    const held = heldHandler();
    const { transport } = setup({ onRequest: held.handler });
    transport.deliver({ jsonrpc: '2.0', id: 'x', method: 'tools/call' });
    await drain();
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'x' } });
    expect(held.contexts[0]!.signal.aborted).toBe(true);
    held.fail(held.contexts[0]!.signal.reason);
    await drain();
    expect(transport.messages).toEqual([]);
  });

  it('leaves other requests, and ids of the other JSON type, alone', async () => {
    const held = heldHandler();
    const { transport } = setup({ onRequest: held.handler });
    transport.deliver({ jsonrpc: '2.0', id: 1, method: 'a' });
    transport.deliver({ jsonrpc: '2.0', id: 2, method: 'b' });
    await drain();
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: '1' } });
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } });
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: {} });
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled' });
    expect(held.contexts.map((c) => c.signal.aborted)).toEqual([false, false]);
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } });
    expect(held.contexts.map((c) => c.signal.aborted)).toEqual([false, true]);
    await drain();
    expect(transport.messages).toEqual([]);
  });

  it('is harmless once the request has been answered', async () => {
    const { transport, errors } = setup({ onRequest: () => ({ ok: true }) });
    transport.deliver({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await drain();
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    await drain();
    expect(transport.messages).toEqual([{ jsonrpc: '2.0', id: 1, result: { ok: true } }]);
    expect(errors).toEqual([]);
  });
});

describe('Peer: closing', () => {
  it('rejects every pending request with ConnectionClosedError', async () => {
    const { peer } = setup();
    const answers = [peer.request('tools/list', {}), peer.request('prompts/list', {})];
    await peer.close();
    const errors = await Promise.all(answers.map((a) => a.catch((e: unknown) => e)));
    for (const [i, method] of ['tools/list', 'prompts/list'].entries()) {
      expect(errors[i]).toBeInstanceOf(ConnectionClosedError);
      expect((errors[i] as Error).message).toContain(method);
    }
    expect(peer.closed).toBe(true);
  });

  it('does the same when the transport reports that the other side closed', async () => {
    const { transport, peer } = setup();
    const answer = peer.request('ping', {});
    transport.onclose?.();
    await expect(answer).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(peer.closed).toBe(true);
  });

  it('ignores responses that arrive after close', async () => {
    const { transport, peer, errors } = setup();
    const answer = peer.request('ping', {});
    const id = idOf(transport.messages[0]);
    await peer.close();
    transport.deliver({ jsonrpc: '2.0', id, result: {} });
    await expect(answer).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(errors).toEqual([]);
  });

  it('aborts in-flight handlers and sends none of their answers', async () => {
    const held = heldHandler();
    const { transport, peer } = setup({ onRequest: held.handler });
    transport.deliver({ jsonrpc: '2.0', id: 1, method: 'a' });
    transport.deliver({ jsonrpc: '2.0', id: 2, method: 'b' });
    await drain();
    await peer.close();
    expect(held.contexts.map((c) => c.signal.aborted)).toEqual([true, true]);
    held.finish({ after: 'close' });
    await drain();
    expect(transport.messages).toEqual([]);
  });

  it('calls close listeners exactly once', async () => {
    const { transport, peer } = setup();
    const listener = vi.fn();
    peer.onClose(listener);
    await peer.close();
    transport.onclose?.();
    await peer.close();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('Peer cancellation over an in-memory transport pair', () => {
  async function connect(serverOptions: PeerOptions): Promise<{ client: Peer; server: Peer; serverSaw: string[] }> {
    const [a, b] = InMemoryTransport.pair();
    const serverSaw: string[] = [];
    const server = new Peer(b, { ...serverOptions, onNotification: (n) => serverSaw.push(n.method) });
    const client = new Peer(a);
    await server.start();
    await client.start();
    return { client, server, serverSaw };
  }

  it('aborts the server handler when the client aborts, and no response comes back', async () => {
    const held = heldHandler();
    const { client, serverSaw } = await connect({ onRequest: held.handler });
    const controller = new AbortController();
    const answer = client.request('tools/call', { name: 'slow' }, { signal: controller.signal });
    await drain();
    expect(held.contexts).toHaveLength(1);
    controller.abort('changed my mind');
    await expect(answer).rejects.toBeInstanceOf(CancelledError);
    await drain();
    expect(serverSaw).toEqual(['notifications/cancelled']);
    expect(held.contexts[0]!.signal.aborted).toBe(true);
    expect(held.contexts[0]!.signal.reason).toBe('changed my mind');
  });

  it('rejects the client’s pending requests and aborts server handlers when one side closes', async () => {
    const held = heldHandler();
    const { client, server } = await connect({ onRequest: held.handler });
    const answer = client.request('tools/call', {});
    await drain();
    await server.close();
    await expect(answer).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(held.contexts[0]!.signal.aborted).toBe(true);
    expect(client.closed).toBe(true);
  });
});

describe('a request cancelled through a Cancellation (no AbortSignal)', () => {
  it('sends notifications/cancelled with the reason and rejects with CancelledError', async () => {
    const { transport, peer } = setup();
    const cancel = new LazyAbortController();
    const pending = peer.request('tools/call', { name: 'slow' }, { cancellation: cancel });
    await drain();
    const id = idOf(transport.messages[0]);
    cancel.abort('the caller left');
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await drain();
    expect(transport.messages[1]).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'the caller left' } });
  });

  it('refuses one already cancelled, and forgets its callback once answered', async () => {
    const { transport, peer } = setup();
    const done = new LazyAbortController();
    done.abort('gone');
    await expect(peer.request('ping', {}, { cancellation: done })).rejects.toThrow(/cancelled before it was sent/);
    const cancel = new LazyAbortController();
    const onAbort = vi.spyOn(cancel, 'onAbort');
    const pending = peer.request('ping', {}, { cancellation: cancel });
    await drain();
    transport.deliver({ jsonrpc: '2.0', id: idOf(transport.messages[0]), result: {} });
    await expect(pending).resolves.toEqual({});
    // Answered: a later abort sends nothing and rejects nothing.
    cancel.abort('late');
    await drain();
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect(transport.messages.filter((m) => 'method' in m && m.method === 'notifications/cancelled')).toEqual([]);
  });
});
