/**
 * Session state of sealed sessions on Redis: the log level and resource subscriptions a client set, for the
 * replicas that take its session over.
 * @module
 */
import { createHash } from 'node:crypto';
import type { LoggingLevel, SessionState, SessionStatePatch, SessionStateStore } from '@mcpkit/server';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions } from './options.js';

/** The hash field of the log level; a subscription is a field `s:<uri>`. */
const LEVEL = 'level';
const SUBSCRIBED = 's:';

/**
 * One hash per session, `PREFIX session:state:<sha256 of the id>`: field `level`, and one field `s:<uri>` per
 * subscription. A change is one round trip (HSET or HDEL with PEXPIREAT in a MULTI); the hash expires when
 * the sealed id does.
 * @example
 * const state = new RedisSessionStateStore(redis, { prefix: 'myapp:' });
 * await state.update(sessionId, { subscribe: 'file:///notes.md' }, issuedAt + maxAgeMs);
 */
export class RedisSessionStateStore implements SessionStateStore {
  readonly #redis: RedisClient;
  readonly #keys: string;

  constructor(redis: RedisClient, options: RedisKeyOptions = {}) {
    this.#redis = redis;
    this.#keys = `${options.prefix ?? DEFAULT_PREFIX}session:state:`;
  }

  async get(sessionId: string): Promise<SessionState | undefined> {
    // RESP2 replies with a plain object of strings (the client's reply type covers RESP3 maps too).
    const fields = (await this.#redis.hGetAll(this.#key(sessionId))) as Record<string, string>;
    const names = Object.keys(fields);
    if (names.length === 0) return undefined;
    const state: SessionState = { subscriptions: [] };
    if (fields[LEVEL] !== undefined) state.logLevel = fields[LEVEL] as LoggingLevel;
    for (const name of names) if (name.startsWith(SUBSCRIBED)) state.subscriptions.push(name.slice(SUBSCRIBED.length));
    return state;
  }

  async update(sessionId: string, patch: SessionStatePatch, untilMs: number): Promise<void> {
    const key = this.#key(sessionId);
    const multi = this.#redis.multi();
    if (patch.logLevel !== undefined) multi.hSet(key, LEVEL, patch.logLevel);
    if (patch.subscribe !== undefined) multi.hSet(key, SUBSCRIBED + patch.subscribe, '1');
    if (patch.unsubscribe !== undefined) multi.hDel(key, SUBSCRIBED + patch.unsubscribe);
    // At least a second ahead: a PEXPIREAT in the past would delete the state we just wrote.
    await multi.pExpireAt(key, Math.max(Math.ceil(untilMs), Date.now() + 1000)).exec();
  }

  #key(sessionId: string): string {
    // Hashed: sealed ids are long, and the key need not reveal them.
    return this.#keys + createHash('sha256').update(sessionId).digest('base64url');
  }
}
