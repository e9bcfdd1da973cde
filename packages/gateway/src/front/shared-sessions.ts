/**
 * What replicas share about sealed session-era sessions, on Redis: revoked ids (a DELETE anywhere ends the
 * session everywhere) and answers to server→client requests that reached another replica than the asker.
 * @module
 */
import { createHash, hkdfSync } from 'node:crypto';
import { type JsonObject, type SessionMessageBus, type SessionRevocations, type SessionSealOptions, MemorySessionRevocations } from '@mcpkit/server';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { type RedisConnection, connectRedis } from '../store/redis-client.js';


/** Revocations and the answer bus over one Redis command connection and one subscriber connection. */
export interface RedisSessionSharing {
  revocations: SessionRevocations;
  bus: SessionMessageBus;
  close(): Promise<void>;
}

/**
 * Builds the sharing over `redis` (commands) and a duplicate of it for subscriptions. Revoked ids are kept
 * hashed, each until the moment its id would have expired anyway; every key and channel starts with `prefix`.
 * @throws whatever connecting the subscriber connection throws.
 * @example
 * const sharing = await redisSessionSharing(await connectRedis(url), log);
 * serveHttp(server, { sealedSessions: { keys, revocations: sharing.revocations, bus: sharing.bus } });
 */
export async function redisSessionSharing(redis: RedisConnection, onError: (error: Error, what: string) => void, prefix = 'mcpkit:'): Promise<RedisSessionSharing> {
  const REVOKED = `${prefix}session:revoked:`;
  const REVOKED_CHANNEL = `${prefix}session:revoked`;
  const ANSWER_CHANNEL = `${prefix}session:answer`;
  const sub = redis.duplicate();
  sub.on('error', (error: Error) => onError(error, 'Redis subscriber'));
  await sub.connect();
  const revokedListeners = new Set<(id: string) => void>();
  const answerListeners = new Set<(sessionId: string, message: JsonObject) => void>();
  await sub.subscribe(REVOKED_CHANNEL, (id: string) => {
    for (const listener of revokedListeners) listener(id);
  });
  await sub.subscribe(ANSWER_CHANNEL, (text: string) => {
    let data: { s?: unknown; m?: unknown };
    try {
      data = JSON.parse(text) as { s?: unknown; m?: unknown };
    } catch {
      return onError(new Error('an answer on the session bus is not JSON'), 'session bus');
    }
    if (typeof data.s !== 'string' || typeof data.m !== 'object' || data.m === null) return;
    for (const listener of answerListeners) listener(data.s, data.m as JsonObject);
  });
  const keyOf = (id: string) => REVOKED + createHash('sha256').update(id).digest('base64url');
  return {
    revocations: {
      async revoke(id, untilMs) {
        await redis.set(keyOf(id), '1', { expiration: { type: 'PXAT', value: Math.max(Math.ceil(untilMs), Date.now() + 1000) } });
        await redis.publish(REVOKED_CHANNEL, id);
      },
      async isRevoked(id) {
        return (await redis.exists(keyOf(id))) === 1;
      },
      subscribe(listener) {
        revokedListeners.add(listener);
        return () => revokedListeners.delete(listener);
      },
    },
    bus: {
      async publish(sessionId, message) {
        await redis.publish(ANSWER_CHANNEL, JSON.stringify({ s: sessionId, m: message }));
      },
      subscribe(listener) {
        answerListeners.add(listener);
        return () => answerListeners.delete(listener);
      },
    },
    async close() {
      revokedListeners.clear();
      answerListeners.clear();
      if (sub.isOpen) await sub.close();
    },
  };
}

/** Sealing options for each front of one gateway; `close` ends the Redis connections. */
export interface GatewaySessionSealing {
  /** Options for front `index` (0: the main path, 1…: `routes` in order); each front has its own key id. */
  forFront(index: number): SessionSealOptions;
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
    sharing = await redisSessionSharing(redis, (e, what) => log.warn({ err: e.message }, `${what} error`), config.storage?.redisPrefix);
  } catch (error) {
    await redis.close().catch(() => undefined);
    throw error;
  }
  return {
    forFront: (i) => ({ keys: [{ id: frontKeyId(i), secret }], revocations: sharing.revocations, bus: sharing.bus }),
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
