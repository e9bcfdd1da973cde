import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { ConcurrencyLimiter, type LimiterTimers } from './concurrency.js';
import { ConcurrencyLimitError } from './errors.js';

/** Timers run by hand: `advance(ms)` fires what is due, in order. */
function manualTimers(): LimiterTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 0;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, ms) {
      due.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) break;
        due.delete(id);
        timer.callback();
      }
    },
    pending: () => due.size,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function rejection(promise: Promise<unknown>): Promise<ConcurrencyLimitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConcurrencyLimitError);
    return error as ConcurrencyLimitError;
  }
  throw new Error('expected a rejection');
}

describe('ConcurrencyLimiter', () => {
  it('lets `limit` calls through at once and queues the rest in FIFO order', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 2, queue: 3, queueTimeoutMs: 1000, timers: manualTimers() });
    const r1 = await limiter.acquire('p');
    const r2 = await limiter.acquire('p');
    const order: number[] = [];
    const waiting = [3, 4, 5].map((n) => limiter.acquire('p').then((release) => (order.push(n), release)));
    await settle();
    expect(order).toEqual([]);
    expect(limiter.inFlight('p')).toBe(2);
    expect(limiter.waiting('p')).toBe(3);
    r1();
    r1(); // a second call gives nothing back twice
    await settle();
    expect(order).toEqual([3]);
    expect(limiter.inFlight('p')).toBe(2);
    r2();
    await settle();
    expect(order).toEqual([3, 4]);
    const r3 = await waiting[0]!;
    r3();
    await settle();
    expect(order).toEqual([3, 4, 5]);
    (await waiting[1]!)();
    (await waiting[2]!)();
    expect(limiter.size).toBe(0);
  });

  it('tryAcquire takes a free slot at once, and never jumps the queue', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 2, queueTimeoutMs: 1000, timers: manualTimers() });
    const first = limiter.tryAcquire('p');
    expect(first).toBeTypeOf('function');
    expect(limiter.tryAcquire('p')).toBeUndefined();
    const queued = limiter.acquire('p');
    first!();
    // The slot went to the waiter: a newcomer's tryAcquire gets nothing while the waiter holds it.
    expect(limiter.tryAcquire('p')).toBeUndefined();
    (await queued)();
    expect(limiter.size).toBe(0);
    const again = limiter.tryAcquire('p');
    expect(limiter.inFlight('p')).toBe(1);
    again!();
    expect(limiter.size).toBe(0);
  });

  it('keeps keys independent', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 0, queueTimeoutMs: 1000 });
    const a = await limiter.acquire('alice');
    const b = await limiter.acquire('bob');
    expect((await rejection(limiter.acquire('alice'))).reason).toBe('queue_full');
    a();
    b();
    expect(limiter.size).toBe(0);
  });

  it('refuses at once when the queue is full, with a retry hint', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 1, queueTimeoutMs: 1000, retryAfterMs: 250, timers: manualTimers() });
    const release = await limiter.acquire('p');
    const queued = limiter.acquire('p');
    const error = await rejection(limiter.acquire('p'));
    expect(error.reason).toBe('queue_full');
    expect(error.retryAfterMs).toBe(250);
    expect(error.code).toBe('MCPKIT_CONCURRENCY_LIMITED');
    release();
    (await queued)();
    expect(limiter.size).toBe(0);
  });

  it('times a waiter out and takes it out of the queue', async () => {
    const timers = manualTimers();
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 2, queueTimeoutMs: 500, timers });
    const release = await limiter.acquire('p');
    const first = limiter.acquire('p');
    timers.advance(200);
    const second = limiter.acquire('p');
    timers.advance(300);
    const error = await rejection(first);
    expect(error.reason).toBe('queue_timeout');
    expect(error.retryAfterMs).toBe(1000);
    expect(limiter.waiting('p')).toBe(1);
    release();
    const next = await second; // the slot went to the one still waiting
    expect(timers.pending()).toBe(0); // its timer was cleared
    next();
    expect(limiter.size).toBe(0);
  });

  it('removes an aborted waiter from the queue, keeping the others in order', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 3, queueTimeoutMs: 0 });
    const release = await limiter.acquire('p');
    const controller = new AbortController();
    const got: string[] = [];
    const a = limiter.acquire('p').then((r) => (got.push('a'), r));
    const b = limiter.acquire('p', controller.signal);
    const c = limiter.acquire('p').then((r) => (got.push('c'), r));
    controller.abort(new Error('client went away'));
    const error = await rejection(b);
    expect(error.reason).toBe('aborted');
    expect(error.retryAfterMs).toBe(0);
    expect((error.cause as Error).message).toBe('client went away');
    expect(limiter.waiting('p')).toBe(2);
    release();
    (await a)();
    (await c)();
    expect(got).toEqual(['a', 'c']);
    expect(limiter.size).toBe(0);
  });

  it('refuses an already aborted signal without taking a slot', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 1, queueTimeoutMs: 100 });
    expect((await rejection(limiter.acquire('p', AbortSignal.abort()))).reason).toBe('aborted');
    expect(limiter.size).toBe(0);
  });

  it('an abort after the slot was handed over changes nothing', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 1, queueTimeoutMs: 0 });
    const first = await limiter.acquire('p');
    const controller = new AbortController();
    const second = limiter.acquire('p', controller.signal);
    first();
    const release = await second;
    controller.abort();
    expect(limiter.inFlight('p')).toBe(1);
    release();
    expect(limiter.size).toBe(0);
  });

  it('holds no memory for keys with nothing in flight or waiting, after many keys and every kind of exit', async () => {
    const timers = manualTimers();
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 1, queueTimeoutMs: 10, timers });
    const releases = await Promise.all(Array.from({ length: 1000 }, (_, i) => limiter.acquire(`k${i}`)));
    const timedOut = Array.from({ length: 1000 }, (_, i) => limiter.acquire(`k${i}`).catch((e: unknown) => e));
    const full = await Promise.all(Array.from({ length: 1000 }, (_, i) => limiter.acquire(`k${i}`).catch((e: unknown) => e)));
    expect(full.every((e) => e instanceof ConcurrencyLimitError && e.reason === 'queue_full')).toBe(true);
    expect(limiter.size).toBe(1000);
    timers.advance(10);
    await Promise.all(timedOut);
    for (const release of releases) release();
    expect(limiter.size).toBe(0);
    expect(timers.pending()).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new ConcurrencyLimiter({ limit: 0, queue: 1, queueTimeoutMs: 1 })).toThrow(InvalidArgumentError);
    expect(() => new ConcurrencyLimiter({ limit: 1, queue: -1, queueTimeoutMs: 1 })).toThrow(/queue/);
    expect(() => new ConcurrencyLimiter({ limit: 1, queue: 1, queueTimeoutMs: Number.NaN })).toThrow(/queueTimeoutMs/);
  });

  it('uses real timers by default (a few ms)', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1, queue: 1, queueTimeoutMs: 5 });
    const release = await limiter.acquire('p');
    expect((await rejection(limiter.acquire('p'))).reason).toBe('queue_timeout');
    release();
    expect(limiter.size).toBe(0);
  });
});
