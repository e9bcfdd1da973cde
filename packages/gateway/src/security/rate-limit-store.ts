/**
 * Where GCRA buckets live: the {@link RateLimitStore} interface (a Redis backend can implement it with one
 * script per call) and the in-process {@link MemoryRateLimitStore}, bounded in memory.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { gcraAfter, gcraWait, type GcraRate } from './gcra.js';

/** One bucket to charge: its key and its rate. */
export interface RateLimitCell {
  key: string;
  rate: GcraRate;
}

/** The outcome of charging cells: all charged, or none, with the longest wait and the index of its cell. */
export type RateLimitTake = { ok: true } | { ok: false; index: number; retryAfterMs: number };

/**
 * Bucket storage. `takeAll` is atomic: it charges every cell when all conform and none otherwise. Cells have
 * distinct keys. A memory store answers synchronously; a networked one returns a promise.
 */
export interface RateLimitStore {
  takeAll(cells: readonly RateLimitCell[], now: number): RateLimitTake | Promise<RateLimitTake>;
}

export interface MemoryRateLimitStoreOptions {
  /** Most buckets kept at once; past it the oldest is forgotten (its caller gets a fresh bucket). Default 100,000. */
  maxKeys?: number;
  /** How often idle buckets are dropped, as time passes on the callers' clock. Default 60 s. */
  sweepIntervalMs?: number;
}

const OK: RateLimitTake = Object.freeze({ ok: true });
// When the store is full of live buckets, sweep at most this often and evict the oldest in between, so a flood
// of new keys costs O(1) each instead of a full scan each.
const FULL_SWEEP_GAP_MS = 1000;

/**
 * GCRA buckets in a Map. A bucket whose TAT has passed is the same as no bucket, so the sweep drops it; memory
 * is therefore bounded by the keys active within one window, and by `maxKeys` in any case.
 * @example
 * const store = new MemoryRateLimitStore();
 * store.take('ci', { limit: 60, windowMs: 60_000 }, Date.now()); // { ok: true }
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #tat = new Map<string, number>();
  readonly #maxKeys: number;
  readonly #sweepIntervalMs: number;
  #nextSweep = Number.NEGATIVE_INFINITY;
  #lastFullSweep = Number.NEGATIVE_INFINITY;

  /** @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a `maxKeys` or `sweepIntervalMs` that is not positive. */
  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (!Number.isSafeInteger(this.#maxKeys) || this.#maxKeys < 1) throw new InvalidArgumentError(`maxKeys must be a positive integer, got ${this.#maxKeys}`);
    if (!(this.#sweepIntervalMs > 0)) throw new InvalidArgumentError(`sweepIntervalMs must be positive, got ${this.#sweepIntervalMs}`);
  }

  /** Buckets held now. */
  get size(): number {
    return this.#tat.size;
  }

  /** Charges one bucket if it conforms. */
  take(key: string, rate: GcraRate, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const result = this.takeAll([{ key, rate }], now);
    return result.ok ? OK : { ok: false, retryAfterMs: result.retryAfterMs };
  }

  /** Whole milliseconds until one more cell would conform, without charging; 0 when it would now. */
  peek(key: string, rate: GcraRate, now: number): number {
    return gcraWait(gcraAfter(this.#tat.get(key), now, rate), now, rate);
  }

  takeAll(cells: readonly RateLimitCell[], now: number): RateLimitTake {
    if (now >= this.#nextSweep) this.sweep(now);
    let worst = -1;
    let worstWait = 0;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      const wait = gcraWait(gcraAfter(this.#tat.get(cell.key), now, cell.rate), now, cell.rate);
      if (wait > worstWait) {
        worst = i;
        worstWait = wait;
      }
    }
    if (worst >= 0) return { ok: false, index: worst, retryAfterMs: worstWait };
    for (const cell of cells) {
      const before = this.#tat.get(cell.key);
      if (before === undefined) this.#makeRoom(now);
      this.#tat.set(cell.key, gcraAfter(before, now, cell.rate));
    }
    return OK;
  }

  /** Drops every bucket that has drained (TAT not after `now`); returns how many. */
  sweep(now: number): number {
    this.#nextSweep = now + this.#sweepIntervalMs;
    let dropped = 0;
    for (const [key, tat] of this.#tat) {
      if (tat <= now) {
        this.#tat.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  #makeRoom(now: number): void {
    if (this.#tat.size < this.#maxKeys) return;
    if (now - this.#lastFullSweep >= FULL_SWEEP_GAP_MS) {
      this.#lastFullSweep = now;
      if (this.sweep(now) > 0) return;
    }
    // Forgetting a bucket can only let its owner through sooner, never refuse anyone wrongly; the oldest key
    // inserted is the likeliest to have drained.
    const oldest = this.#tat.keys().next();
    if (!oldest.done) this.#tat.delete(oldest.value);
  }
}
