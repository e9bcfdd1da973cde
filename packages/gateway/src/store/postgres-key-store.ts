/**
 * API keys in PostgreSQL (`pg`), shared by every gateway replica: hashes only, like the other key stores. A
 * revocation sends its change notice (`pg_notify`) in the same statement, so it reaches every replica on commit
 * whoever made it: a gateway, or `mcpkit gateway keys revoke` in another process.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import pg from 'pg';
import { prepareKey, type CreatedKey, type KeyRecord, type KeyStore, type NewKeyOptions } from '../security/key-store.js';
import { encodeChange, newOrigin } from './change-bus.js';
import { sqlIdentifier } from './sql.js';

export interface PostgresKeyStoreOptions {
  /** Schema holding the `api_keys` table (created if missing). Default: the connection's search path. */
  schema?: string;
  /** Channel a revocation is announced on (see `PostgresChangeBus`); none when absent. */
  notifyChannel?: string;
  /** Default `Date.now`. */
  now?: () => number;
}

interface Row {
  id: string;
  sha256: string;
  scopes: string[];
  description: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = 'id, sha256, scopes, description, created_at, expires_at, revoked_at';
const UNIQUE_VIOLATION = '23505';

/**
 * @example
 * const store = await PostgresKeyStore.open('postgres://gw@db/gw', { notifyChannel: 'mcpkit_changes' });
 * const { key } = await store.create({ scopes: ['read'] });
 */
export class PostgresKeyStore implements KeyStore {
  readonly #pool: pg.Pool;
  readonly #owned: boolean;
  readonly #table: string;
  readonly #channel: string | undefined;
  readonly #now: () => number;
  readonly #origin = newOrigin();
  #closed = false;

  /**
   * Connects (a URL opens a pool the store owns; a pool is shared and left open by `close()`) and creates the
   * table if missing.
   */
  static async open(target: string | pg.Pool, options: PostgresKeyStoreOptions = {}): Promise<PostgresKeyStore> {
    const owned = typeof target === 'string';
    // Deadlines: a PostgreSQL that stops answering fails a key lookup (HTTP 500 "could not be checked", which the
    // caller can retry) instead of holding the request, and an address nobody answers fails the start.
    const pool = owned ? new pg.Pool({ connectionString: target, max: 4, connectionTimeoutMillis: 5000, query_timeout: 5000 }) : target;
    // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
    if (owned) pool.on('error', (error) => console.error('[mcpkit keys] PostgreSQL connection lost:', error.message));
    try {
      const store = new PostgresKeyStore(pool, owned, options);
      await store.#init(options.schema);
      return store;
    } catch (error) {
      if (owned) await pool.end();
      throw error;
    }
  }

  private constructor(pool: pg.Pool, owned: boolean, options: PostgresKeyStoreOptions) {
    this.#pool = pool;
    this.#owned = owned;
    this.#table = options.schema === undefined ? 'api_keys' : `${sqlIdentifier(options.schema, 'key store: schema')}.api_keys`;
    if (options.notifyChannel !== undefined) sqlIdentifier(options.notifyChannel, 'key store: notifyChannel');
    this.#channel = options.notifyChannel;
    this.#now = options.now ?? Date.now;
  }

  async #init(schema: string | undefined): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // Replicas starting at once would race on CREATE … IF NOT EXISTS without this lock.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpkit.api_keys.init'))");
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(schema, 'key store: schema')}`);
      // seq keeps creation order; epoch milliseconds as bigint, like the SQLite store's integers.
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.#table} (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        sha256 text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        description text,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint)`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {}); // the connection may be gone; the original error says why
      throw error;
    } finally {
      client.release();
    }
  }

  async create(options: NewKeyOptions): Promise<CreatedKey> {
    const chosen = options.id;
    const chosenTaken = chosen !== undefined && typeof chosen === 'string' && (await this.#idExists(chosen));
    // A generated id is checked by the insert itself: a clash (48 random bits) is retried with a fresh id.
    for (let attempt = 0; ; attempt++) {
      const created = prepareKey(options, this.#now(), (id) => id === chosen && chosenTaken);
      const r = created.record;
      try {
        const inserted = await this.#pool.query(
          `INSERT INTO ${this.#table} (id, sha256, scopes, description, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [r.id, r.sha256, r.scopes, r.description ?? null, r.createdAt, r.expiresAt ?? null],
        );
        if (inserted.rowCount === 1) return created;
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      }
      // Another replica took the id between the check and the insert.
      if (chosen !== undefined || attempt >= 3) throw new InvalidArgumentError(`A key with id ${JSON.stringify(r.id)} already exists`);
    }
  }

  async list(): Promise<KeyRecord[]> {
    const result = await this.#pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.#table} ORDER BY seq`);
    return result.rows.map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    const now = Math.floor(this.#now());
    if (this.#channel === undefined) {
      const result = await this.#pool.query(`UPDATE ${this.#table} SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`, [now, id]);
      return result.rowCount === 1;
    }
    // One statement: the notice is sent when the update commits, and only if a key was found.
    const result = await this.#pool.query(
      `WITH revoked AS (UPDATE ${this.#table} SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING id)
       SELECT pg_notify($3, $4) FROM revoked`,
      [now, id, this.#channel, encodeChange({ type: 'key-revoked', id }, this.#origin)],
    );
    return result.rowCount === 1;
  }

  async findByHash(sha256: string): Promise<KeyRecord | undefined> {
    const result = await this.#pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.#table} WHERE sha256 = $1`, [sha256]);
    return result.rows[0] && toRecord(result.rows[0]);
  }

  async close(): Promise<void> {
    if (!this.#owned || this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #idExists(id: string): Promise<boolean> {
    const result = await this.#pool.query(`SELECT 1 FROM ${this.#table} WHERE id = $1`, [id]);
    return result.rowCount === 1;
  }
}

/** pg returns bigint as text; the times stay far below 2^53. */
function toRecord(row: Row): KeyRecord {
  const record: KeyRecord = { id: row.id, sha256: row.sha256, scopes: row.scopes, createdAt: Number(row.created_at) };
  if (row.expires_at !== null) record.expiresAt = Number(row.expires_at);
  if (row.revoked_at !== null) record.revokedAt = Number(row.revoked_at);
  if (row.description !== null) record.description = row.description;
  return record;
}
