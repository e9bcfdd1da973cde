/**
 * Pins in PostgreSQL (`pg`), shared by every gateway replica: the `trust_pins` table, one row per server. A write
 * and its change notice (`pg_notify`, `trust-approved`) commit together, so every replica hears of an approval or a
 * first-use pin at once, whoever made it: a gateway, or `mcpkit trust approve --config` in another process.
 * @module
 */
import pg from 'pg';
import type { LockedServer, Lockfile } from '@mcpkit/trust';
import { encodeChange, newOrigin } from './change-bus.js';
import { type PinChange, type PinStore, entryOfRow, entryText, lockfileOfRows } from './pin-store.js';
import { inTransaction, redactUrl, sqlIdentifier } from './sql.js';

export interface PostgresPinStoreOptions {
  /** Schema holding the tables (created if missing). Default: the connection's search path. */
  schema?: string;
  /** Channel changes are announced on (see `PostgresChangeBus`); none when absent. */
  notifyChannel?: string;
  /** Default `Date.now`. */
  now?: () => number;
  /** How messages name the database when `open` is given a pool. Default `PostgreSQL`. */
  location?: string;
}

/**
 * @example
 * const pins = await PostgresPinStore.open('postgres://gw@db/gw', { notifyChannel: 'mcpkit_changes' });
 * const { entry, pinned } = await pins.pinIfAbsent('files', entry);
 */
export class PostgresPinStore implements PinStore {
  readonly kind = 'postgres';
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #owned: boolean;
  readonly #table: string;
  readonly #seeded: string;
  readonly #channel: string | undefined;
  readonly #now: () => number;
  readonly #origin = newOrigin();
  #closed = false;

  /** Connects (a URL opens a pool the store owns; a pool is shared and left open) and creates the tables if missing. */
  static async open(target: string | pg.Pool, options: PostgresPinStoreOptions = {}): Promise<PostgresPinStore> {
    const owned = typeof target === 'string';
    const pool = owned ? new pg.Pool({ connectionString: target, max: 2, connectionTimeoutMillis: 5000, query_timeout: 5000 }) : target;
    if (owned) pool.on('error', (error) => console.error('[mcpkit pins] PostgreSQL connection lost:', error.message));
    try {
      const store = new PostgresPinStore(pool, owned, typeof target === 'string' ? redactUrl(target) : (options.location ?? 'PostgreSQL'), options);
      await store.#transaction(async (client) => {
        // Replicas starting at once would race on CREATE … IF NOT EXISTS without this lock.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpkit.trust_pins.init'))");
        if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(options.schema, 'pin store: schema')}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${store.#table} (server text PRIMARY KEY, entry text NOT NULL, updated_at bigint NOT NULL)`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${store.#seeded} (id int PRIMARY KEY CHECK (id = 1), source text NOT NULL, at bigint NOT NULL)`);
      });
      return store;
    } catch (error) {
      if (owned) await pool.end();
      throw error;
    }
  }

  private constructor(pool: pg.Pool, owned: boolean, location: string, options: PostgresPinStoreOptions) {
    this.#pool = pool;
    this.#owned = owned;
    this.location = location;
    const prefix = options.schema === undefined ? '' : `${sqlIdentifier(options.schema, 'pin store: schema')}.`;
    this.#table = `${prefix}trust_pins`;
    this.#seeded = `${prefix}trust_pins_seeded`;
    if (options.notifyChannel !== undefined) sqlIdentifier(options.notifyChannel, 'pin store: notifyChannel');
    this.#channel = options.notifyChannel;
    this.#now = options.now ?? Date.now;
  }

  async load(): Promise<Lockfile> {
    const result = await this.#pool.query<{ server: string; entry: string }>(`SELECT server, entry FROM ${this.#table} ORDER BY server`);
    return lockfileOfRows(result.rows, this.location);
  }

  pinIfAbsent(server: string, entry: LockedServer): Promise<{ entry: LockedServer; pinned: boolean }> {
    return this.#transaction(async (client) => {
      await this.#lockServer(client, server);
      const inserted = await client.query(`INSERT INTO ${this.#table} (server, entry, updated_at) VALUES ($1, $2, $3) ON CONFLICT (server) DO NOTHING`, [
        server,
        entryText(entry),
        this.#now(),
      ]);
      if (inserted.rowCount === 1) {
        await this.#notify(client, server);
        return { entry, pinned: true };
      }
      const held = await client.query<{ entry: string }>(`SELECT entry FROM ${this.#table} WHERE server = $1`, [server]);
      return { entry: entryOfRow(server, held.rows[0]!.entry, this.location), pinned: false };
    });
  }

  update(server: string, change: PinChange): Promise<LockedServer | undefined> {
    return this.#transaction(async (client) => {
      // The server's lock is held until commit, so a concurrent update (or first pin) waits and then sees this one.
      await this.#lockServer(client, server);
      const current = await client.query<{ entry: string }>(`SELECT entry FROM ${this.#table} WHERE server = $1`, [server]);
      const next = await change(current.rows[0] && entryOfRow(server, current.rows[0].entry, this.location));
      if (next === undefined) await client.query(`DELETE FROM ${this.#table} WHERE server = $1`, [server]);
      else {
        await client.query(
          `INSERT INTO ${this.#table} (server, entry, updated_at) VALUES ($1, $2, $3) ON CONFLICT (server) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at`,
          [server, entryText(next), this.#now()],
        );
      }
      await this.#notify(client, server);
      return next;
    });
  }

  /** Imports a lockfile's servers once per database (see `SqlitePinStore.seed`). Returns how many were imported. */
  seed(lock: Lockfile, source: string): Promise<number> {
    return this.#transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpkit.trust_pins.seed'))");
      const done = await client.query(`SELECT 1 FROM ${this.#seeded}`);
      if (done.rowCount !== 0) return 0;
      let imported = 0;
      for (const [server, entry] of Object.entries(lock.servers)) {
        const r = await client.query(`INSERT INTO ${this.#table} (server, entry, updated_at) VALUES ($1, $2, $3) ON CONFLICT (server) DO NOTHING`, [server, entryText(entry), this.#now()]);
        imported += r.rowCount ?? 0;
      }
      await client.query(`INSERT INTO ${this.#seeded} (id, source, at) VALUES (1, $1, $2)`, [source, this.#now()]);
      return imported;
    });
  }

  watch(): () => void {
    // Every write notifies (see the module comment): the change bus carries it.
    return () => {};
  }

  async close(): Promise<void> {
    if (!this.#owned || this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #lockServer(client: pg.PoolClient, server: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.#table}:${server}`]);
  }

  async #notify(client: pg.PoolClient, server: string): Promise<void> {
    if (this.#channel === undefined) return;
    await client.query('SELECT pg_notify($1, $2)', [this.#channel, encodeChange({ type: 'trust-approved', server: server.slice(0, 200) }, this.#origin)]);
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }
}
