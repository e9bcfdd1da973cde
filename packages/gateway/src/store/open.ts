/**
 * The stores a gateway uses, chosen from its configuration: keys in PostgreSQL (`storage.postgres` or
 * `store.postgres`) or SQLite; rate-limit buckets in Redis (`storage.redis`) or each limiter's memory; change
 * notices over PostgreSQL, else Redis, else nowhere (one process needs none); pins (`trust.pins`) and config
 * revisions beside the keys (see open-state.ts).
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { GatewayConfig } from '../config/types.js';
import type { KeyStore } from '../security/key-store.js';
import type { RateLimitStore } from '../security/rate-limit-store.js';
import { SqliteKeyStore } from '../security/sqlite-key-store.js';
import { MemoryChangeBus, type ChangeBus } from './change-bus.js';
import type { ConfigRevisionStore } from './config-revisions.js';
import { PG_CHANNEL, openStateStores } from './open-state.js';
import type { PinStore } from './pin-store.js';
import { redactUrl } from './sql.js';

/** What {@link openGatewayStores} opened; `close()` closes all of it. */
export interface GatewayStores {
  keys: KeyStore;
  /** Undefined: each RateLimiter counts in its own memory. */
  rateLimits: RateLimitStore | undefined;
  bus: ChangeBus;
  /** `postgres`, `redis` or `memory`: where change notices travel. */
  busKind: 'postgres' | 'redis' | 'memory';
  /** Pins and approvals (`trust.pins`); undefined without `trust:`. */
  pins: PinStore | undefined;
  /** Every configuration loaded, in the keys' database. */
  revisions: ConfigRevisionStore;
  close(): Promise<void>;
}

export interface OpenGatewayStoresOptions {
  /** Errors after the start (a lost connection, Redis failing a request). Default: stderr. */
  onError?: (error: Error) => void;
}

/**
 * The key store named by the configuration: what `mcpkit gateway keys` and the gateway both use.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the field and the URL (password redacted) when
 * PostgreSQL cannot be reached.
 * @example
 * const keys = await openKeyStore(await loadGatewayConfig('mcp.yaml'));
 */
export async function openKeyStore(config: Pick<GatewayConfig, 'store' | 'storage'>): Promise<KeyStore> {
  if ('sqlite' in config.store) return SqliteKeyStore.open(config.store.sqlite);
  const url = config.store.postgres;
  const { PostgresKeyStore } = await import('./postgres-key-store.js');
  return unreachable(fieldOf(config), 'PostgreSQL', url, () => PostgresKeyStore.open(url, { notifyChannel: PG_CHANNEL }));
}

/**
 * Opens every store; on a failure closes what it had opened and throws.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the field and the URL (password redacted) of a
 * PostgreSQL or Redis that cannot be reached.
 */
export async function openGatewayStores(config: Pick<GatewayConfig, 'store' | 'storage'> & Partial<Pick<GatewayConfig, 'trust'>>, options: OpenGatewayStoresOptions = {}): Promise<GatewayStores> {
  const opened: Array<{ close(): Promise<void> | void }> = [];
  const closeAll = async () => {
    for (const item of opened.reverse()) await Promise.resolve(item.close()).catch(() => {});
  };
  try {
    const postgres = 'postgres' in config.store ? config.store.postgres : undefined;
    const redisUrl = config.storage?.redis;
    const redisPrefix = config.storage?.redisPrefix ?? 'mcpkit:';
    const onError = options.onError;
    let keys = await openKeyStore(config);
    opened.push(keys);
    // A lockfile that cannot be imported names itself (InvalidArgumentError); anything else is the database's.
    const state = await openStateStores(config).catch((error: unknown) => {
      if (postgres === undefined || error instanceof InvalidArgumentError) throw error;
      return unreachable(fieldOf(config), 'PostgreSQL', postgres, () => Promise.reject(error));
    });
    opened.push(state);
    let rateLimits: RateLimitStore | undefined;
    let redis: import('./redis-client.js').RedisConnection | undefined;
    if (redisUrl !== undefined) {
      const [{ connectRedis }, { RedisRateLimitStore }] = await Promise.all([import('./redis-client.js'), import('./redis-rate-limit-store.js')]);
      const client = await unreachable('storage.redis', 'Redis', redisUrl, () => connectRedis(redisUrl, onError ? { onError } : {}));
      redis = client;
      opened.push({ close: () => void (client.isOpen && client.destroy()) });
      rateLimits = new RedisRateLimitStore(client, { prefix: redisPrefix, failMode: config.storage?.redisFailMode ?? 'closed', ...(onError ? { onError } : {}) });
    }
    let bus: ChangeBus;
    let busKind: GatewayStores['busKind'];
    if (postgres !== undefined) {
      const { PostgresChangeBus } = await import('./postgres-change-bus.js');
      bus = await unreachable(fieldOf(config), 'PostgreSQL', postgres, () => PostgresChangeBus.open(postgres, { channel: PG_CHANNEL, ...(onError ? { onError } : {}) }));
      busKind = 'postgres';
    } else if (redis !== undefined && redisUrl !== undefined) {
      const { RedisChangeBus } = await import('./redis-change-bus.js');
      bus = await unreachable('storage.redis', 'Redis', redisUrl, () => RedisChangeBus.open(redisUrl, { channel: `${redisPrefix}changes`, ...(onError ? { onError } : {}) }));
      busKind = 'redis';
      // The PostgreSQL key store announces its own revocations; any other store is announced from here.
      keys = announceRevocations(keys, bus);
    } else {
      bus = new MemoryChangeBus();
      busKind = 'memory';
    }
    opened.push(bus);
    return { keys, rateLimits, bus, busKind, pins: state.pins, revisions: state.revisions, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A key store whose successful revocations are also published on `bus`. */
export function announceRevocations(store: KeyStore, bus: ChangeBus): KeyStore {
  return {
    create: (options) => store.create(options),
    list: () => store.list(),
    findByHash: (sha256) => store.findByHash(sha256),
    close: () => store.close(),
    async revoke(id) {
      const found = await store.revoke(id);
      // The revocation holds either way; a replica that misses the notice still drops the key within its cache TTL.
      if (found) await bus.publish({ type: 'key-revoked', id }).catch((error: unknown) => console.error(`[mcpkit] could not announce the revocation of ${id}: ${(error as Error).message}`));
      return found;
    },
  };
}

function fieldOf(config: Pick<GatewayConfig, 'storage'>): string {
  return config.storage?.postgres !== undefined ? 'storage.postgres' : 'store.postgres';
}

async function unreachable<T>(field: string, service: string, url: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const message = (error as Error).message || (error as { code?: string }).code || String(error);
    // Our own connect helpers name the URL already; pg's errors (refused, bad password, no right to CREATE) do not.
    const text = message.startsWith('cannot connect') ? message : `cannot use ${service} at ${redactUrl(url)}: ${message}`;
    throw new InvalidArgumentError(`${field}: ${text}`, { cause: error });
  }
}
