/**
 * Connecting to Redis: fail fast while disconnected (no offline queue, so a request never waits on a dead
 * connection), reconnect with a capped backoff once connected, and a first connection that fails is an error
 * naming the URL (password hidden) rather than an endless retry.
 * @module
 */
import { type RedisClientType, createClient } from '@redis/client';

/**
 * A node-redis client (`createClient` of `@redis/client` or `redis`), with any modules, RESP version and type
 * mapping: only core commands are used, and their replies are read defensively.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-redis's generics are invariant; any client is fine here.
export type RedisClient = RedisClientType<any, any, any, any, any>;

export interface ConnectRedisOptions {
  /** Each connection error once connected (the client reconnects by itself). Default: one line on stderr. */
  onError?: (error: Error) => void;
  /** Default 5 s. */
  connectTimeoutMs?: number;
}

/**
 * A connected client.
 * @throws Error naming the URL (password hidden) when the first connection fails; the client's error is its `cause`.
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<RedisClient> {
  let connected = false;
  let client: RedisClient;
  try {
    // Before the first connection a failure goes to the caller; after it, reconnect forever.
    client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: (retries, cause) => (connected ? Math.min(100 * 2 ** Math.min(retries, 5), 3000) : cause) },
    });
  } catch (error) {
    throw new Error(`cannot connect to Redis at ${redactUrl(url)}: ${describe(error)}`, { cause: error });
  }
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

/** `url` with its password replaced by `***` (an unparsable URL is returned whole only if it has no `@`). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.includes('@') ? '(an unparsable URL)' : url;
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string };
  // A refused dual-stack connect is an AggregateError whose own message is empty.
  if (e.message) return e.message;
  if (e.code) return e.code;
  return String(error);
}
