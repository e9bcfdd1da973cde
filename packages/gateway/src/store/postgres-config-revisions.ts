/**
 * Config revisions in PostgreSQL (`pg`), one history for every replica: the `config_revisions` table.
 * @module
 */
import pg from 'pg';
import { type ConfigRevision, type ConfigRevisionStore, type ConfigRevisionSummary, type NewConfigRevision, revisionLimit } from './config-revisions.js';
import { inTransaction, sqlIdentifier } from './sql.js';

interface Row {
  revision: string;
  digest: string;
  text?: string;
  source: string;
  recorded_by: string;
  recorded_at: string;
}

const SUMMARY = 'revision, digest, source, recorded_by, recorded_at';

/**
 * @example
 * const revisions = await PostgresConfigRevisions.open('postgres://gw@db/gw');
 * const latest = await revisions.get('latest');
 */
export class PostgresConfigRevisions implements ConfigRevisionStore {
  readonly #pool: pg.Pool;
  readonly #owned: boolean;
  readonly #table: string;
  #closed = false;

  /** Connects (a URL opens a pool the store owns; a pool is shared and left open) and creates the table if missing. */
  static async open(target: string | pg.Pool, options: { schema?: string } = {}): Promise<PostgresConfigRevisions> {
    const owned = typeof target === 'string';
    const pool = owned ? new pg.Pool({ connectionString: target, max: 2, connectionTimeoutMillis: 5000, query_timeout: 5000 }) : target;
    if (owned) pool.on('error', (error) => console.error('[mcpkit revisions] PostgreSQL connection lost:', error.message));
    const store = new PostgresConfigRevisions(pool, owned, options.schema);
    try {
      await store.#transaction(async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpkit.config_revisions.init'))");
        if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(options.schema, 'revisions: schema')}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${store.#table} (
          revision bigint PRIMARY KEY,
          digest text NOT NULL,
          text text NOT NULL,
          source text NOT NULL,
          recorded_by text NOT NULL,
          recorded_at bigint NOT NULL)`);
      });
      return store;
    } catch (error) {
      if (owned) await pool.end();
      throw error;
    }
  }

  private constructor(pool: pg.Pool, owned: boolean, schema: string | undefined) {
    this.#pool = pool;
    this.#owned = owned;
    this.#table = schema === undefined ? 'config_revisions' : `${sqlIdentifier(schema, 'revisions: schema')}.config_revisions`;
  }

  record(r: NewConfigRevision): Promise<{ revision: number; recorded: boolean }> {
    return this.#transaction(async (client) => {
      // Held until commit: the next recorder reads the latest revision only after this one is written.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpkit.config_revisions.record'))");
      const latest = await client.query<Pick<Row, 'revision' | 'digest'>>(`SELECT revision, digest FROM ${this.#table} ORDER BY revision DESC LIMIT 1`);
      const last = latest.rows[0];
      if (last?.digest === r.digest) return { revision: Number(last.revision), recorded: false };
      const revision = Number(last?.revision ?? 0) + 1;
      await client.query(`INSERT INTO ${this.#table} (revision, digest, text, source, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        revision,
        r.digest,
        r.text,
        r.source,
        r.recordedBy,
        Math.floor(r.recordedAt),
      ]);
      return { revision, recorded: true };
    });
  }

  async list(options: { limit?: number } = {}): Promise<ConfigRevisionSummary[]> {
    const result = await this.#pool.query<Row>(`SELECT ${SUMMARY} FROM ${this.#table} ORDER BY revision DESC LIMIT $1`, [revisionLimit(options.limit)]);
    return result.rows.map(summaryOf);
  }

  async get(revision: number | 'latest'): Promise<ConfigRevision | undefined> {
    const result =
      revision === 'latest'
        ? await this.#pool.query<Row>(`SELECT ${SUMMARY}, text FROM ${this.#table} ORDER BY revision DESC LIMIT 1`)
        : await this.#pool.query<Row>(`SELECT ${SUMMARY}, text FROM ${this.#table} WHERE revision = $1`, [revision]);
    const row = result.rows[0];
    return row && { ...summaryOf(row), text: row.text! };
  }

  async close(): Promise<void> {
    if (!this.#owned || this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }
}

/** pg returns bigint as text; revisions and times stay far below 2^53. */
function summaryOf(row: Row): ConfigRevisionSummary {
  return { revision: Number(row.revision), digest: row.digest, source: row.source, recordedBy: row.recorded_by, recordedAt: Number(row.recorded_at) };
}
