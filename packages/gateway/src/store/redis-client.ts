/**
 * One way to connect to Redis for every gateway use: fail fast while disconnected (no offline queue), reconnect
 * with a capped backoff once connected, and a first connection that fails is an error naming the URL (without
 * its password) rather than an endless retry.
 * @module
 */
import { createClient } from '@redis/client';
import { redactUrl } from './sql.js';

/** A node-redis client as {@link connectRedis} makes it. */
export type RedisConnection = ReturnType<typeof build>;

function build(url: string, connectTimeout: number, reconnect: (retries: number, cause: Error) => number | Error) {
  return createClient({ url, disableOfflineQueue: true, socket: { connectTimeout, reconnectStrategy: reconnect } });
}

export interface ConnectRedisOptions {
  /** Each connection error while running (the client reconnects by itself). Default: one line on stderr. */
  onError?: (error: Error) => void;
  /** Default 5 s. */
  connectTimeoutMs?: number;
}

/**
 * A connected client.
 * @throws Error naming the URL (password redacted) when the first connection fails.
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<RedisConnection> {
  let connected = false;
  // Before the first connection a failure is reported to the caller; after it, reconnect forever.
  const client = build(url, options.connectTimeoutMs ?? 5000, (retries, cause) => (connected ? Math.min(100 * 2 ** Math.min(retries, 5), 3000) : cause));
  const onError = options.onError ?? ((error: Error) => console.error(`[mcpkit] Redis at ${redactUrl(url)}: ${error.message}`));
  client.on('error', (error: Error) => {
    if (connected) onError(error);
  });
  try {
    await client.connect();
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw new Error(`cannot connect to Redis at ${redactUrl(url)}: ${describe(error)}`, { cause: error });
  }
  connected = true;
  return client;
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: unknown[] };
  // A refused dual-stack connect is an AggregateError whose own message is empty.
  if (e.message) return e.message;
  if (e.code) return e.code;
  return String(error);
}
