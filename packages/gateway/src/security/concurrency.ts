/**
 * Calls in flight per key (per principal in the gateway): at most `limit` at once, up to `queue` more waiting
 * in FIFO order for `queueTimeoutMs`, the rest refused at once with a retry hint.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { ConcurrencyLimitError } from './errors.js';

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

/** Timer functions, injectable so tests need no real waiting. */
export interface LimiterTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ConcurrencyLimiterOptions {
  /** Calls in flight at once per key. */
  limit: number;
  /** Callers that may wait per key beyond `limit`; 0 refuses at once. */
  queue: number;
  /** How long a caller waits for a slot; 0 waits as long as it takes. */
  queueTimeoutMs: number;
  /** The `retryAfterMs` hint on refusals. Default 1000. */
  retryAfterMs?: number;
  /** Default the global `setTimeout` (unref'd, so a waiting caller never keeps the process alive). */
  timers?: LimiterTimers;
}

interface Waiter {
  resolve(release: Release): void;
  reject(error: ConcurrencyLimitError): void;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Slot {
  active: number;
  /** A Set keeps insertion order (FIFO) and removes from the middle in O(1) when a waiter gives up. */
  waiters: Set<Waiter>;
}

const realTimers: LimiterTimers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A per-key semaphore with a bounded FIFO queue. A key with nothing in flight and nobody waiting holds no memory.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` (from the constructor) for a bad limit, queue or timeout.
 * @example
 * const limiter = new ConcurrencyLimiter({ limit: 8, queue: 32, queueTimeoutMs: 5000 });
 * const release = await limiter.acquire(principal, signal);
 * try { await callUpstream(); } finally { release(); }
 */
export class ConcurrencyLimiter {
  readonly #slots = new Map<string, Slot>();
  readonly #limit: number;
  readonly #queue: number;
  readonly #timeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #timers: LimiterTimers;

  constructor(options: ConcurrencyLimiterOptions) {
    const { limit, queue, queueTimeoutMs } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgumentError(`concurrency limit must be a positive integer, got ${String(limit)}`);
    if (!Number.isSafeInteger(queue) || queue < 0) throw new InvalidArgumentError(`concurrency queue must be a non-negative integer, got ${String(queue)}`);
    if (!Number.isFinite(queueTimeoutMs) || queueTimeoutMs < 0) throw new InvalidArgumentError(`queueTimeoutMs must be a non-negative number, got ${String(queueTimeoutMs)}`);
    this.#limit = limit;
    this.#queue = queue;
    this.#timeoutMs = queueTimeoutMs;
    this.#retryAfterMs = options.retryAfterMs ?? 1000;
    this.#timers = options.timers ?? realTimers;
  }

  /** Keys with calls in flight or waiting. */
  get size(): number {
    return this.#slots.size;
  }

  /** Calls in flight for `key`. */
  inFlight(key: string): number {
    return this.#slots.get(key)?.active ?? 0;
  }

  /** Callers waiting for `key`. */
  waiting(key: string): number {
    return this.#slots.get(key)?.waiters.size ?? 0;
  }

  /**
   * Takes a slot under `key` at once, or returns undefined when all are taken (then {@link acquire} queues).
   * The fast path of a call: no promise, and the caller's abort signal need not exist yet.
   */
  tryAcquire(key: string): Release | undefined {
    let slot = this.#slots.get(key);
    if (slot === undefined) this.#slots.set(key, (slot = { active: 0, waiters: new Set() }));
    if (slot.active >= this.#limit || slot.waiters.size > 0) return undefined;
    slot.active++;
    return this.#releaser(key, slot);
  }

  /**
   * Waits for a slot under `key`.
   * @throws ConcurrencyLimitError `MCPKIT_CONCURRENCY_LIMITED` (as a rejection) when the queue is full, the wait
   * times out, or `signal` aborts (the waiter then leaves the queue).
   */
  acquire(key: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new ConcurrencyLimitError('aborted', 0, { cause: signal.reason }));
    let slot = this.#slots.get(key);
    if (slot === undefined) this.#slots.set(key, (slot = { active: 0, waiters: new Set() }));
    if (slot.active < this.#limit) {
      slot.active++;
      return Promise.resolve(this.#releaser(key, slot));
    }
    if (slot.waiters.size >= this.#queue) return Promise.reject(new ConcurrencyLimitError('queue_full', this.#retryAfterMs));
    const queued = slot;
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined, signal, onAbort: undefined };
      const giveUp = (error: ConcurrencyLimitError) => {
        this.#forget(waiter, queued);
        reject(error);
      };
      if (this.#timeoutMs > 0) {
        waiter.timer = this.#timers.setTimeout(() => giveUp(new ConcurrencyLimitError('queue_timeout', this.#retryAfterMs)), this.#timeoutMs);
      }
      if (signal !== undefined) {
        waiter.onAbort = () => giveUp(new ConcurrencyLimitError('aborted', 0, { cause: signal.reason }));
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queued.waiters.add(waiter);
    });
  }

  #releaser(key: string, slot: Slot): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiters.values().next();
      if (!next.done) {
        // The slot passes straight to the first waiter, so no later arrival can take it first.
        this.#forget(next.value, slot);
        next.value.resolve(this.#releaser(key, slot));
      } else if (--slot.active === 0) {
        this.#slots.delete(key);
      }
    };
  }

  #forget(waiter: Waiter, slot: Slot): void {
    slot.waiters.delete(waiter);
    if (waiter.timer !== undefined) this.#timers.clearTimeout(waiter.timer);
    if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort);
  }
}
