/**
 * Issue 10: one contract for what replicas of an `McpServer` share (event store, session revocations, tasks, session
 * bus), run against the in-process implementations of @mcpkit/server and the Redis ones of @mcpkit/redis. "Two
 * replicas" are two handles on one backend: for memory the same object, for Redis two sets of connections on
 * one key prefix. Redis tests skip with a warning when Redis is down, and fail under CI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EventStore,
  type JsonObject,
  type SessionMessageBus,
  type SessionRevocations,
  type SharedTaskStore,
  type TaskAction,
  InMemoryEventStore,
  MemorySessionMessageBus,
  MemorySessionRevocations,
  MemorySharedTaskStore,
} from '@mcpkit/server';
import { type RedisSessionSharing, RedisEventStore, connectRedis, redisSessionSharing } from '@mcpkit/redis';
import { InvalidArgumentError, type JsonRpcMessage } from '@mcpkit/protocol';
import { REDIS_URL, cuttableProxy, dropRedisPrefixes, skipRedis, uniqueName } from '../../packages/gateway/src/store/test-support/services.js';

const noRedis = await skipRedis();
const prefixes: string[] = [];
afterAll(async () => {
  if (!noRedis) await dropRedisPrefixes(prefixes);
});

/** What one replica holds. */
interface Replica {
  events: EventStore;
  revocations: SessionRevocations;
  bus: SessionMessageBus;
  tasks: SharedTaskStore;
}

interface Backend {
  /** Two replicas on one backend, the event stores bounded to `maxEvents` per stream. */
  pair(maxEvents: number): Promise<{ a: Replica; b: Replica; close(): Promise<void> }>;
}

const memory: Backend = {
  async pair(maxEvents) {
    const one = { events: new InMemoryEventStore({ maxEventsPerStream: maxEvents }), revocations: new MemorySessionRevocations(), bus: new MemorySessionMessageBus(), tasks: new MemorySharedTaskStore() };
    return { a: one, b: one, close: async () => undefined };
  },
};

const redis: Backend = {
  async pair(maxEvents) {
    const prefix = `${uniqueName('contract')}:`;
    prefixes.push(prefix);
    const open = () => redisSessionSharing({ url: REDIS_URL, prefix, events: { maxEventsPerStream: maxEvents } });
    const sharings: RedisSessionSharing[] = [await open(), await open()];
    const as = (s: RedisSessionSharing): Replica => ({ events: s.eventStore, revocations: s.revocations, bus: s.bus, tasks: s.tasks });
    return { a: as(sharings[0]!), b: as(sharings[1]!), close: async () => void (await Promise.all(sharings.map((s) => s.close()))) };
  },
};

const note = (n: number): JsonRpcMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: `event ${n}` } }) as JsonRpcMessage;

async function replay(store: EventStore, after: string): Promise<Array<[string, JsonRpcMessage]>> {
  const out: Array<[string, JsonRpcMessage]> = [];
  await store.replayAfter(after, (id, message) => out.push([id, message]));
  return out;
}

/** The next value `subscribe` hands its listener that `accept` takes. */
function nextFrom<T>(subscribe: (listener: (value: T) => void) => () => void, accept: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const stop = subscribe((value) => {
      if (!accept(value)) return;
      stop();
      resolve(value);
    });
  });
}

