/**
 * The durable trust and config state named by a gateway configuration: pins and approvals (`trust.pins`) and
 * config revisions, in the lockfile, SQLite (`store.sqlite`) or PostgreSQL (`storage.postgres`).
 * @module
 */
import { existsSync } from 'node:fs';
import type pg from 'pg';
import type { GatewayConfig } from '../config/types.js';
import type { ConfigRevisionStore } from './config-revisions.js';
import { LockfilePinStore, readLockfile } from './lockfile-pin-store.js';
import type { PinStore } from './pin-store.js';
import { redactUrl } from './sql.js';

/** The channel change notices travel on (the one `PostgresChangeBus` listens to). */
export const PG_CHANNEL = 'mcpkit_changes';

type StateConfig = Pick<GatewayConfig, 'store' | 'trust'>;

/** What {@link openStateStores} opened; `close()` closes all of it. */
export interface StateStores {
  /** Undefined without `trust:`. */
  pins: PinStore | undefined;
  revisions: ConfigRevisionStore;
  close(): Promise<void>;
}

/**
 * The pin store `trust.pins` names: the lockfile, or the gateway's database, which imports the lockfile's servers
 * the first time it is used (so a committed lockfile carries over to a cluster once).
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the field of a malformed lockfile being imported.
 * @example
 * const pins = await openPinStore(config);
 */
export async function openPinStore(config: StateConfig & { trust: NonNullable<GatewayConfig['trust']> }, pool?: pg.Pool): Promise<PinStore> {
  const trust = config.trust;
  if (trust.pins === 'lockfile') return new LockfilePinStore(trust.lockfile);
  let store: PinStore & { seed(lock: import('@mcpkit/trust').Lockfile, source: string): Promise<number> };
  if ('sqlite' in config.store) {
    const { SqlitePinStore } = await import('./sqlite-pin-store.js');
    store = SqlitePinStore.open(config.store.sqlite);
  } else {
    const { PostgresPinStore } = await import('./postgres-pin-store.js');
    store = await PostgresPinStore.open(pool ?? config.store.postgres, { notifyChannel: PG_CHANNEL, location: redactUrl(config.store.postgres) });
  }
  try {
    if (existsSync(trust.lockfile)) {
      const imported = await store.seed(await readLockfile(trust.lockfile), trust.lockfile);
      if (imported > 0) console.error(`[mcpkit] imported ${imported} pinned server${imported === 1 ? '' : 's'} from ${trust.lockfile} into ${store.location} (once; the database holds the pins from now on)`);
    }
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The config revision store in the gateway's database. */
export async function openConfigRevisions(config: Pick<GatewayConfig, 'store'>, pool?: pg.Pool): Promise<ConfigRevisionStore> {
  if ('sqlite' in config.store) {
    const { SqliteConfigRevisions } = await import('./sqlite-config-revisions.js');
    return SqliteConfigRevisions.open(config.store.sqlite);
  }
  const { PostgresConfigRevisions } = await import('./postgres-config-revisions.js');
  return PostgresConfigRevisions.open(pool ?? config.store.postgres);
}

/** Pins and revisions together; on PostgreSQL they share one small pool. */
export async function openStateStores(config: StateConfig): Promise<StateStores> {
  let pool: pg.Pool | undefined;
  if ('postgres' in config.store) {
    const { default: pgModule } = await import('pg');
    pool = new pgModule.Pool({ connectionString: config.store.postgres, max: 2, connectionTimeoutMillis: 5000, query_timeout: 5000 });
    // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
    pool.on('error', (error) => console.error('[mcpkit state] PostgreSQL connection lost:', error.message));
  }
  const opened: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    for (const item of opened.reverse()) await item.close().catch(() => {});
    await pool?.end().catch(() => {});
  };
  try {
    const revisions = await openConfigRevisions(config, pool);
    opened.push(revisions);
    const pins = config.trust ? await openPinStore({ ...config, trust: config.trust }, pool) : undefined;
    if (pins) opened.push(pins);
    return { pins, revisions, close };
  } catch (error) {
    await close();
    throw error;
  }
}
