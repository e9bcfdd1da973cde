/**
 * The cross-replica session bus on Redis pub/sub: answers to server→client requests, and SSE events for
 * streams a client holds on another replica, reach every replica (each keeps what concerns its sessions).
 * @module
 */
import type { JsonObject, SessionMessageBus } from '@mcpkit/server';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions, reportTo } from './options.js';

/**
 * Publishes on `PREFIX session:answer` (the channel's name predates the SSE events it also carries; kept so
 * replicas of different versions still talk), one JSON message `{s: sessionId, m: message}` each.
 * @example
 * const bus = new RedisSessionMessageBus(redis, { prefix: 'myapp:' });
 * await bus.listen(redis.duplicate());
 */
export class RedisSessionMessageBus implements SessionMessageBus {
  readonly #redis: RedisClient;
  readonly #channel: string;
  readonly #listeners = new Set<(sessionId: string, message: JsonObject) => void>();
  readonly #report: (error: Error, what: string) => void;
  #stop: (() => Promise<void>) | undefined;

  constructor(redis: RedisClient, options: RedisKeyOptions = {}) {
    this.#redis = redis;
    this.#channel = `${options.prefix ?? DEFAULT_PREFIX}session:answer`;
    this.#report = reportTo(options);
  }

  async publish(sessionId: string, message: JsonObject): Promise<void> {
    await this.#redis.publish(this.#channel, JSON.stringify({ s: sessionId, m: message }));
  }

  subscribe(listener: (sessionId: string, message: JsonObject) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts hearing what every replica publishes, on `subscriber` (see RedisSessionRevocations.listen). Idempotent. */
  async listen(subscriber: RedisClient): Promise<void> {
    if (this.#stop !== undefined) return;
    const onMessage = (text: string) => {
      let data: { s?: unknown; m?: unknown };
      try {
        data = JSON.parse(text) as { s?: unknown; m?: unknown };
      } catch {
        return this.#report(new Error('a message on the session bus is not JSON; ignored'), 'Redis session bus');
      }
      if (typeof data !== 'object' || data === null || typeof data.s !== 'string' || typeof data.m !== 'object' || data.m === null || Array.isArray(data.m)) {
        return this.#report(new Error('a message on the session bus is not {s, m}; ignored'), 'Redis session bus');
      }
      for (const listener of this.#listeners) listener(data.s, data.m as JsonObject);
    };
    await subscriber.subscribe(this.#channel, onMessage);
    this.#stop = async () => {
      if (subscriber.isOpen) await subscriber.unsubscribe(this.#channel, onMessage);
    };
  }

  /** Stops listening (the connections stay open: they belong to the caller). */
  async close(): Promise<void> {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#listeners.clear();
    await stop?.();
  }
}
