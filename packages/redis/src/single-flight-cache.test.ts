/**
 * Issue 10: the shared single-flight cache against the real Redis. "Two replicas" are two caches on one key prefix,
 * each with its own connections. Skips with a warning when Redis is down, and fails under CI.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { type RedisClient, type RedisSingleFlightCacheOptions, RedisSingleFlightCache, connectRedis } from '@mcpkit/redis';
import { REDIS_URL, cuttableProxy, dropRedisPrefixes, skipRedis, uniqueName } from '../../gateway/src/store/test-support/services.js';

const noRedis = await skipRedis();
const prefixes: string[] = [];
const clients: RedisClient[] = [];
const caches: Array<RedisSingleFlightCache<unknown>> = [];
afterEach(async () => {
  // A cache whose subscriber lost Redis must not hold the suite up while it stops listening.
  for (const c of caches.splice(0)) await Promise.race([c.close().catch(() => undefined), sleep(500)]);
  for (const c of clients.splice(0)) if (c.isOpen) c.destroy();
});
afterAll(async () => {
  if (!noRedis) await dropRedisPrefixes(prefixes);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh prefix, and a function opening a cache on it with its own two connections ("a replica"). */
function onePrefix(): { prefix: string; open<T>(options?: RedisSingleFlightCacheOptions<T>, url?: string): Promise<RedisSingleFlightCache<T>> } {
  const prefix = `${uniqueName('flight')}:`;
  prefixes.push(prefix);
  return {
    prefix,
    async open<T>(options: RedisSingleFlightCacheOptions<T> = {}, url = REDIS_URL) {
      const redis = await connectRedis(url, { onError: () => undefined });
      const sub = redis.duplicate();
      sub.on('error', () => undefined);
      await sub.connect();
      clients.push(redis, sub);
      const cache = new RedisSingleFlightCache<T>(redis, { prefix, onError: () => undefined, ...options });
      await cache.listen(sub);
      caches.push(cache as RedisSingleFlightCache<unknown>);
      return cache;
    },
  };
}

/** A computation that counts its runs and resolves after `ms` with `value`. */
function counted<T>(value: T, ms = 0): { runs: () => number; compute: () => Promise<T> } {
  let runs = 0;
  return { runs: () => runs, compute: async () => (runs++, await sleep(ms), value) };
}

