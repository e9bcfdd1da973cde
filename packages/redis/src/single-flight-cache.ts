/**
 * A value that many replicas need and one computes: a shared single-flight cache on Redis. The first caller takes
 * a lock (SET NX PX with a token) and computes; the others wait for its result, woken by a notice on a channel or
 * by a short poll, and compute by themselves when Redis fails or their wait runs out, so a caller never hangs.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions, reportTo } from './options.js';

export interface RedisSingleFlightCacheOptions<T> extends RedisKeyOptions {
  /** How long a filler holds the lock at most, so one that died blocks the others no longer. Default 30 s. */
  lockTtlMs?: number;
  /**
   * How long a caller waits for another's fill before computing by itself. Default: the lock's TTL plus the
   * gather window plus two polls (a dead filler's lock expires first, and a waiter takes over the fill).
   */
  waitMs?: number;
  /** How long a stored value lives after its fill. Default 1 hour. */
  ttlMs?: number;
  /** How often a waiting caller asks Redis again (a notice may be missed; a dead filler's lock expires). Default 200 ms. */
  pollMs?: number;
  /** The longest one Redis command may take before the caller gives up on Redis and computes by itself. Default 1 s. */
  timeoutMs?: number;
  /** Checks a stored value read back (JSON-parsed) and returns it typed; throws when it is not one. Default: taken as is. */
  decode?: (value: unknown) => T;
}

/** What a caller needs of the value. */
export interface SingleFlightWant {
  /**
   * The value must come from a computation that started at or after this moment (epoch ms of this process's
   * clock: only the time elapsed since is sent, so replicas' clocks need not agree). Default: any stored value.
   */
  since?: number;
  /**
   * A caller that gets the lock waits this long before computing, so that callers asking meanwhile for the same
   * news (e.g. one change announced to every replica) are served by this one computation. Default 0.
   */
  gatherMs?: number;
  /** Overrides the lock's TTL for this fill (e.g. the computation's own deadline plus a margin). */
  lockTtlMs?: number;
}

export interface SingleFlightResult<T> {
  value: T;
  /** When the computation of `value` started, on Redis's clock (ms); undefined for a value computed without Redis. */
  at: number | undefined;
  /** `stored`: read from Redis; `filled`: computed here and stored; `waited`: another caller's fill; `local`: computed here, Redis unused. */
  source: 'stored' | 'filled' | 'waited' | 'local';
}

// Reads the entry if it is fresh enough, else takes the lock, else says to wait; with Redis's clock, which every
// caller shares. Fresh: started strictly after the caller's moment (a computation in the same millisecond may have
// missed the news). ARGV: token, lock TTL, max age in ms (-1: any).
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = redis.call('HGET', KEYS[1], 'at')
local age = tonumber(ARGV[3])
if at and (age < 0 or tonumber(at) > now - age) then
  return {'hit', at, redis.call('HGET', KEYS[1], 'v')}
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'lock', tostring(now)} end
return {'wait', tostring(now)}
`;
// Stores a value unless a newer one is there (a filler whose lock expired may finish after its successor), releases
// the lock only if this filler still owns it, and tells every listener. ARGV: token, at, value, TTL, channel, notice.
const STORE = `
local cur = redis.call('HGET', KEYS[1], 'at')
local stored = 0
if not cur or tonumber(cur) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'at', ARGV[2], 'v', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  stored = 1
end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if stored == 1 then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return stored
`;
// Owner-only release: a lock that expired and was taken by another filler is not ours to delete. ARGV: token.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const SHA = new Map([ACQUIRE, STORE, RELEASE].map((script) => [script, createHash('sha1').update(script).digest('hex')]));

/**
 * Values at `PREFIX flight:<key>` (a hash: `at`, the start of its computation on Redis's clock, and `v`, its
 * JSON), the lock at `PREFIX flight:<key>:lock`, fills announced on `PREFIX flight:filled` as `{k, at}`.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` (constructor) for a bound that is not a positive integer.
 * @example
 * const cache = new RedisSingleFlightCache<string[]>(redis, { prefix: 'myapp:' });
 * await cache.listen(redis.duplicate());
 * const { value } = await cache.get('names', () => fetchNames(), { since: changedAt });
 */
