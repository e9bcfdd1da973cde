/**
 * A brake on key guessing: failed authentications counted per source address, so the caller can refuse a
 * source after `maxFailures` per `windowMs` before even looking at what it sends.
 * @module
 */
import { isIPv6 } from 'node:net';
import { assertGcraRate, type GcraRate } from './gcra.js';
import { MemoryRateLimitStore } from './rate-limit-store.js';

export interface FailureTrackerOptions {
  /** Failures allowed per window (as a burst, then one per `windowMs / maxFailures`). Default 10. */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** Sources remembered at most; past it the oldest is forgotten. Default 10,000. */
  maxSources?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

export type FailureVerdict = { ok: true } | { ok: false; retryAfterMs: number };

const OK: FailureVerdict = Object.freeze({ ok: true });

/**
 * Counts failures per source with GCRA, so a blocked source gets one more try per `windowMs / maxFailures`
 * rather than a fresh burst, and hammering while blocked does not extend the block. Successes do not reset the
 * count: otherwise one valid key would let its holder guess others at full speed.
 * @example
 * const tracker = new FailureTracker({ maxFailures: 10, windowMs: 60_000 });
 * const source = failureSourceOf(request.socket.remoteAddress ?? '');
 * if (!tracker.check(source).ok) return tooManyRequests();
 * const result = await verifier.verify(key);
 * if (!result.ok) tracker.recordFailure(source);
 */
export class FailureTracker {
  readonly #store: MemoryRateLimitStore;
  readonly #rate: GcraRate;
  readonly #now: () => number;

  /** @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a bad `maxFailures`, `windowMs` or `maxSources`. */
  constructor(options: FailureTrackerOptions = {}) {
    this.#rate = { limit: options.maxFailures ?? 10, windowMs: options.windowMs ?? 60_000 };
    assertGcraRate(this.#rate, 'failure tracker');
    this.#store = new MemoryRateLimitStore({ maxKeys: options.maxSources ?? 10_000, sweepIntervalMs: this.#rate.windowMs });
    this.#now = options.now ?? Date.now;
  }

  /** Sources remembered now. */
  get size(): number {
    return this.#store.size;
  }

  /** Whether `source` may try again now; when not, how long until it may. */
  check(source: string, now = this.#now()): FailureVerdict {
    const wait = this.#store.peek(source, this.#rate, now);
    return wait === 0 ? OK : { ok: false, retryAfterMs: wait };
  }

  /** Counts one failure; the verdict says whether `source` may still try. */
  recordFailure(source: string, now = this.#now()): FailureVerdict {
    this.#store.take(source, this.#rate, now);
    return this.check(source, now);
  }

  /** Drops sources whose failures have aged out; returns how many. */
  sweep(now = this.#now()): number {
    return this.#store.sweep(now);
  }
}

/**
 * The source to count failures under: an IPv4 address as is (also when IPv4-mapped), an IPv6 address as its
 * /64, since one host usually holds a whole /64 and could otherwise rotate through it.
 * @example
 * failureSourceOf('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * failureSourceOf('::ffff:192.0.2.7'); // '192.0.2.7'
 */
export function failureSourceOf(address: string): string {
  // IPv4 (the common case, and every loopback caller on a v4 listener): nothing to normalise.
  if (!address.includes(':')) return address;
  const bare = address.split('%')[0]!.toLowerCase();
  if (!isIPv6(bare)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 address (`::1.2.3.4`) stands for two groups; it only ever ends the address.
  const tailWidth = tailGroups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailWidth).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
