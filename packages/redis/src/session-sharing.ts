/**
 * Everything replicas of one `McpServer` share over Redis, in one call: revocations, the session bus, session
 * state (log level, subscriptions), the SSE event store and tasks, on one command connection and one subscriber
 * connection.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { EventStore, SessionSealKey, SessionSealOptions } from '@mcpkit/server';
import { type RedisClient, connectRedis } from './connect.js';
import { RedisEventStore, type RedisEventStoreOptions } from './event-store.js';
import { DEFAULT_PREFIX, type RedisKeyOptions, reportTo } from './options.js';
import { RedisSessionMessageBus } from './session-message-bus.js';
import { RedisSessionRevocations } from './session-revocations.js';
import { RedisSessionStateStore } from './session-state-store.js';
import { RedisTaskStore } from './task-store.js';

export interface RedisSessionSharingOptions extends RedisKeyOptions {
  /** Where Redis is (e.g. `redis://127.0.0.1:6379`); or pass `client`. */
  url?: string;
  /** A connected client to use instead of `url`; it stays open after `close()` (it is yours). */
  client?: RedisClient;
  /** Bounds of the SSE event store. */
  events?: Pick<RedisEventStoreOptions, 'maxEventsPerStream' | 'ttlMs'>;
}

/** The shared pieces, and the HTTP options that use them. */
export interface RedisSessionSharing {
  readonly revocations: RedisSessionRevocations;
  readonly bus: RedisSessionMessageBus;
  /** The log level and resource subscriptions clients set on their sessions. */
  readonly state: RedisSessionStateStore;
  readonly eventStore: RedisEventStore;
  /** Shared tasks (tasks extension), for `new McpServer(info, { tasks: { shared: sharing.tasks } })`. */
  readonly tasks: RedisTaskStore;
  /**
   * Options for `serveHttp`, `createHttpHandler` or `createHttpCore`: sealed session ids under `keys` (newest
   * first, the same on every replica) with the shared revocations, bus and session state, and the shared event
   * store.
   */
  httpOptions(keys: readonly SessionSealKey[], seal?: Pick<SessionSealOptions, 'maxAgeMs' | 'maxPayloadBytes' | 'relayStandalone'>): { sealedSessions: SessionSealOptions; eventStore: EventStore };
  /** Stops listening and closes the connections this helper opened. */
  close(): Promise<void>;
}

/**
 * Connects (or uses `client`), opens the subscriber connection and starts listening.
 * @throws Error naming the URL (password hidden) when Redis cannot be reached; InvalidArgumentError
 *   `MCPKIT_INVALID_ARGUMENT` for neither or both of `url` and `client`, or bad `events` bounds.
 * @example
 * const sharing = await redisSessionSharing({ url: 'redis://127.0.0.1:6379', prefix: 'myapp:' });
 * await serveHttp(server, { ...sharing.httpOptions([{ id: 'k1', secret: process.env.MCP_SESSION_SECRET! }]) });
 */
export async function redisSessionSharing(options: RedisSessionSharingOptions): Promise<RedisSessionSharing> {
  if ((options.url === undefined) === (options.client === undefined)) throw new InvalidArgumentError('redisSessionSharing: pass either url or client');
  const report = reportTo(options);
  const keyOptions: RedisKeyOptions = { prefix: options.prefix ?? DEFAULT_PREFIX, onError: report };
  const owned = options.client === undefined;
  const redis = options.client ?? (await connectRedis(options.url!, { onError: (e) => report(e, 'Redis connection') }));
  const sub = redis.duplicate();
  sub.on('error', (error: Error) => report(error, 'Redis subscriber'));
  let parts: { revocations: RedisSessionRevocations; bus: RedisSessionMessageBus; eventStore: RedisEventStore; tasks: RedisTaskStore };
  try {
    parts = {
      revocations: new RedisSessionRevocations(redis, keyOptions),
      bus: new RedisSessionMessageBus(redis, keyOptions),
      eventStore: new RedisEventStore(redis, { ...keyOptions, ...options.events }),
      tasks: new RedisTaskStore(redis, keyOptions),
    };
    await sub.connect();
    await parts.revocations.listen(sub);
    await parts.bus.listen(sub);
    await parts.tasks.listen(sub);
  } catch (error) {
    if (sub.isOpen) sub.destroy();
    if (owned && redis.isOpen) redis.destroy();
    throw error;
  }
  const { revocations, bus, eventStore, tasks } = parts;
  const state = new RedisSessionStateStore(redis, keyOptions);
  return {
    revocations,
    bus,
    state,
    eventStore,
    tasks,
    httpOptions: (keys, seal = {}) => ({ sealedSessions: { ...seal, keys, revocations, bus, state }, eventStore }),
    async close() {
      await revocations.close();
      await bus.close();
      await tasks.close();
      if (sub.isOpen) await sub.close();
      if (owned && redis.isOpen) await redis.close();
    },
  };
}
