// Timeouts of outgoing requests (engine/outgoing.ts), driven black-box through Peer with fake timers.
import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest';
import { CancelledError, ConnectionClosedError, TimeoutError } from '../errors.js';
import type { JsonObject, JsonRpcMessage } from '../jsonrpc.js';
import type { MessageInfo, Transport, TransportSendOptions } from '../transport.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './outgoing.js';
import type { Progress, RequestOptions } from './outgoing.js';
import { Peer } from './peer.js';
import type { PeerOptions } from './peer.js';

/** Captured before the clock is faked, to let queued microtasks run without moving fake time. */
const realSetImmediate = setImmediate;
function drain(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

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

interface Tracked {
  id: string | number;
  state: () => 'pending' | 'resolved' | 'rejected';
  value: () => unknown;
  answer: Promise<JsonObject>;
}

function setup(options: PeerOptions = {}) {
  const transport = new ScriptedTransport();
  const errors: Error[] = [];
  const peer = new Peer(transport, { onError: (e) => errors.push(e), ...options });

  /** Sends a request and tracks how it settles, without leaving a rejection unhandled. */
  function send(method: string, requestOptions: RequestOptions = {}): Tracked {
    let state: 'pending' | 'resolved' | 'rejected' = 'pending';
    let value: unknown;
    const answer = peer.request(method, {}, requestOptions);
    answer.then(
      (v) => {
        state = 'resolved';
        value = v;
      },
      (e: unknown) => {
        state = 'rejected';
        value = e;
      },
    );
    // Ids the transport never saw (a send that threw) read as NaN, which matches no response.
    const last = transport.messages.at(-1) as { id?: string | number } | undefined;
    return { id: last?.id ?? Number.NaN, state: () => state, value: () => value, answer };
  }

  function progress(token: string | number, params: Omit<Progress, 'progress'> & { progress?: unknown } = { progress: 1 }): void {
    transport.deliver({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, ...params } });
  }

  function cancellations(): Array<{ requestId: unknown; reason: unknown }> {
    return transport.messages
      .filter((m) => 'method' in m && m.method === 'notifications/cancelled')
      .map((m) => (m as unknown as { params: { requestId: unknown; reason: unknown } }).params);
  }

  return { transport, peer, errors, send, progress, cancellations };
}