describe.each([
  ['memory', memory, false],
  ['Redis', redis, noRedis],
] as const)('%s: the shared-session contract', (_name, backend, skip) => {
  describe.skipIf(skip)('event store', () => {
    it('gives each event an id any replica maps to its stream, and replays what followed, in order, on any replica', async () => {
      const { a, b, close } = await backend.pair(100);
      try {
        const ids: string[] = [];
        for (let n = 1; n <= 4; n++) ids.push(await a.events.storeEvent('stream-1', note(n)));
        await a.events.storeEvent('stream-2', note(99));
        expect(new Set(ids).size).toBe(4);
        expect(await b.events.streamIdOf(ids[0]!)).toBe('stream-1');
        const after = await replay(b.events, ids[1]!);
        expect(after).toEqual([
          [ids[2], note(3)],
          [ids[3], note(4)],
        ]);
        expect(await replay(b.events, ids[3]!)).toEqual([]);
      } finally {
        await close();
      }
    });

    it('keeps the newest events of a stream within its bound', async () => {
      const { a, b, close } = await backend.pair(3);
      try {
        const ids: string[] = [];
        for (let n = 1; n <= 6; n++) ids.push(await a.events.storeEvent('bounded', note(n)));
        expect((await replay(b.events, ids[0]!)).map(([, m]) => m)).toEqual([note(4), note(5), note(6)]);
      } finally {
        await close();
      }
    });

    it('knows no stream for an unknown, malformed or hostile event id, and replays nothing for it', async () => {
      const { a, b, close } = await backend.pair(10);
      try {
        await a.events.storeEvent('known', note(1));
        for (const id of ['', '_', 'nothing-here', 'unknown_1', 'known', '_1', `${'x'.repeat(5000)}_1`, 'known_../../etc', 'known_1-1-1', '*_1']) {
          expect(await b.events.streamIdOf(id), id).toBeUndefined();
          expect(await replay(b.events, id), id).toEqual([]);
        }
      } finally {
        await close();
      }
    });
  });

  describe.skipIf(skip)('session revocations', () => {
    it('an id revoked on one replica is revoked on the other, and the other hears of it', async () => {
      const { a, b, close } = await backend.pair(10);
      try {
        const heard = nextFrom<string>((l) => b.revocations.subscribe!(l), (id) => id === 'mcp1.k.one.two');
        await a.revocations.revoke('mcp1.k.one.two', Date.now() + 60_000);
        expect(await heard).toBe('mcp1.k.one.two');
        expect(await b.revocations.isRevoked('mcp1.k.one.two')).toBe(true);
        expect(await b.revocations.isRevoked('mcp1.k.one.three')).toBe(false);
      } finally {
        await close();
      }
    });
  });

  describe.skipIf(skip)('shared tasks', () => {
    it('a task record saved on one replica is read on the other, until it expires; unknown and hostile ids are unknown', async () => {
      const { a, b, close } = await backend.pair(10);
      try {
        const record = { taskId: 't-1', status: 'working', createdAt: '2026-01-01T00:00:00.000Z', ttlMs: 60_000, pollIntervalMs: 50 };
        await a.tasks.save(record, Date.now() + 60_000);
        expect(await b.tasks.load('t-1')).toEqual(record);
        await a.tasks.save({ ...record, status: 'completed', result: { content: [] } }, Date.now() + 60_000);
        expect((await b.tasks.load('t-1'))?.status).toBe('completed');
        await a.tasks.save({ ...record, taskId: 't-old' }, Date.now() - 1);
        for (const id of ['t-old', 'nope', '', 'x'.repeat(5000)]) expect(await b.tasks.load(id), id).toBeUndefined();
      } finally {
        await close();
      }
    });

    it('an action sent on one replica reaches the listeners of the other', async () => {
      const { a, b, close } = await backend.pair(10);
      try {
        const heard = nextFrom<[string, TaskAction]>((l) => b.tasks.onAction((id, action) => l([id, action])));
        await a.tasks.act('t-2', { type: 'update', inputResponses: { proceed: { action: 'accept', content: { ok: true } } } });
        expect(await heard).toEqual(['t-2', { type: 'update', inputResponses: { proceed: { action: 'accept', content: { ok: true } } } }]);
      } finally {
        await close();
      }
    });
  });

  describe.skipIf(skip)('session bus', () => {
    it('a message published on one replica reaches listeners on the other, as sent; an unsubscribed listener hears nothing more', async () => {
      const { a, b, close } = await backend.pair(10);
      try {
        const gone: Array<[string, JsonObject]> = [];
        const stop = b.bus.subscribe((s, m) => gone.push([s, m]));
        const first = nextFrom<[string, JsonObject]>((l) => b.bus.subscribe((s, m) => l([s, m])));
        const answer = { jsonrpc: '2.0', id: 'r1-7', result: { action: 'accept', content: { name: 'Ada' } } };
        await a.bus.publish('session-1', answer);
        expect(await first).toEqual(['session-1', answer]);
        stop();
        // One channel, one publisher: the second arrives after the first, so once it is heard the first was not.
        const second = nextFrom<[string, JsonObject]>((l) => b.bus.subscribe((s, m) => l([s, m])));
        await a.bus.publish('session-1', { after: 'stop' });
        await a.bus.publish('session-2', { last: true });
        expect(await second).toEqual(['session-1', { after: 'stop' }]);
        expect(gone).toEqual([['session-1', answer]]);
      } finally {
        await close();
      }
    });
  });
});

