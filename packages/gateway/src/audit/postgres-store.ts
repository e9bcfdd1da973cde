/**
 * The audit log in PostgreSQL (`pg`), for gateways with several replicas writing one log.
 *
 * Each batch runs in one transaction that locks the head row (`SELECT … FOR UPDATE`) before reading it, so
 * writers in any number of processes take turns and the chain stays linear. A commit is durable when it
 * returns under the server's default `synchronous_commit = on`.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import pg from 'pg';
import { chainRows, EMPTY_HEAD, type AuditHead } from './chain.js';
import { buildFilter, type AuditQuery } from './query.js';
import { COLUMNS, SELECT_LIST, type AuditRow, type RowBody } from './row.js';
import type { AuditStore } from './store.js';
import { inTransaction } from '../store/sql.js';

export interface PostgresStoreOptions {
  /** Schema holding the tables (created if missing). Default: the connection's search path (usually `public`). */
  schema?: string;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
}

const TYPES: Record<string, string> = {
  seq: 'bigint PRIMARY KEY',
  duration_ms: 'double precision NOT NULL',
  bytes_in: 'bigint NOT NULL',
  bytes_out: 'bigint NOT NULL',
};
const NOT_NULL = new Set(['time', 'method', 'outcome', 'prev_hash', 'hash']);
const ARRAY_TYPES: Record<string, string> = { seq: 'bigint[]', duration_ms: 'float8[]', bytes_in: 'bigint[]', bytes_out: 'bigint[]' };

/** Connects to `url`, creating the tables if missing. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<AuditStore> {
  const prefix = options.schema === undefined ? '' : `${identifier(options.schema)}.`;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4 });
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', (error) => console.error('[mcpkit audit] PostgreSQL connection lost:', error.message));
  try {
    await init(pool, prefix, options.schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresStore(pool, prefix);
}

async function init(pool: pg.Pool, prefix: string, schema: string | undefined): Promise<void> {
  const columns = COLUMNS.map(([c]) => `${c} ${TYPES[c] ?? (NOT_NULL.has(c) ? 'text NOT NULL' : 'text')}`).join(', ');
  await inTransaction(pool, async (client) => {
    // Several gateways starting at once would race on CREATE TABLE IF NOT EXISTS without this lock.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('mcpkit.audit.init'))");
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${identifier(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${prefix}audit_log (${columns})`);
    await client.query(`CREATE INDEX IF NOT EXISTS audit_log_time ON ${prefix}audit_log (time)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${prefix}audit_head (id int PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)`);
    const last = await client.query(`SELECT seq, hash FROM ${prefix}audit_log ORDER BY seq DESC LIMIT 1`);
    const head = last.rows[0] ? toHead(last.rows[0]) : EMPTY_HEAD;
    await client.query(`INSERT INTO ${prefix}audit_head (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, [head.seq, head.hash]);
  });
}

class PostgresStore implements AuditStore {
  readonly #pool: pg.Pool;
  readonly #prefix: string;
  readonly #insert: string;

  constructor(pool: pg.Pool, prefix: string) {
    this.#pool = pool;
    this.#prefix = prefix;
    // One statement per batch: each column travels as one array parameter and unnest() zips them into rows.
    const arrays = COLUMNS.map(([c], i) => `$${i + 1}::${ARRAY_TYPES[c] ?? 'text[]'}`).join(', ');
    this.#insert = `INSERT INTO ${prefix}audit_log (${COLUMNS.map(([c]) => c).join(', ')}) SELECT * FROM unnest(${arrays})`;
  }

  appendBatch(bodies: readonly RowBody[]): Promise<AuditHead> {
    return inTransaction(this.#pool, async (client) => {
      const locked = await client.query(`SELECT seq, hash FROM ${this.#prefix}audit_head WHERE id = 1 FOR UPDATE`);
      if (!locked.rows[0]) throw new Error('audit_head row is missing from the audit database; run verify: the database may have been tampered with');
      const rows = chainRows(toHead(locked.rows[0]), bodies);
      await client.query(this.#insert, COLUMNS.map(([, field]) => rows.map((row) => row[field])));
      const last = rows[rows.length - 1] ?? toHead(locked.rows[0]);
      await client.query(`UPDATE ${this.#prefix}audit_head SET seq = $1, hash = $2 WHERE id = 1`, [last.seq, last.hash]);
      return { seq: last.seq, hash: last.hash };
    });
  }

  async readHead(): Promise<AuditHead | null> {
    const result = await this.#pool.query(`SELECT seq, hash FROM ${this.#prefix}audit_head WHERE id = 1`);
    return result.rows[0] ? toHead(result.rows[0]) : null;
  }

  async readPage(afterSeq: number, limit: number): Promise<AuditRow[]> {
    const result = await this.#pool.query(`SELECT ${SELECT_LIST} FROM ${this.#prefix}audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
    return result.rows.map(toRow);
  }

  async query(query: AuditQuery): Promise<AuditRow[]> {
    const filter = buildFilter(query, (n) => `$${n}`);
    const sql = `SELECT ${SELECT_LIST} FROM ${this.#prefix}audit_log ${filter.where} ORDER BY seq LIMIT $${filter.params.length + 1}`;
    const result = await this.#pool.query(sql, [...filter.params, filter.limit]);
    return result.rows.map(toRow);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}


/** pg returns bigint as text; seqs and byte counts stay far below 2^53. */
function toRow(raw: Record<string, unknown>): AuditRow {
  const row = raw as unknown as AuditRow;
  row.seq = Number(raw.seq);
  row.bytesIn = Number(raw.bytesIn);
  row.bytesOut = Number(raw.bytesOut);
  return row;
}

function toHead(raw: { seq: unknown; hash: unknown }): AuditHead {
  return { seq: Number(raw.seq), hash: String(raw.hash) };
}

function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new InvalidArgumentError(`audit store: schema must be a plain SQL identifier (letters, digits, _), got ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}
