/**
 * Where GCRA buckets live: the {@link RateLimitStore} interface (a Redis backend can implement it with one
 * script per call) and the in-process {@link MemoryRateLimitStore}, bounded in memory.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { gcraAfter, gcraWait, type GcraRate } from './gcra.js';

/**
 * One bucket to charge, named by `group` (e.g. a rule and a server) and `member` (e.g. a principal). The two
 * are kept apart so the memory store can look them up without building a string per request; a networked store
 * uses `group + member` as its key (groups are made so that this is unambiguous).
 */
export interface RateLimitCell {
  group: string;
  member: string;
  rate: GcraRate;
}

/** The outcome of charging cells: all charged, or none, with the longest wait and the index of its cell. */
export type RateLimitTake = { ok: true } | { ok: false; index: number; retryAfterMs: number };

/**
 * Bucket storage. `takeAll` is atomic: it charges every cell when all conform and none otherwise. Cells name
 * distinct buckets. A memory store answers synchronously; a networked one returns a promise.
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
 * GCRA buckets (their TATs) in Maps of groups of members. A bucket whose TAT has passed is the same as no
 * bucket, so the sweep drops it; memory is therefore bounded by the buckets used within one window, and by
 * `maxKeys` in any case.
 * @example
 * const store = new MemoryRateLimitStore();
 * store.take('ci', { limit: 60, windowMs: 60_000 }, Date.now()); // { ok: true }
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #groups = new Map<string, Map<string, number>>();
  #size = 0;
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
    return this.#size;
  }

  /** Charges one bucket, named by `key` alone, if it conforms. */
  take(key: string, rate: GcraRate, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const result = this.takeAll([{ group: '', member: key, rate }], now);
    return result.ok ? OK : { ok: false, retryAfterMs: result.retryAfterMs };
  }

  /** Whole milliseconds until one more cell in the bucket named `key` would conform, without charging; 0 when it would now. */
  peek(key: string, rate: GcraRate, now: number): number {
    return gcraWait(gcraAfter(this.#groups.get('')?.get(key), now, rate), now, rate);
  }

  takeAll(cells: readonly RateLimitCell[], now: number): RateLimitTake {
    if (now >= this.#nextSweep) this.sweep(now);
    let worst = -1;
    let worstWait = 0;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      const wait = gcraWait(gcraAfter(this.#groups.get(cell.group)?.get(cell.member), now, cell.rate), now, cell.rate);
      if (wait > worstWait) {
        worst = i;
        worstWait = wait;
      }
    }
    if (worst >= 0) return { ok: false, index: worst, retryAfterMs: worstWait };
    for (const cell of cells) this.#charge(cell, now);
    return OK;
  }

  /** Drops every bucket that has drained (TAT not after `now`); returns how many. */
  sweep(now: number): number {
    this.#nextSweep = now + this.#sweepIntervalMs;
    let dropped = 0;
    for (const [group, members] of this.#groups) {
      for (const [member, tat] of members) {
        if (tat <= now) {
          members.delete(member);
          dropped++;
        }
      }
      if (members.size === 0) this.#groups.delete(group);
    }
    this.#size -= dropped;
    return dropped;
  }

  #charge(cell: RateLimitCell, now: number): void {
    let members = this.#groups.get(cell.group);
    const before = members?.get(cell.member);
    if (before === undefined) {
      this.#makeRoom(now);
      members = this.#groups.get(cell.group);
      if (members === undefined) this.#groups.set(cell.group, (members = new Map()));
      this.#size++;
    }
    members!.set(cell.member, gcraAfter(before, now, cell.rate));
  }

  #makeRoom(now: number): void {
    if (this.#size < this.#maxKeys) return;
    if (now - this.#lastFullSweep >= FULL_SWEEP_GAP_MS) {
      this.#lastFullSweep = now;
      if (this.sweep(now) > 0) return;
    }
    // Forgetting a bucket can only let its owner through sooner, never refuse anyone wrongly; the oldest one
    // inserted is the likeliest to have drained.
    const first = this.#groups.entries().next();
    if (first.done) return;
    const [group, members] = first.value;
    const oldest = members.keys().next();
    if (!oldest.done) {
      members.delete(oldest.value);
      this.#size--;
    }
    if (members.size === 0) this.#groups.delete(group);
  }
}
