import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { assertGcraRate } from './gcra.js';
import { MemoryRateLimitStore } from './rate-limit-store.js';
import { rateLimitStoreContract } from './test-support/rate-limit-store-contract.js';
import { connectRedis, type RedisConnection } from '../store/redis-client.js';
import { RedisRateLimitStore } from '../store/redis-rate-limit-store.js';
import { REDIS_URL, dropRedisPrefixes, skipRedis, uniqueName } from '../store/test-support/services.js';

const redisSkipped = await skipRedis();
const prefixes: string[] = [];
let redis: RedisConnection | undefined;
afterAll(async () => {
  await dropRedisPrefixes(prefixes);
  redis?.destroy();
});

rateLimitStoreContract('MemoryRateLimitStore', () => new MemoryRateLimitStore());
rateLimitStoreContract(
  'RedisRateLimitStore',
  async () => {
    redis ??= await connectRedis(REDIS_URL);
    const prefix = `${uniqueName('rl')}:`;
    prefixes.push(prefix);
    return new RedisRateLimitStore(redis, { prefix, clock: 'caller' });
  },
  { skip: redisSkipped },
);

describe('MemoryRateLimitStore.take and peek (one bucket by name)', () => {
  it('allows a full burst, then exactly one per interval', () => {
    const store = new MemoryRateLimitStore();
    const rate = { limit: 3, windowMs: 3000 };
    for (let i = 0; i < 3; i++) expect(store.take('k', rate, 0)).toEqual({ ok: true });
    expect(store.take('k', rate, 0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(store.take('k', rate, 999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(store.take('k', rate, 1000)).toEqual({ ok: true });
    expect(store.take('k', rate, 1000)).toEqual({ ok: false, retryAfterMs: 1000 });
    // Steady state: one every 1000 ms, never two.
    for (let t = 2000; t <= 10_000; t += 1000) {
      expect(store.take('k', rate, t)).toEqual({ ok: true });
      expect(store.take('k', rate, t).ok).toBe(false);
    }
    // After a quiet window the whole burst is back, no more.
    let allowed = 0;
    for (let i = 0; i < 10; i++) if (store.take('k', rate, 20_000).ok) allowed++;
    expect(allowed).toBe(3);
  });

  it('peeks without charging', () => {
    const store = new MemoryRateLimitStore();
    const rate = { limit: 1, windowMs: 1000 };
    expect(store.peek('k', rate, 0)).toBe(0);
    expect(store.peek('k', rate, 0)).toBe(0);
    store.take('k', rate, 0);
    expect(store.peek('k', rate, 400)).toBe(600);
  });
});

describe('MemoryRateLimitStore memory bounds', () => {
  const rate = { limit: 5, windowMs: 1000 };

  it('drops drained buckets when swept, by hand or as time passes', () => {
    const store = new MemoryRateLimitStore({ sweepIntervalMs: 10_000 });
    for (let i = 0; i < 50_000; i++) store.take(`user-${i}`, rate, 0);
    expect(store.size).toBe(50_000);
    expect(store.sweep(100)).toBe(0); // still within their window
    expect(store.sweep(200)).toBe(50_000); // each took 1 of 5: drained after 200 ms
    expect(store.size).toBe(0);
    for (let i = 0; i < 1000; i++) store.take(`user-${i}`, rate, 20_000);
    store.take('late', rate, 30_000); // past the sweep interval: the next take sweeps first
    expect(store.size).toBe(1);
  });

  it('never holds more than maxKeys, forgetting the oldest key first', () => {
    const store = new MemoryRateLimitStore({ maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) store.take(`k${i}`, { limit: 1, windowMs: 3_600_000 }, i);
    expect(store.size).toBe(100);
    expect(store.peek('k9999', { limit: 1, windowMs: 3_600_000 }, 10_000)).toBeGreaterThan(0);
    expect(store.peek('k0', { limit: 1, windowMs: 3_600_000 }, 10_000)).toBe(0);
  });

  it('rejects bad options and rates', () => {
    expect(() => new MemoryRateLimitStore({ maxKeys: 0 })).toThrow(InvalidArgumentError);
    expect(() => new MemoryRateLimitStore({ sweepIntervalMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => assertGcraRate({ limit: 0, windowMs: 1000 }, 'rateLimits[0]')).toThrow(/rateLimits\[0\]: limit must be a positive integer/);
    expect(() => assertGcraRate({ limit: 1.5, windowMs: 1000 })).toThrow(InvalidArgumentError);
    expect(() => assertGcraRate({ limit: 1, windowMs: Number.NaN })).toThrow(/windowMs/);
  });
});

describe('MemoryRateLimitStore groups', () => {
  it('keeps a member of one group apart from the same member of another, and sweeps empty groups', () => {
    const store = new MemoryRateLimitStore();
    const rate = { limit: 1, windowMs: 1000 };
    expect(store.takeAll([{ group: '0:5:files', member: 'p', rate }], 0).ok).toBe(true);
    expect(store.takeAll([{ group: '0:7:weather', member: 'p', rate }], 0).ok).toBe(true);
    expect(store.takeAll([{ group: '0:5:files', member: 'p', rate }], 0).ok).toBe(false);
    expect(store.size).toBe(2);
    expect(store.sweep(1000)).toBe(2);
    expect(store.size).toBe(0);
  });
});