describe.skipIf(noRedis)('RedisSingleFlightCache (real Redis)', () => {
  it('one caller fills among concurrent callers on two clients; the others get its value', async () => {
    const p = onePrefix();
    const [a, b] = [await p.open<string[]>(), await p.open<string[]>()];
    const work = counted(['x', 'y'], 150);
    const results = await Promise.all([a, b, a, b, a, b].map((c) => c.get('k', work.compute)));
    expect(work.runs()).toBe(1);
    for (const r of results) expect(r.value).toEqual(['x', 'y']);
    expect(results.map((r) => r.source).sort()).toEqual(['filled', 'waited', 'waited', 'waited', 'waited', 'waited']);
    expect(new Set(results.map((r) => r.at)).size).toBe(1);
    // Later callers read what is stored.
    const later = await b.get('k', work.compute);
    expect(later).toMatchObject({ value: ['x', 'y'], source: 'stored' });
    expect(work.runs()).toBe(1);
  });

  it('a waiting caller on another client is woken by the fill notice, not its poll', async () => {
    const p = onePrefix();
    const a = await p.open<number>();
    const b = await p.open<number>({ pollMs: 10_000 });
    const heard: Array<[string, number]> = [];
    b.onFill((key, at) => heard.push([key, at]));
    const filling = a.get('k', async () => (await sleep(200), 7));
    await sleep(50);
    const started = Date.now();
    const waited = await b.get('k', async () => 8);
    expect(waited).toMatchObject({ value: 7, source: 'waited' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(heard).toEqual([['k', (await filling).at]]);
  });

  it('`since` refuses a value computed before it; `gatherMs` lets callers of the same news share one fill', async () => {
    const p = onePrefix();
    const [a, b] = [await p.open<string>(), await p.open<string>()];
    await a.get('k', async () => 'old');
    const heardAt = Date.now();
    const fresh = counted('new', 20);
    const first = a.get('k', fresh.compute, { since: heardAt, gatherMs: 150 });
    await sleep(60);
    // b heard the same news later than a, inside a's gather window: a's fill serves it.
    const second = b.get('k', fresh.compute, { since: Date.now(), gatherMs: 150 });
    expect((await first).value).toBe('new');
    expect(await second).toMatchObject({ value: 'new', source: 'waited' });
    expect(fresh.runs()).toBe(1);
    expect(await b.get('k', async () => 'other', { since: heardAt })).toMatchObject({ value: 'new', source: 'stored' });
  });

  it("a dead filler's lock expires and a waiting caller takes over the fill", async () => {
    const p = onePrefix();
    const a = await p.open<string>({ lockTtlMs: 400 });
    const b = await p.open<string>({ lockTtlMs: 400 });
    // a takes the lock and never finishes (its process "died": its connections are gone).
    void a.get('k', () => new Promise<string>(() => undefined)).catch(() => undefined);
    await sleep(50);
    for (const c of clients.slice(0, 2)) c.destroy();
    const started = Date.now();
    const r = await b.get('k', async () => 'from b');
    expect(r).toMatchObject({ value: 'from b', source: 'filled' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('only the owner releases the lock: a filler whose lock expired does not free its successor', async () => {
    const p = onePrefix();
    const a = await p.open<string>({ lockTtlMs: 300 });
    const b = await p.open<string>({ lockTtlMs: 5000 });
    const c = await p.open<string>();
    const aDone = a.get('k', async () => (await sleep(600), 'from a'));
    await sleep(400);
    // a's lock has expired: b takes it, and is slow.
    // A moment just before b starts (a computation started in the same millisecond does not count as after it).
    const bSince = Date.now() - 20;
    const bDone = b.get('k', async () => (await sleep(1200), 'from b'), { since: bSince });
    await sleep(100);
    expect((await aDone).value).toBe('from a');
    // a finished and stored, but b's lock stands: c, wanting a value computed since b started, waits for b's.
    const lock = clients[0]!.duplicate();
    await lock.connect();
    clients.push(lock);
    expect(await lock.exists(`${p.prefix}flight:k:lock`)).toBe(1);
    const cRuns = counted('from c');
    const cDone = await c.get('k', cRuns.compute, { since: bSince });
    expect(cDone).toMatchObject({ value: 'from b', source: 'waited' });
    expect(cRuns.runs()).toBe(0);
    expect((await bDone).source).toBe('filled');
    expect(await lock.exists(`${p.prefix}flight:k:lock`)).toBe(0);
  });

  it('an error of the filler reaches it alone, and releases the lock for the next caller', async () => {
    const p = onePrefix();
    const [a, b] = [await p.open<string>(), await p.open<string>()];
    const failing = a.get('k', async () => {
      await sleep(100);
      throw new Error('list failed');
    });
    await sleep(30);
    const waiting = b.get('k', async () => 'from b');
    await expect(failing).rejects.toThrow('list failed');
    expect(await waiting).toMatchObject({ value: 'from b', source: 'filled' });
  });

  it('Redis unreachable or stalled: the caller computes by itself, within the command timeout', async () => {
    const proxy = await cuttableProxy(new URL(REDIS_URL).host);
    const p = onePrefix();
    const cut = await p.open<string>({}, proxy.url('redis'));
    const stalled = await p.open<string>({ timeoutMs: 300 }, proxy.url('redis'));
    proxy.stall();
    const started = Date.now();
    expect(await stalled.get('k', async () => 'here')).toMatchObject({ value: 'here', source: 'local', at: undefined });
    expect(Date.now() - started).toBeLessThan(2000);
    await proxy.cut();
    expect(await cut.get('k', async () => 'here too')).toMatchObject({ value: 'here too', source: 'local' });
  });

  it('an unreadable stored value is not used; bounds must be positive integers', async () => {
    const p = onePrefix();
    const a = await p.open<string>();
    await a.get('k', async () => 'text');
    const strict = await p.open<string>({
      decode: (v) => {
        if (typeof v !== 'number') throw new Error('not a number');
        return String(v);
      },
    });
    expect(await strict.get('k', async () => 'computed')).toMatchObject({ value: 'computed', source: 'local' });
    expect(() => new RedisSingleFlightCache(clients[0]!, { lockTtlMs: 0 })).toThrow(InvalidArgumentError);
  });
});
