// Redis rate limits (issue 10): one limit across replicas, idle buckets expire, and the fail mode when Redis is gone.
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../security/rate-limit.js';
import type { RateLimitRule } from '../config/types.js';
import { connectRedis, type RedisConnection } from './redis-client.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';
import { REDIS_URL, cuttableProxy, dropRedisPrefixes, skipRedis, uniqueName } from './test-support/services.js';

const skip = await skipRedis();
const prefixes: string[] = [];
const clients: RedisConnection[] = [];
afterAll(async () => {
  await dropRedisPrefixes(prefixes);
  for (const c of clients) if (c.isOpen) c.destroy();
});

async function client(url = REDIS_URL): Promise<RedisConnection> {
  const c = await connectRedis(url, { onError: () => {} });
  clients.push(c);
  return c;
}
function prefix(): string {
  const p = `${uniqueName('rl')}:`;
  prefixes.push(p);
  return p;
}

describe.skipIf(skip)('RedisRateLimitStore', () => {
  it('admits N per window across 3 RateLimiters on 3 connections, not 3N', async () => {
    const rules: RateLimitRule[] = [{ per: 'principal', limit: 5, windowMs: 60_000 }];
    const p = prefix();
    const limiters = await Promise.all([0, 1, 2].map(async () => new RateLimiter(rules, { store: new RedisRateLimitStore(await client(), { prefix: p }) })));
    const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => limiters[i % 3]!.check({ principal: 'key:ci' })));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(5);
    const refused = verdicts.find((v) => !v.ok) as { ok: false; retryAfterMs: number; rule: RateLimitRule };
    expect(refused.rule).toBe(rules[0]);
    expect(refused.retryAfterMs).toBeGreaterThan(11_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(12_000);
    // Another principal has its own bucket.
    expect((await limiters[2]!.check({ principal: 'key:other' })).ok).toBe(true);
    // The same three limiters on memory stores would have let 15 through: the test tells the two apart.
    const local = [0, 1, 2].map(() => new RateLimiter(rules));
    expect(Array.from({ length: 30 }, (_, i) => local[i % 3]!.check({ principal: 'key:ci' })).filter((v) => v.ok)).toHaveLength(15);
  });

  it('charges all rules of a request or none, across replicas', async () => {
    const rules: RateLimitRule[] = [
      { per: 'principal', limit: 10, windowMs: 60_000 },
      { per: 'server', limit: 2, windowMs: 60_000 },
    ];
    const p = prefix();
    const [a, b] = await Promise.all([0, 1].map(async () => new RateLimiter(rules, { store: new RedisRateLimitStore(await client(), { prefix: p }) })));
    expect((await a!.check({ principal: 'u', server: 'files' })).ok).toBe(true);
    expect((await b!.check({ principal: 'u', server: 'files' })).ok).toBe(true);
    const refused = await a!.check({ principal: 'u', server: 'files' });
    expect(refused).toMatchObject({ ok: false, rule: rules[1] });
    // The refusal charged nothing: 8 of the principal's 10 are left, on either replica.
    for (let i = 0; i < 8; i++) expect((await (i % 2 ? a : b)!.check({ principal: 'u', server: `s${i}` })).ok, `call ${i}`).toBe(true);
    expect((await b!.check({ principal: 'u', server: 'weather' })).ok).toBe(false);
  });

  it('keys a bucket by prefix, member (as a Cluster hash tag) and group, expiring once it has drained', async () => {
    const redis = await client();
    const p = prefix();
    const store = new RedisRateLimitStore(redis, { prefix: p });
    const cell = { group: '0:5:files', member: 'key:ci', rate: { limit: 2, windowMs: 400 } };
    expect(store.keyOf(cell)).toBe(`${p}rl:6:{key:ci}0:5:files`);
    expect(await store.takeAll([cell], Date.now())).toEqual({ ok: true });
    const ttl = await redis.pTTL(store.keyOf(cell));
    // TAT - now is one interval (200 ms), plus the second of slack.
    expect(ttl).toBeGreaterThan(1000);
    expect(ttl).toBeLessThanOrEqual(1200);
    await new Promise((resolve) => setTimeout(resolve, 1400));
    expect(await redis.exists(store.keyOf(cell))).toBe(0);
  });

  it('runs again after the server forgot its scripts', async () => {
    const redis = await client();
    const store = new RedisRateLimitStore(redis, { prefix: prefix(), clock: 'caller' });
    const rate = { limit: 1, windowMs: 1000 };
    expect(await store.takeAll([{ group: 'g', member: 'm', rate }], 0)).toEqual({ ok: true });
    await redis.sendCommand(['SCRIPT', 'FLUSH']);
    expect(await store.takeAll([{ group: 'g', member: 'm', rate }], 0)).toEqual({ ok: false, index: 0, retryAfterMs: 1000 });
  });

  it.each([
    ['closed', { ok: false, index: 0, retryAfterMs: 1000 }],
    ['open', { ok: true }],
  ] as const)('fails %s while Redis is unreachable, logging once per 10 s', async (failMode, expected) => {
    const proxy = await cuttableProxy(new URL(REDIS_URL).host);
    const redis = await client(proxy.url('redis'));
    const errors: Error[] = [];
    const store = new RedisRateLimitStore(redis, { prefix: prefix(), failMode, onError: (e) => errors.push(e) });
    const cells = [{ group: 'g', member: 'm', rate: { limit: 100, windowMs: 1000 } }];
    expect(await store.takeAll(cells, 0)).toEqual({ ok: true });
    await proxy.cut();
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect(await store.takeAll(cells, 0)).toEqual(expected);
    expect(Date.now() - started).toBeLessThan(2600);
    expect(store.failures).toBe(5);
    expect(errors).toHaveLength(1);
  });
});

describe.skipIf(skip)('RedisRateLimitStore on a stalled Redis', () => {
  it('answers with the fail mode once the deadline passes, though the request was sent', async () => {
    const proxy = await cuttableProxy(new URL(REDIS_URL).host);
    const redis = await client(proxy.url('redis'));
    const store = new RedisRateLimitStore(redis, { prefix: prefix(), timeoutMs: 200, onError: () => {} });
    const cells = [{ group: 'g', member: 'm', rate: { limit: 100, windowMs: 1000 } }];
    expect(await store.takeAll(cells, 0)).toEqual({ ok: true });
    proxy.stall();
    const started = Date.now();
    expect(await store.takeAll(cells, 0)).toEqual({ ok: false, index: 0, retryAfterMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(store.failures).toBe(1);
    redis.destroy();
    await proxy.cut();
  });
});

describe('connectRedis', () => {
  it('names the URL without its password when the first connection fails', async () => {
    const proxy = await cuttableProxy(new URL(REDIS_URL).host);
    const url = proxy.url('redis').replace('redis://', 'redis://gw:hunter2@');
    await proxy.cut();
    const error = await connectRedis(url, { connectTimeoutMs: 1000 }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^cannot connect to Redis at redis://gw:\\*\\*\\*@127\\.0\\.0\\.1:\\d+: `));
    expect((error as Error).message).not.toContain('hunter2');
  });
});