describe.skipIf(noRedis)('Redis only', () => {
  it('keys live under the prefix: another prefix sees none of the events or revocations', async () => {
    const prefixA = `${uniqueName('isolation')}:`;
    const prefixB = `${uniqueName('isolation')}:`;
    prefixes.push(prefixA, prefixB);
    const one = await redisSessionSharing({ url: REDIS_URL, prefix: prefixA });
    const other = await redisSessionSharing({ url: REDIS_URL, prefix: prefixB });
    const client = await connectRedis(REDIS_URL);
    try {
      const id = await one.eventStore.storeEvent('s', note(1));
      await one.revocations.revoke('mcp1.x.y.z', Date.now() + 60_000);
      expect(await other.eventStore.streamIdOf(id)).toBeUndefined();
      expect(await other.revocations.isRevoked('mcp1.x.y.z')).toBe(false);
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefixA}*`, COUNT: 100 })) keys.push(...batch.map(String));
      expect(keys.sort()).toEqual([`${prefixA}events:s`, expect.stringMatching(new RegExp(`^${prefixA}session:revoked:[A-Za-z0-9_-]{43}$`))]);
    } finally {
      await Promise.all([one.close(), other.close()]);
      client.destroy();
    }
  });

  it('httpOptions hands serveHttp the shared pieces, with the sealing options given', async () => {
    const prefix = `${uniqueName('options')}:`;
    prefixes.push(prefix);
    const sharing = await redisSessionSharing({ url: REDIS_URL, prefix });
    try {
      const keys = [{ id: 'k1', secret: 'x'.repeat(32) }];
      const options = sharing.httpOptions(keys, { relayStandalone: false, maxAgeMs: 60_000 });
      expect(options.eventStore).toBe(sharing.eventStore);
      expect(options.sealedSessions).toEqual({ keys, revocations: sharing.revocations, bus: sharing.bus, state: sharing.state, relayStandalone: false, maxAgeMs: 60_000 });
    } finally {
      await sharing.close();
    }
  });

  it('replays a long stream in pages, in order', async () => {
    const prefix = `${uniqueName('pages')}:`;
    prefixes.push(prefix);
    const client = await connectRedis(REDIS_URL);
    try {
      const store = new RedisEventStore(client, { prefix });
      const ids: string[] = [];
      for (let n = 0; n < 600; n++) ids.push(await store.storeEvent('long', note(n)));
      const replayed = await replay(store, ids[0]!);
      expect(replayed.map(([id]) => id)).toEqual(ids.slice(1));
      expect(replayed.map(([, m]) => m)).toEqual(Array.from({ length: 599 }, (_, k) => note(k + 1)));
    } finally {
      client.destroy();
    }
  });

  it('an event stream expires ttlMs after its last event', async () => {
    const prefix = `${uniqueName('ttl')}:`;
    prefixes.push(prefix);
    const client = await connectRedis(REDIS_URL);
    try {
      const store = new RedisEventStore(client, { prefix, ttlMs: 60_000 });
      await store.storeEvent('s', note(1));
      const ttl = await client.pTTL(`${prefix}events:s`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      client.destroy();
    }
  });

  it('a message on the bus channel that is not ours is reported and ignored', async () => {
    const prefix = `${uniqueName('junk')}:`;
    prefixes.push(prefix);
    const reported: string[] = [];
    const sharing = await redisSessionSharing({ url: REDIS_URL, prefix, onError: (e) => reported.push(e.message) });
    const client = await connectRedis(REDIS_URL);
    try {
      const good = nextFrom<[string, JsonObject]>((l) => sharing.bus.subscribe((s, m) => l([s, m])));
      for (const junk of ['not json', '5', '{"s":1,"m":{}}', '{"s":"x","m":[1]}']) await client.publish(`${prefix}session:answer`, junk);
      await sharing.bus.publish('fine', { ok: true });
      expect(await good).toEqual(['fine', { ok: true }]);
      expect(reported).toHaveLength(4);
    } finally {
      await sharing.close();
      client.destroy();
    }
  });

  it('publishHeard resolves once every replica listening ran its listeners; one that never acknowledges costs the timeout', async () => {
    const prefix = `${uniqueName('heard')}:`;
    prefixes.push(prefix);
    // Replica b reaches Redis through a proxy that holds what Redis sends it for 150 ms: b hears every message late.
    const proxy = await cuttableProxy(new URL(REDIS_URL).host, { answerDelayMs: 150 });
    const a = await redisSessionSharing({ url: REDIS_URL, prefix });
    const b = await redisSessionSharing({ url: proxy.url('redis'), prefix });
    const foreign = await connectRedis(REDIS_URL);
    try {
      const heard: JsonObject[] = [];
      b.bus.subscribe((_s, m) => heard.push(m));
      await a.bus.publish('s', { n: 1 });
      expect(heard).toEqual([]); // a plain publish returns before b heard it
      await a.bus.publishHeard!('s', { n: 2 }, 10_000);
      expect(heard).toEqual([{ n: 1 }, { n: 2 }]);
      // A subscriber that is not a bus (or an older replica) hears the message but never acknowledges it.
      await foreign.subscribe(`${prefix}session:answer`, () => undefined);
      const started = performance.now();
      await a.bus.publishHeard!('s', { n: 3 }, 400);
      expect(performance.now() - started).toBeGreaterThanOrEqual(350);
      expect(heard).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      foreign.destroy();
      await proxy.cut();
    }
  });

  it('refuses bad options clearly, and names an unreachable Redis without its password', async () => {
    await expect(redisSessionSharing({})).rejects.toBeInstanceOf(InvalidArgumentError);
    const client = await connectRedis(REDIS_URL);
    try {
      expect(() => new RedisEventStore(client, { maxEventsPerStream: 0 })).toThrow(InvalidArgumentError);
      expect(() => new RedisEventStore(client, { ttlMs: 1.5 })).toThrow(InvalidArgumentError);
      await expect(redisSessionSharing({ url: REDIS_URL, client })).rejects.toBeInstanceOf(InvalidArgumentError);
    } finally {
      client.destroy();
    }
    const error = (await redisSessionSharing({ url: 'redis://:hunter2@127.0.0.1:1', prefix: 'never:' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(error.message).not.toContain('hunter2');
  });
});

