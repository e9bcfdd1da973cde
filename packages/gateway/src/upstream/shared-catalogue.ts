/**
 * The catalogues of HTTP upstreams, shared by gateway replicas through Redis (`storage.redis`): after a connect or a
 * list_changed one replica lists the upstream and stores what it got; the others use that, and hear each new fill
 * so they raise list_changed to their own clients. Stdio upstreams are never shared: each replica supervises its
 * own process, whose lists may differ from another replica's.
 * @module
 */
import { createHash } from 'node:crypto';
import { type RedisClient, RedisSingleFlightCache, type SingleFlightResult, connectRedis } from '@mcpkit/redis';
import type { GatewayConfig, UpstreamEntry } from '../config/types.js';
import type { Logger } from '../log.js';
import type { UpstreamCatalogue } from './upstream-catalogue.js';

/**
 * How long a list_changed heard by one replica waits before the list, so the same notice reaching the other
 * replicas a little later is served by this one list (a cost of list_changed latency on the Redis path only).
 */
export const GATHER_MS = 100;
/** A (re)connecting replica uses a stored catalogue listed since at most this long; older, it lists again. */
export const CONNECT_MAX_AGE_MS = 60_000;
/** A stored catalogue is dropped this long after its fill (one that nobody refreshed is not trusted for long). */
const TTL_MS = 10 * 60_000;

/** What an upstream needs to use the shared catalogue. */
export interface SharedCatalogues {
  /** The key of an upstream's catalogue: its name and a fingerprint of its config and of what it negotiated. */
  keyOf(config: UpstreamEntry, server: { protocolVersion: string; capabilities: object } | undefined): string;
  /** The catalogue: stored, listed here by `list` (and stored), or waited for while another replica lists it. */
  get(key: string, list: () => Promise<UpstreamCatalogue>, want: { since?: number; gather?: boolean; listTimeoutMs: number }): Promise<SingleFlightResult<UpstreamCatalogue>>;
  /** Hears each catalogue stored by any replica (`at`: when its list started, on Redis's clock). */
  onFill(listener: (key: string, at: number) => void): () => void;
  close(): Promise<void>;
}

/**
 * The shared catalogues when `storage.redis` is set, on two connections of their own (commands, fill notices);
 * undefined otherwise, and when Redis cannot be reached now (each replica then lists for itself, as without Redis).
 */
export async function openSharedCatalogues(config: GatewayConfig, log: Logger): Promise<SharedCatalogues | undefined> {
  const url = config.storage?.redis;
  if (url === undefined) return undefined;
  const warn = (error: Error, what: string) => log.warn({ err: error.message }, `${what} (list cache)`);
  let redis: RedisClient | undefined;
  let sub: RedisClient | undefined;
  try {
    redis = await connectRedis(url, { onError: (e) => warn(e, 'Redis connection error') });
    sub = redis.duplicate();
    sub.on('error', (e: Error) => warn(e, 'Redis subscriber error'));
    await sub.connect();
  } catch (error) {
    if (sub?.isOpen) sub.destroy();
    if (redis?.isOpen) redis.destroy();
    log.warn({ err: (error as Error).message }, 'the shared list cache is off: every replica lists its HTTP upstreams itself');
    return undefined;
  }
  const cache = new RedisSingleFlightCache<UpstreamCatalogue>(redis, { prefix: config.storage?.redisPrefix ?? 'mcpkit:', ttlMs: TTL_MS, decode: catalogueOf, onError: warn });
  await cache.listen(sub).catch((error: unknown) => warn(error as Error, 'could not hear fill notices; replicas poll instead'));
  const [command, subscriber] = [redis, sub];
  return {
    keyOf(entry, server) {
      const caps = server?.capabilities as { tools?: unknown; resources?: unknown; prompts?: unknown } | undefined;
      // The whole entry (URL, headers, auth: hashed, never stored) and what was negotiated decide what is listed.
      const print = JSON.stringify([entry, server?.protocolVersion, Boolean(caps?.tools), Boolean(caps?.resources), Boolean(caps?.prompts)]);
      return `catalogue:v1:${entry.name}:${createHash('sha256').update(print).digest('base64url').slice(0, 32)}`;
    },
    get(key, list, want) {
      return cache.get(key, list, {
        ...(want.since === undefined ? {} : { since: want.since }),
        ...(want.gather ? { gatherMs: GATHER_MS } : {}),
        // The lists run in parallel, each within listTimeoutMs: past that (and the gather) the filler is gone.
        lockTtlMs: want.listTimeoutMs + GATHER_MS + 2000,
      });
    },
    onFill: (listener) => cache.onFill(listener),
    async close() {
      await cache.close().catch(() => undefined);
      for (const client of [subscriber, command]) if (client.isOpen) client.destroy();
    },
  };
}

/** A stored catalogue read back, checked for its shape (the front and the trust layer then read it as if listed here). */
function catalogueOf(value: unknown): UpstreamCatalogue {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null) throw new Error('not an object');
  for (const [kind, id] of [['tools', 'name'], ['resources', 'uri'], ['templates', 'uriTemplate'], ['prompts', 'name']] as const) {
    const items = v[kind];
    const bad = (item: unknown) => typeof item !== 'object' || item === null || typeof (item as Record<string, unknown>)[id] !== 'string';
    if (!Array.isArray(items) || items.some(bad)) throw new Error(`${kind} is not a list of items with a ${id}`);
  }
  return v as unknown as UpstreamCatalogue;
}
