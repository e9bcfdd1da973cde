/**
 * Revoked sealed session ids on Redis: a DELETE on any replica ends the session on every replica.
 * @module
 */
import { createHash } from 'node:crypto';
import type { SessionRevocations } from '@mcpkit/server';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions } from './options.js';

/**
 * Each revoked id is one key, `PREFIX session:revoked:<sha256 of the id>`, expiring when the id would have
 * expired anyway; a revocation is also published on `PREFIX session:revoked` so replicas drop their live copy.
 * @example
 * const revocations = new RedisSessionRevocations(redis, { prefix: 'myapp:' });
 * await revocations.listen(redis.duplicate()); // hears revocations made by other replicas
 */
export class RedisSessionRevocations implements SessionRevocations {
  readonly #redis: RedisClient;
  readonly #keys: string;
  readonly #channel: string;
  readonly #listeners = new Set<(id: string) => void>();
  #stop: (() => Promise<void>) | undefined;

  constructor(redis: RedisClient, options: RedisKeyOptions = {}) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#redis = redis;
    this.#keys = `${prefix}session:revoked:`;
    this.#channel = `${prefix}session:revoked`;
  }

  async revoke(id: string, untilMs: number): Promise<void> {
    // At least a second: a PXAT in the past would be refused, and the id must be revoked when we return.
    await this.#redis.set(this.#key(id), '1', { expiration: { type: 'PXAT', value: Math.max(Math.ceil(untilMs), Date.now() + 1000) } });
    await this.#redis.publish(this.#channel, id);
  }

  async isRevoked(id: string): Promise<boolean> {
    return (await this.#redis.exists(this.#key(id))) === 1;
  }

  subscribe(listener: (id: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts hearing revocations made anywhere, on `subscriber`: a connected client this object may put in
   * subscribe mode (one may serve several listeners). Idempotent.
   */
  async listen(subscriber: RedisClient): Promise<void> {
    if (this.#stop !== undefined) return;
    const onMessage = (id: string) => {
      for (const listener of this.#listeners) listener(id);
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

  #key(id: string): string {
    // Hashed: sealed ids are long, and the key need not reveal them.
    return this.#keys + createHash('sha256').update(id).digest('base64url');
  }
}