export class RedisSingleFlightCache<T> {
  readonly #redis: RedisClient;
  readonly #keys: string;
  readonly #channel: string;
  readonly #lockTtlMs: number;
  readonly #waitMs: number | undefined;
  readonly #ttlMs: number;
  readonly #pollMs: number;
  readonly #timeoutMs: number;
  readonly #decode: (value: unknown) => T;
  readonly #report: (error: Error, what: string) => void;
  /** Callers waiting for a fill, per key: woken by a notice before their poll is due. */
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #listeners = new Set<(key: string, at: number) => void>();
  #stop: (() => Promise<void>) | undefined;

  constructor(redis: RedisClient, options: RedisSingleFlightCacheOptions<T> = {}) {
    this.#lockTtlMs = positive('lockTtlMs', options.lockTtlMs ?? 30_000);
    this.#waitMs = options.waitMs === undefined ? undefined : positive('waitMs', options.waitMs);
    this.#ttlMs = positive('ttlMs', options.ttlMs ?? 60 * 60_000);
    this.#pollMs = positive('pollMs', options.pollMs ?? 200);
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs ?? 1000);
    this.#redis = redis;
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#keys = `${prefix}flight:`;
    this.#channel = `${prefix}flight:filled`;
    this.#decode = options.decode ?? ((value) => value as T);
    this.#report = reportTo(options);
  }

  /**
   * The value of `key`: stored (fresh enough for `want`), or computed by `compute` here (holding the lock) or by
   * another caller (this one waits). Any Redis failure, and a wait that runs out, make this caller compute by
   * itself; an error of `compute` reaches only the caller that ran it.
   */
  async get(key: string, compute: () => Promise<T>, want: SingleFlightWant = {}): Promise<SingleFlightResult<T>> {
    const entry = this.#keys + key;
    const lock = `${entry}:lock`;
    const lockTtlMs = want.lockTtlMs === undefined ? this.#lockTtlMs : positive('lockTtlMs', want.lockTtlMs);
    const waitMs = this.#waitMs ?? lockTtlMs + (want.gatherMs ?? 0) + 2 * this.#pollMs;
    const deadline = Date.now() + waitMs;
    const token = randomBytes(16).toString('base64url');
    let waited = false;
    for (;;) {
      const maxAge = want.since === undefined ? -1 : Math.max(0, Math.floor(Date.now() - want.since));
      let reply: unknown[];
      try {
        reply = await this.#run(ACQUIRE, [entry, lock], [token, String(lockTtlMs), String(maxAge)]);
      } catch (error) {
        this.#report(error as Error, `Redis single flight (${key}): Redis failed, computing here`);
        return this.#local(compute);
      }
      const [kind, when, text] = reply.map((part) => (part === null || part === undefined ? undefined : String(part)));
      if (kind === 'hit') {
        const value = this.#read(key, text);
        if (value !== undefined) return { value: value.v, at: Number(when), source: waited ? 'waited' : 'stored' };
        return this.#local(compute);
      }
      if (kind === 'lock') return this.#fill(key, entry, lock, token, Number(when), compute, want.gatherMs ?? 0);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.#report(new Error(`no fill came within ${waitMs} ms`), `Redis single flight (${key}): waited long enough, computing here`);
        return this.#local(compute);
      }
      waited = true;
      await this.#nextFill(key, Math.min(this.#pollMs, left));
    }
  }

  /** Hears every fill stored by any caller on this prefix (once {@link listen} runs), e.g. to adopt the new value. */
  onFill(listener: (key: string, at: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts hearing fill notices on `subscriber`: a connected client this object may put in subscribe mode (one may
   * serve several listeners). Without it waiting callers poll. Idempotent.
   */
  async listen(subscriber: RedisClient): Promise<void> {
    if (this.#stop !== undefined) return;
    const onMessage = (text: string) => {
      let data: { k?: unknown; at?: unknown };
      try {
        data = JSON.parse(text) as typeof data;
      } catch {
        return this.#report(new Error('a fill notice is not JSON; ignored'), 'Redis single flight');
      }
      if (typeof data !== 'object' || data === null || typeof data.k !== 'string' || typeof data.at !== 'number') {
        return this.#report(new Error('a fill notice is not {k, at}; ignored'), 'Redis single flight');
      }
      for (const wake of [...(this.#waiters.get(data.k) ?? [])]) wake();
      for (const listener of this.#listeners) listener(data.k, data.at);
    };
    await subscriber.subscribe(this.#channel, onMessage);
    this.#stop = async () => {
      // isReady, not isOpen: a subscriber reconnecting to a Redis that is gone would never answer.
      if (subscriber.isReady) await subscriber.unsubscribe(this.#channel, onMessage);
    };
  }

  /** Stops listening (the connections stay open: they belong to the caller); callers still waiting poll on. */
  async close(): Promise<void> {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#listeners.clear();
    await stop?.();
  }

  async #fill(key: string, entry: string, lock: string, token: string, lockedAt: number, compute: () => Promise<T>, gatherMs: number): Promise<SingleFlightResult<T>> {
    const started = performance.now();
    if (gatherMs > 0) await new Promise((resolve) => setTimeout(resolve, gatherMs));
    // The computation starts now: on Redis's clock at least the lock's time plus what elapsed here since.
    const at = lockedAt + Math.floor(performance.now() - started);
    let value: T;
    let text: string;
    try {
      value = await compute();
      text = JSON.stringify(value);
    } catch (error) {
      await this.#run(RELEASE, [lock], [token]).catch((e: unknown) => this.#report(e as Error, `Redis single flight (${key}): could not release the lock; it expires`));
      throw error;
    }
    try {
      await this.#run(STORE, [entry, lock], [token, String(at), text, String(this.#ttlMs), this.#channel, JSON.stringify({ k: key, at })]);
    } catch (error) {
      // The others wait out their poll and fill again: a cost, never a wrong value.
      this.#report(error as Error, `Redis single flight (${key}): could not store the value`);
    }
    return { value, at, source: 'filled' };
  }

  async #local(compute: () => Promise<T>): Promise<SingleFlightResult<T>> {
    return { value: await compute(), at: undefined, source: 'local' };
  }

  #read(key: string, text: string | undefined): { v: T } | undefined {
    try {
      return { v: this.#decode(JSON.parse(text ?? '')) };
    } catch (error) {
      this.#report(new Error(`the stored value is unreadable (${(error as Error).message}); computing here`), `Redis single flight (${key})`);
      return undefined;
    }
  }

  /** Resolves at the next fill notice for `key`, or after `ms`. */
  #nextFill(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(key);
      if (waiters === undefined) this.#waiters.set(key, (waiters = new Set()));
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  async #run(script: string, keys: string[], args: string[]): Promise<unknown[]> {
    const tail = [String(keys.length), ...keys, ...args];
    // rejectInFlight: the deadline also covers a reply that never comes (a stalled Redis or a partition).
    const options = { timeout: this.#timeoutMs, rejectInFlight: true };
    let reply: unknown;
    try {
      reply = await this.#redis.sendCommand(['EVALSHA', SHA.get(script)!, ...tail], options);
    } catch (error) {
      // First use on this server (or after SCRIPT FLUSH): EVAL runs it and caches it for the next EVALSHA.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      reply = await this.#redis.sendCommand(['EVAL', script, ...tail], options);
    }
    return Array.isArray(reply) ? reply : [reply];
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name}: a positive integer, got ${value}`);
  return value;
}
