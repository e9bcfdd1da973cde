/**
 * Resumable SSE events on Redis Streams: every replica stores the events it sends, and a client that lost its
 * stream resumes with `Last-Event-ID` on whichever replica its reconnection reaches.
 * @module
 */
import { InvalidArgumentError, type JsonRpcMessage } from '@mcpkit/protocol';
import type { EventStore } from '@mcpkit/server';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions, reportTo } from './options.js';

export interface RedisEventStoreOptions extends RedisKeyOptions {
  /** Events kept per stream; older ones are trimmed as new ones arrive. Default 1000. */
  maxEventsPerStream?: number;
  /** A stream is dropped this long after its last event. Default 1 hour. */
  ttlMs?: number;
}

/** Redis stream entry ids: milliseconds-sequence. */
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;
/** Longest stream id accepted back from a client's Last-Event-ID. */
const MAX_STREAM_ID = 512;
/** Entries read per XRANGE while replaying. */
const PAGE = 256;

/**
 * One Redis stream per SSE stream, at `PREFIX events:<streamId>`, trimmed to `maxEventsPerStream` (exactly) and
 * expiring `ttlMs` after its last event. An event id is `<streamId>_<entry id>`, so any replica reading the
 * same Redis can tell the stream and replay what followed.
 * @example
 * const events = new RedisEventStore(redis, { prefix: 'myapp:', maxEventsPerStream: 500 });
 * serveHttp(server, { eventStore: events, sealedSessions: { keys, revocations, bus } });
 */
export class RedisEventStore implements EventStore {
  readonly #redis: RedisClient;
  readonly #keys: string;
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #report: (error: Error, what: string) => void;

  /** @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a `maxEventsPerStream` or `ttlMs` that is not a positive integer. */
  constructor(redis: RedisClient, options: RedisEventStoreOptions = {}) {
    this.#max = options.maxEventsPerStream ?? 1000;
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    if (!Number.isSafeInteger(this.#max) || this.#max < 1) throw new InvalidArgumentError(`maxEventsPerStream: a positive integer, got ${this.#max}`);
    if (!Number.isSafeInteger(this.#ttlMs) || this.#ttlMs < 1) throw new InvalidArgumentError(`ttlMs: a positive integer, got ${this.#ttlMs}`);
    this.#redis = redis;
    this.#keys = `${options.prefix ?? DEFAULT_PREFIX}events:`;
    this.#report = reportTo(options);
  }

  async storeEvent(streamId: string, message: JsonRpcMessage): Promise<string> {
    const key = this.#keys + streamId;
    // One round trip: append (trimming the oldest) and push the expiry back.
    const [entry] = await this.#redis
      .multi()
      .xAdd(key, '*', { m: JSON.stringify(message) }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '=', threshold: this.#max } })
      .pExpire(key, this.#ttlMs)
      .exec();
    return `${streamId}_${String(entry)}`;
  }

  async streamIdOf(eventId: string): Promise<string | undefined> {
    const parsed = parse(eventId);
    if (parsed === undefined) return undefined;
    return (await this.#redis.exists(this.#keys + parsed.streamId)) === 1 ? parsed.streamId : undefined;
  }

  async replayAfter(lastEventId: string, send: (eventId: string, message: JsonRpcMessage) => void): Promise<void> {
    const parsed = parse(lastEventId);
    if (parsed === undefined) return;
    const key = this.#keys + parsed.streamId;
    let after = parsed.entry;
    for (;;) {
      // `(` makes the start exclusive (Redis 6.2+).
      const page = await this.#redis.xRange(key, `(${after}`, '+', { COUNT: PAGE });
      for (const entry of page ?? []) {
        // A string, or a Buffer under a client's type mapping.
        const id = String(entry.id);
        const raw = (entry.message as Record<string, unknown> | null)?.m;
        let value: unknown;
        try {
          value = typeof raw === 'string' || raw instanceof Uint8Array ? JSON.parse(String(raw)) : undefined;
        } catch {
          value = undefined;
        }
        if (typeof value !== 'object' || value === null) {
          this.#report(new Error(`event ${id} of stream ${parsed.streamId} is not a stored message; skipped`), 'Redis event store');
          continue;
        }
        send(`${parsed.streamId}_${id}`, value as JsonRpcMessage);
      }
      if (page === null || page.length < PAGE) return;
      after = String(page[page.length - 1]!.id);
    }
  }

  /** Forgets a stream (e.g. when its session ends). */
  async dropStream(streamId: string): Promise<void> {
    await this.#redis.del(this.#keys + streamId);
  }
}

function parse(eventId: string): { streamId: string; entry: string } | undefined {
  const cut = eventId.lastIndexOf('_');
  if (cut <= 0 || cut > MAX_STREAM_ID) return undefined;
  const entry = eventId.slice(cut + 1);
  return ENTRY_ID.test(entry) ? { streamId: eventId.slice(0, cut), entry } : undefined;
}