/** Moves fake time forward and lets the resulting promise callbacks run. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await drain();
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('request timeouts', () => {
  it('time out after 60 s by default, and not a millisecond sooner', async () => {
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(60_000);
    const { send, cancellations } = setup();
    const request = send('tools/call');
    await advance(59_999);
    expect(request.state()).toBe('pending');
    expect(cancellations()).toEqual([]);
    await advance(1);
    expect(request.state()).toBe('rejected');
    const error = request.value();
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('MCPKIT_TIMEOUT');
    expect((error as TimeoutError).message).toContain('tools/call');
    expect((error as TimeoutError).message).toContain(String(request.id));
  });

  it('honour timeoutMs', async () => {
    const { send } = setup();
    const request = send('ping', { timeoutMs: 500 });
    await advance(499);
    expect(request.state()).toBe('pending');
    await advance(1);
    expect(request.value()).toBeInstanceOf(TimeoutError);
  });

  it('tell the other side with notifications/cancelled, tied to the related request', async () => {
    const { transport, send, cancellations } = setup();
    const request = send('sampling/createMessage', { timeoutMs: 100, relatedRequestId: 'outer-1' });
    await advance(100);
    const error = request.value() as TimeoutError;
    expect(cancellations()).toEqual([{ requestId: request.id, reason: error.message }]);
    expect(transport.sent.at(-1)!.options).toEqual({ relatedRequestId: 'outer-1' });
  });

  it('ignore a response that arrives after the timeout', async () => {
    const { transport, send, errors } = setup();
    const request = send('ping', { timeoutMs: 100 });
    await advance(100);
    transport.deliver({ jsonrpc: '2.0', id: request.id, result: { late: true } });
    await drain();
    expect(request.value()).toBeInstanceOf(TimeoutError);
    expect(errors).toEqual([]);
    expect(transport.messages).toHaveLength(2); // the request and its cancellation, nothing more
  });

  it('are cleared by a response: no timer is left and nothing fires later', async () => {
    const { transport, send, cancellations } = setup();
    const request = send('ping', { timeoutMs: 1000, maxTotalTimeoutMs: 5000 });
    expect(vi.getTimerCount()).toBe(1);
    transport.deliver({ jsonrpc: '2.0', id: request.id, result: { ok: true } });
    await drain();
    expect(request.state()).toBe('resolved');
    expect(vi.getTimerCount()).toBe(0);
    await advance(10_000);
    expect(cancellations()).toEqual([]);
  });

  it('are cleared by cancellation and by close', async () => {
    const { peer, send } = setup();
    const controller = new AbortController();
    const cancelled = send('a', { signal: controller.signal });
    const closed = send('b');
    expect(vi.getTimerCount()).toBe(2);
    controller.abort('stop');
    await drain();
    expect(cancelled.value()).toBeInstanceOf(CancelledError);
    expect(vi.getTimerCount()).toBe(1);
    await peer.close();
    await drain();
    expect(closed.value()).toBeInstanceOf(ConnectionClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('are cleared when the transport’s send throws synchronously', async () => {
    // Transport.send returns a promise, but a hand-written transport may throw before returning one.
    const { transport, send, errors } = setup();
    const failure = new Error('stream destroyed');
    const attempts: JsonRpcMessage[] = [];
    transport.send = (message: JsonRpcMessage): Promise<void> => {
      attempts.push(message);
      throw failure;
    };
    const request = send('ping', { timeoutMs: 1000 });
    await drain();
    expect(request.value()).toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
    await advance(1000);
    expect(attempts).toHaveLength(1); // no notifications/cancelled for a request that never left
    expect(errors).toEqual([]);
  });

  it('can be switched off with an infinite timeoutMs', async () => {
    const { send } = setup();
    const request = send('ping', { timeoutMs: Number.POSITIVE_INFINITY });
    expect(vi.getTimerCount()).toBe(0);
    await advance(365 * 24 * 3600 * 1000);
    expect(request.state()).toBe('pending');
  });

  it('do not fire early when timeoutMs exceeds what setTimeout can hold (2^31 - 1 ms)', async () => {
    // setTimeout clamps delays above 2^31 - 1 ms to 1 ms; a 30-day timeout must not become a 1 ms one.
    const { send } = setup();
    const request = send('ping', { timeoutMs: 30 * 24 * 3600 * 1000 });
    await advance(60_000);
    expect(request.state()).toBe('pending');
  });
});

describe('timeouts and progress', () => {
  it('restart the timeout on each progress notification and pass the progress on', async () => {
    const received: Progress[] = [];
    const { send, progress } = setup();
    const request = send('tools/call', { timeoutMs: 1000, onProgress: (p) => received.push(p) });
    await advance(900);
    progress(request.id, { progress: 1, total: 3, message: 'one' });
    await advance(900); // t = 1800: past the first deadline, within the restarted one
    expect(request.state()).toBe('pending');
    await advance(99); // t = 1899
    expect(request.state()).toBe('pending');
    await advance(1); // t = 1900
    expect(request.value()).toBeInstanceOf(TimeoutError);
    expect(received).toEqual([{ progressToken: request.id, progress: 1, total: 3, message: 'one' }]);
  });

  it('keep a request alive for as long as progress keeps coming', async () => {
    const { transport, send, progress } = setup();
    const request = send('tools/call', { timeoutMs: 1000, onProgress: () => {} });
    for (let i = 1; i <= 20; i++) {
      await advance(999);
      progress(request.id, { progress: i });
    }
    expect(request.state()).toBe('pending');
    transport.deliver({ jsonrpc: '2.0', id: request.id, result: { done: true } });
    await drain();
    expect(request.value()).toEqual({ done: true });
  });

  it('do not restart when resetTimeoutOnProgress is false, though progress is still delivered', async () => {
    const onProgress = vi.fn();
    const { send, progress } = setup();
    const request = send('tools/call', { timeoutMs: 1000, resetTimeoutOnProgress: false, onProgress });
    await advance(900);
    progress(request.id, { progress: 1 });
    expect(onProgress).toHaveBeenCalledTimes(1);
    await advance(100);
    expect(request.value()).toBeInstanceOf(TimeoutError);
  });

  it('stop at maxTotalTimeoutMs however much progress arrives', async () => {
    const { send, progress } = setup();
    const request = send('tools/call', { timeoutMs: 1000, maxTotalTimeoutMs: 2500, onProgress: () => {} });
    await advance(900);
    progress(request.id);
    await advance(900); // t = 1800
    progress(request.id);
    await advance(699); // t = 2499
    expect(request.state()).toBe('pending');
    progress(request.id);
    await advance(1); // t = 2500
    expect(request.state()).toBe('rejected');
    expect(request.value()).toBeInstanceOf(TimeoutError);
    expect((request.value() as Error).message).toContain('maximum total time');
  });

  it('stop at maxTotalTimeoutMs when it is shorter than timeoutMs', async () => {
    const { send } = setup();
    const request = send('ping', { timeoutMs: 10_000, maxTotalTimeoutMs: 3000 });
    await advance(2999);
    expect(request.state()).toBe('pending');
    await advance(1);
    expect(request.value()).toBeInstanceOf(TimeoutError);
  });

  it('ignore progress for other tokens and progress without a numeric value', async () => {
    const onProgress = vi.fn();
    const { send, progress } = setup();
    const request = send('tools/call', { timeoutMs: 1000, onProgress });
    const otherType = typeof request.id === 'number' ? String(request.id) : Number(request.id);
    await advance(900);
    progress(otherType, { progress: 1 });
    progress(12345, { progress: 1 });
    progress(request.id, { progress: '50%' });
    progress(request.id, {});
    expect(onProgress).not.toHaveBeenCalled();
    await advance(100);
    expect(request.value()).toBeInstanceOf(TimeoutError);
  });

  it('survive an onProgress callback that throws', async () => {
    const { transport, send, progress } = setup();
    const request = send('tools/call', {
      timeoutMs: 1000,
      onProgress: () => {
        throw new Error('callback bug');
      },
    });
    await advance(900);
    progress(request.id, { progress: 1 });
    await advance(900);
    expect(request.state()).toBe('pending'); // the timeout was still restarted
    transport.deliver({ jsonrpc: '2.0', id: request.id, result: {} });
    await drain();
    expect(request.state()).toBe('resolved');
  });

  it('pass progress notifications on to onNotification too', async () => {
    const onNotification = vi.fn();
    const { send, progress } = setup({ onNotification });
    const request = send('tools/call', { onProgress: () => {} });
    progress(request.id, { progress: 2 });
    expect(onNotification).toHaveBeenCalledWith(
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: request.id, progress: 2 } },
      undefined,
    );
  });

  it('drop progress that arrives after the timeout', async () => {
    const onProgress = vi.fn();
    const { send, progress, errors } = setup();
    const request = send('tools/call', { timeoutMs: 100, onProgress });
    await advance(100);
    progress(request.id, { progress: 1 });
    expect(onProgress).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
