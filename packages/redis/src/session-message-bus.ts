/**
 * The cross-replica session bus on Redis pub/sub: answers to server→client requests, and SSE events for
 * streams a client holds on another replica, reach every replica (each keeps what concerns its sessions).
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, SessionMessageBus } from '@mcpkit/server';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions, reportTo } from './options.js';

/** A publishHeard waiting for acknowledgements: how many came, and how many replicas PUBLISH said received it. */
interface Waiting {
  heard: number;
  expected: number | undefined;
  done(): void;
}

/**
 * Publishes on `PREFIX session:answer` (the channel's name predates the SSE events it also carries; kept so
 * replicas of different versions still talk), one JSON message `{s: sessionId, m: message}` each. A message sent
 * with publishHeard also carries `a`, a random token: each replica, once its listeners have run, publishes the
 * token on `PREFIX session:heard`, and the sender counts them up to the number of subscribers PUBLISH reported
 * (one subscriber connection per bus: {@link redisSessionSharing} opens one). Replicas of an older version ignore
 * `a` and send nothing; the sender then waits its timeout.
 * @example
 * const bus = new RedisSessionMessageBus(redis, { prefix: 'myapp:' });
 * await bus.listen(redis.duplicate());
 */
export class RedisSessionMessageBus implements SessionMessageBus {
  readonly #redis: RedisClient;
  readonly #channel: string;
  readonly #heardChannel: string;
  readonly #waiting = new Map<string, Waiting>();
  readonly #listeners = new Set<(sessionId: string, message: JsonObject) => void>();
  readonly #report: (error: Error, what: string) => void;
  #stop: (() => Promise<void>) | undefined;

  constructor(redis: RedisClient, options: RedisKeyOptions = {}) {
    this.#redis = redis;
    this.#channel = `${options.prefix ?? DEFAULT_PREFIX}session:answer`;
    this.#heardChannel = `${options.prefix ?? DEFAULT_PREFIX}session:heard`;
    this.#report = reportTo(options);
  }

  async publish(sessionId: string, message: JsonObject): Promise<void> {
    await this.#redis.publish(this.#channel, JSON.stringify({ s: sessionId, m: message }));
  }

  /**
   * Publishes, then waits for every subscriber to acknowledge it (or `timeoutMs`). Before listen() this bus hears
   * no acknowledgements, and it is a plain publish.
   */
  async publishHeard(sessionId: string, message: JsonObject, timeoutMs: number): Promise<void> {
    if (this.#stop === undefined) return this.publish(sessionId, message);
    const token = randomUUID();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Registered before PUBLISH: an acknowledgement can arrive (on the subscriber connection) before its reply.
    const heard = new Promise<void>((resolve) => {
      this.#waiting.set(token, { heard: 0, expected: undefined, done: resolve });
      timer = setTimeout(resolve, timeoutMs);
      timer.unref?.();
    });
    try {
      const expected = Number(await this.#redis.publish(this.#channel, JSON.stringify({ s: sessionId, m: message, a: token })));
      const waiting = this.#waiting.get(token);
      if (waiting === undefined) return;
      waiting.expected = expected;
      if (waiting.heard >= expected) return;
      await heard;
    } finally {
      clearTimeout(timer);
      this.#waiting.delete(token);
    }
  }

  subscribe(listener: (sessionId: string, message: JsonObject) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts hearing what every replica publishes, on `subscriber` (see RedisSessionRevocations.listen). Idempotent. */
  async listen(subscriber: RedisClient): Promise<void> {
    if (this.#stop !== undefined) return;
    const onMessage = (text: string) => {
      let data: { s?: unknown; m?: unknown; a?: unknown };
      try {
        data = JSON.parse(text) as { s?: unknown; m?: unknown; a?: unknown };
      } catch {
        return this.#report(new Error('a message on the session bus is not JSON; ignored'), 'Redis session bus');
      }
      if (typeof data !== 'object' || data === null || typeof data.s !== 'string' || typeof data.m !== 'object' || data.m === null || Array.isArray(data.m)) {
        return this.#report(new Error('a message on the session bus is not {s, m}; ignored'), 'Redis session bus');
      }
      try {
        for (const listener of this.#listeners) listener(data.s, data.m as JsonObject);
      } finally {
        // The listeners have run (a throwing one too: the sender must not wait its timeout for it): say so to a
        // publishHeard waiting on some replica (a token is a UUID; anything longer is not ours, not echoed).
        if (typeof data.a === 'string' && data.a.length <= 64) {
          this.#redis.publish(this.#heardChannel, data.a).catch((error: unknown) => this.#report(error as Error, 'Redis session bus acknowledgement'));
        }
      }
    };
    const onHeard = (token: string) => {
      const waiting = this.#waiting.get(token);
      if (waiting === undefined) return;
      waiting.heard += 1;
      if (waiting.expected !== undefined && waiting.heard >= waiting.expected) waiting.done();
    };
    await subscriber.subscribe(this.#channel, onMessage);
    await subscriber.subscribe(this.#heardChannel, onHeard);
    this.#stop = async () => {
      if (!subscriber.isOpen) return;
      await subscriber.unsubscribe(this.#channel, onMessage);
      await subscriber.unsubscribe(this.#heardChannel, onHeard);
    };
  }

  /** Stops listening (the connections stay open: they belong to the caller). */
  async close(): Promise<void> {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#listeners.clear();
    for (const waiting of this.#waiting.values()) waiting.done();
    await stop?.();
  }
}
