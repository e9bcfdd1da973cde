import { describe, it, expect, vi } from 'vitest';
import { TransportStateError } from './errors.js';
import type { JsonRpcMessage } from './jsonrpc.js';
import { InMemoryTransport } from './transport.js';
import type { Transport } from './transport.js';

/** Waits until every queued microtask (and so every in-memory delivery) has run. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function record(transport: Transport): unknown[] {
  const received: unknown[] = [];
  transport.onmessage = (message) => received.push(message);
  return received;
}

async function startedPair(): Promise<{ a: InMemoryTransport; b: InMemoryTransport; atA: unknown[]; atB: unknown[] }> {
  const [a, b] = InMemoryTransport.pair();
  const atA = record(a);
  const atB = record(b);
  await a.start();
  await b.start();
  return { a, b, atA, atB };
}

const ping = (id: number): JsonRpcMessage => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('InMemoryTransport', () => {
  it('is a Transport without a session id', () => {
    const [a] = InMemoryTransport.pair();
    const transport: Transport = a;
    expect(transport.sessionId).toBeUndefined();
  });

  it('delivers in both directions', async () => {
    const { a, b, atA, atB } = await startedPair();
    await a.send(ping(1));
    await b.send({ jsonrpc: '2.0', id: 1, result: {} });
    await drain();
    expect(atB).toEqual([ping(1)]);
    expect(atA).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
  });

  it('delivers asynchronously, never inside send', async () => {
    const { a, atB } = await startedPair();
    const sent = a.send(ping(1));
    expect(atB).toEqual([]);
    await sent;
    await drain();
    expect(atB).toEqual([ping(1)]);
  });

  it('keeps the order of messages', async () => {
    const { a, atB } = await startedPair();
    const messages = Array.from({ length: 100 }, (_, i) => ping(i));
    await Promise.all(messages.map((m) => a.send(m)));
    await drain();
    expect(atB).toEqual(messages);
  });

  it('hands over a copy, so neither side can mutate what the other holds', async () => {
    const { a, atB } = await startedPair();
    const message = { jsonrpc: '2.0' as const, id: 1, method: 'tools/call', params: { name: 'echo', args: { list: [1] } } };
    await a.send(message);
    message.params.args.list.push(2);
    message.params.name = 'changed';
    await drain();
    expect(atB).toEqual([{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', args: { list: [1] } } }]);
    const received = atB[0] as { params: { name: string } };
    expect(received).not.toBe(message);
    received.params.name = 'mutated by receiver';
    expect(message.params.name).toBe('changed');
  });

  it('holds messages that arrive before start and delivers them, in order, on start', async () => {
    const [a, b] = InMemoryTransport.pair();
    await a.start();
    const atB = record(b);
    await a.send(ping(1));
    await a.send(ping(2));
    await drain();
    expect(atB).toEqual([]);
    await b.start();
    expect(atB).toEqual([ping(1), ping(2)]);
    await a.send(ping(3));
    await drain();
    expect(atB).toEqual([ping(1), ping(2), ping(3)]);
  });

  it('delivers queued messages only once when started twice', async () => {
    const [a, b] = InMemoryTransport.pair();
    const atB = record(b);
    await a.send(ping(1));
    await drain();
    await b.start();
    await b.start();
    await drain();
    expect(atB).toEqual([ping(1)]);
  });

  it('closes both ends, calling each onclose exactly once', async () => {
    const { a, b } = await startedPair();
    const closedA = vi.fn();
    const closedB = vi.fn();
    a.onclose = closedA;
    b.onclose = closedB;
    await a.close();
    expect(closedA).toHaveBeenCalledTimes(1);
    expect(closedB).toHaveBeenCalledTimes(1);
    await a.close();
    await b.close();
    expect(closedA).toHaveBeenCalledTimes(1);
    expect(closedB).toHaveBeenCalledTimes(1);
  });

  it('closes the other end when the far side closes first', async () => {
    const { a, b } = await startedPair();
    const closedA = vi.fn();
    a.onclose = closedA;
    await b.close();
    expect(closedA).toHaveBeenCalledTimes(1);
  });

  it('rejects sends after close, from either end, with TransportStateError', async () => {
    const { a, b, atA, atB } = await startedPair();
    await a.close();
    await expect(a.send(ping(1))).rejects.toBeInstanceOf(TransportStateError);
    await expect(b.send(ping(2))).rejects.toMatchObject({ code: 'MCPKIT_TRANSPORT_STATE' });
    await drain();
    expect(atA).toEqual([]);
    expect(atB).toEqual([]);
  });

  it('drops messages still in flight when the receiver closes', async () => {
    const { a, b, atB } = await startedPair();
    const sent = a.send(ping(1));
    await b.close();
    await sent;
    await drain();
    expect(atB).toEqual([]);
  });

  it('rejects a send from an end that was never paired', async () => {
    const lonely = new InMemoryTransport();
    await lonely.start();
    await expect(lonely.send(ping(1))).rejects.toBeInstanceOf(TransportStateError);
  });

  it('rejects a message that cannot be cloned, and delivers nothing', async () => {
    const { a, atB } = await startedPair();
    const bad = { jsonrpc: '2.0', method: 'x', params: { fn: () => 1 } } as unknown as JsonRpcMessage;
    await expect(a.send(bad)).rejects.toThrow();
    await a.send(ping(2));
    await drain();
    expect(atB).toEqual([ping(2)]);
  });
});
