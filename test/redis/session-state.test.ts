/**
 * Issue 10: the session-state contract (the log level and resource subscriptions a client set, shared by the
 * replicas of a sealed session), run against MemorySessionStateStore and RedisSessionStateStore. "Two replicas"
 * are two handles on one backend: the same object for memory, two connections on one key prefix for Redis.
 * Redis tests skip with a warning when Redis is down, and fail under CI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type SessionStateStore, MemorySessionStateStore } from '@mcpkit/server';
import { type RedisClient, RedisSessionStateStore, connectRedis } from '@mcpkit/redis';
import { REDIS_URL, dropRedisPrefixes, skipRedis, uniqueName } from '../../packages/gateway/src/store/test-support/services.js';

const noRedis = await skipRedis();
const prefixes: string[] = [];
afterAll(async () => {
  if (!noRedis) await dropRedisPrefixes(prefixes);
});

interface Pair {
  a: SessionStateStore;
  b: SessionStateStore;
  /** Whether the state of `sessionId` is gone from the backend (not only unreadable). */
  gone(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

const memory = async (): Promise<Pair> => {
  let now = Date.now();
  const one = new MemorySessionStateStore(() => now);
  return {
    a: one,
    b: one,
    gone: async (id) => {
      now += 60_000;
      return (await one.get(id)) === undefined;
    },
    close: async () => undefined,
  };
};

const redis = async (): Promise<Pair> => {
  const prefix = `${uniqueName('state')}:`;
  prefixes.push(prefix);
  const clients: RedisClient[] = [await connectRedis(REDIS_URL), await connectRedis(REDIS_URL)];
  const [a, b] = clients.map((c) => new RedisSessionStateStore(c, { prefix }));
  return {
    a: a!,
    b: b!,
    gone: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1300));
      return (await clients[0]!.keys(`${prefix}session:state:*`)).length === 0;
    },
    close: async () => void (await Promise.all(clients.map((c) => c.close()))),
  };
};

const SESSION = 'mcp1.k1.iv.sealed-session-id';
const later = () => Date.now() + 60_000;

describe.each([
  ['memory', memory, false],
  ['Redis', redis, noRedis],
] as const)('%s: the session-state contract', (_name, open, skip) => {
  it.skipIf(skip)('knows nothing of a session whose client changed nothing', async () => {
    const { a, close } = await open();
    try {
      expect(await a.get(SESSION)).toBeUndefined();
    } finally {
      await close();
    }
  });

  it.skipIf(skip)('a change written through one replica is read by another: the last level, the subscriptions left', async () => {
    const { a, b, close } = await open();
    try {
      await a.update(SESSION, { logLevel: 'info' }, later());
      await a.update(SESSION, { subscribe: 'mem://one' }, later());
      await b.update(SESSION, { subscribe: 'mem://two' }, later());
      await b.update(SESSION, { subscribe: 'mem://one' }, later());
      await a.update(SESSION, { logLevel: 'warning' }, later());
      await b.update(SESSION, { unsubscribe: 'mem://one' }, later());
      await a.update(SESSION, { unsubscribe: 'mem://never' }, later());
      const state = await b.get(SESSION);
      expect(state).toEqual({ logLevel: 'warning', subscriptions: ['mem://two'] });
      // Subscriptions alone, no level: the level stays unset.
      await a.update(`${SESSION}-2`, { subscribe: 'mem://x:y/z?q=1' }, later());
      expect(await b.get(`${SESSION}-2`)).toEqual({ subscriptions: ['mem://x:y/z?q=1'] });
      // What get returns is a copy: changing it changes nothing stored.
      state!.subscriptions.push('mem://changed');
      expect((await a.get(SESSION))!.subscriptions).toEqual(['mem://two']);
    } finally {
      await close();
    }
  });

  it.skipIf(skip)('forgets the state when the session id expires', async () => {
    const { a, gone, close } = await open();
    try {
      await a.update(SESSION, { logLevel: 'error', subscribe: 'mem://one' }, Date.now() + 1);
      expect(await gone(SESSION)).toBe(true);
      expect(await a.get(SESSION)).toBeUndefined();
    } finally {
      await close();
    }
  });
});
