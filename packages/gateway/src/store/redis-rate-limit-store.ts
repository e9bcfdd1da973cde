/**
 * GCRA buckets in Redis, shared by every gateway replica. `takeAll` is one Lua script: Redis runs a script
 * alone, so reading every bucket, deciding, and charging all of them or none is atomic across replicas.
 *
 * A bucket is one string key holding its TAT and expiring once the TAT has passed (plus a second, for clock
 * jitter), so idle buckets cost nothing. Keys are `PREFIX rl:LEN:{MEMBER}GROUP`: the `{MEMBER}` hash tag puts
 * one principal's buckets in one Redis Cluster slot, so one script may touch them all; the length makes the key
 * unambiguous whatever the member holds.
 * @module
 */
import { createHash } from 'node:crypto';
import type { RateLimitCell, RateLimitStore, RateLimitTake } from '../security/rate-limit-store.js';
import type { RedisConnection } from './redis-client.js';

export interface RedisRateLimitStoreOptions {
  /** Prefix of every key. Default `mcpkit:`. */
  prefix?: string;
  /**
   * While Redis cannot be reached (or does not answer within `timeoutMs`): `closed` refuses the request (as rate
   * limited, retry after 1 s), `open` lets it through uncounted. Default `closed`.
   */
  failMode?: 'open' | 'closed';
  /** Longest wait for Redis on one request. Default 500 ms. */
  timeoutMs?: number;
  /**
   * `redis` (default): the buckets run on Redis's clock, one clock for every replica, and the `now` callers
   * pass is ignored. `caller`: they run on the `now` passed (tests, or replicas with closely synced clocks).
   */
  clock?: 'redis' | 'caller';
  /** Called when Redis fails a request, at most once per 10 s (the fail mode applies every time). Default: stderr. */
  onError?: (error: Error) => void;
}

// KEYS: the buckets. ARGV[1]: now in ms, or '' for the server's clock; then per cell its emission interval and
// window in ms. Returns {-1, 0} when every cell conformed and was charged, else {index of the cell with the
// longest wait (0-based), that wait in whole ms}. The arithmetic is gcra.ts's, in doubles like JavaScript's.
const SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  if redis.replicate_commands then pcall(redis.replicate_commands) end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local after = {}
local worst, worst_wait = -1, 0
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]))
  if not tat or tat < now then tat = now end
  after[i] = tat + interval
  local wait = after[i] - window - now
  if wait > 1e-6 then
    wait = math.ceil(wait - 1e-6)
    if wait > worst_wait then worst, worst_wait = i - 1, wait end
  end
end
if worst >= 0 then return {worst, worst_wait} end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], string.format('%.17g', after[i]), 'PX', string.format('%d', math.ceil(after[i] - now) + 1000))
end
return {-1, 0}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');
const OK: RateLimitTake = Object.freeze({ ok: true });
const FAIL_RETRY_MS = 1000;
const ERROR_LOG_GAP_MS = 10_000;

/**
 * @example
 * const store = new RedisRateLimitStore(await connectRedis('redis://127.0.0.1:6379'));
 * const limiter = new RateLimiter(config.rateLimits, { store });
 * const verdict = await limiter.check({ principal: 'key:ci' });
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: RedisConnection;
  readonly #prefix: string;
  readonly #failMode: 'open' | 'closed';
  readonly #timeoutMs: number;
  readonly #callerClock: boolean;
  readonly #onError: (error: Error) => void;
  #lastErrorLog = Number.NEGATIVE_INFINITY;
  #failures = 0;

  constructor(client: RedisConnection, options: RedisRateLimitStoreOptions = {}) {
    this.#client = client;
    this.#prefix = options.prefix ?? 'mcpkit:';
    this.#failMode = options.failMode ?? 'closed';
    this.#timeoutMs = options.timeoutMs ?? 500;
    this.#callerClock = options.clock === 'caller';
    this.#onError = options.onError ?? ((error) => console.error(`[mcpkit] rate limits: Redis failed (${this.#failMode === 'open' ? 'letting requests through' : 'refusing requests'}): ${error.message}`));
  }

  /** Requests that met an unreachable Redis so far (the fail mode answered them). */
  get failures(): number {
    return this.#failures;
  }

  /** The Redis key of a cell's bucket. */
  keyOf(cell: Pick<RateLimitCell, 'group' | 'member'>): string {
    return `${this.#prefix}rl:${cell.member.length}:{${cell.member}}${cell.group}`;
  }

  async takeAll(cells: readonly RateLimitCell[], now: number): Promise<RateLimitTake> {
    const keys = cells.map((cell) => this.keyOf(cell));
    const args = [this.#callerClock ? String(now) : ''];
    for (const cell of cells) args.push(String(cell.rate.windowMs / cell.rate.limit), String(cell.rate.windowMs));
    let reply: [number, number];
    try {
      reply = await this.#run(keys, args);
    } catch (error) {
      return this.#failed(error as Error);
    }
    const [index, wait] = reply;
    return index < 0 ? OK : { ok: false, index, retryAfterMs: wait };
  }

  async #run(keys: string[], args: string[]): Promise<[number, number]> {
    const tail = [String(keys.length), ...keys, ...args];
    // rejectInFlight: the deadline also covers a reply that never comes (a stalled Redis or a partition), not only
    // the wait to be sent. A script cut off that way may still have run: the caller is at worst charged once more.
    const options = { timeout: this.#timeoutMs, rejectInFlight: true };
    try {
      return await this.#client.sendCommand<[number, number]>(['EVALSHA', SCRIPT_SHA, ...tail], options);
    } catch (error) {
      // First use on this server (or after SCRIPT FLUSH): EVAL runs it and caches it for the next EVALSHA.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return await this.#client.sendCommand<[number, number]>(['EVAL', SCRIPT, ...tail], options);
    }
  }

  #failed(error: Error): RateLimitTake {
    this.#failures++;
    const now = Date.now();
    if (now - this.#lastErrorLog >= ERROR_LOG_GAP_MS) {
      this.#lastErrorLog = now;
      this.#onError(error);
    }
    return this.#failMode === 'open' ? OK : { ok: false, index: 0, retryAfterMs: FAIL_RETRY_MS };
  }
}
