/**
 * What replicas share about sealed session-era sessions: revoked ids (a DELETE anywhere ends the session
 * everywhere), answers to server→client requests that reached another replica than the asker, and the events of
 * SSE streams (a stream cut on one replica resumes with Last-Event-ID on another); on Redis through @mcpkit/redis
 * (the same implementation a plain McpServer uses), under `storage.redisPrefix`.
 * @module
 */
import { hkdfSync } from 'node:crypto';
import { type EventStore, type SessionSealOptions, MemorySessionRevocations } from '@mcpkit/server';
import { type RedisSessionSharing, redisSessionSharing } from '@mcpkit/redis';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { connectRedis } from '../store/redis-client.js';

/** Sealing options for each front of one gateway; `close` ends the Redis connections. */
export interface GatewaySessionSealing {
  /** Options for front `index` (0: the main path, 1…: `routes` in order); each front has its own key id. */
  forFront(index: number): SessionSealOptions;
  /** SSE events every replica can replay (with `storage.redis`); one Redis write per event sent on a stream. */
  eventStore?: EventStore;
  close(): Promise<void>;
}

/**
 * Sealed sessions for the gateway when `sessions.secret` is set: shared through Redis when `storage.redis` is
 * set, otherwise within this process (sessions then survive a restart, but a DELETE is remembered here only).
 * A session id sealed for one path never opens on another (the key id, hence the key, differs per front).
 * @throws an Error naming the Redis URL (without its password) when it cannot be reached.
 */
export async function gatewaySessionSealing(config: GatewayConfig, log: Logger): Promise<GatewaySessionSealing | undefined> {
  if (config.sessions === undefined) return undefined;
  const secret = config.sessions.secret;
  const url = config.storage?.redis;
  if (url === undefined) {
    log.warn('sessions.secret is set without storage.redis: sealed sessions are shared by no other replica, and a DELETE is remembered in this process only');
    const revocations = new MemorySessionRevocations();
    return { forFront: (i) => ({ keys: [{ id: frontKeyId(i), secret }], revocations }), close: async () => undefined };
  }
  const redis = await connectRedis(url, { onError: (e) => log.warn({ err: e.message }, 'Redis (sessions) connection error') });
  let sharing: RedisSessionSharing;
  try {
    sharing = await redisSessionSharing({ client: redis, prefix: config.storage?.redisPrefix ?? 'mcpkit:', onError: (e, what) => log.warn({ err: e.message }, `${what} error`) });
  } catch (error) {
    await redis.close().catch(() => undefined);
    throw error;
  }
  return {
    // Every replica hears its own upstreams' notifications and tells its sessions: relaying them too would
    // have a client hear each change once per replica.
    // Log level and subscriptions follow the session (state): a replica tells a subscribed session of an upstream
    // resource update only when it holds its GET stream.
    forFront: (i) => ({ keys: [{ id: frontKeyId(i), secret }], revocations: sharing.revocations, bus: sharing.bus, state: sharing.state, relayStandalone: false }),
    eventStore: sharing.eventStore,
    async close() {
      await sharing.close();
      if (redis.isOpen) await redis.close();
    },
  };
}

const frontKeyId = (index: number) => (index === 0 ? 'gw' : `route${index}`);

/**
 * The HMAC key of a front's 2026-07-28 `requestState`, derived from `sessions.secret` and the front's path, so
 * every replica accepts a state another issued and no path accepts another's.
 */
export function requestStateSecret(secret: string, path: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'mcpkit request state v1', path, 32));
}
