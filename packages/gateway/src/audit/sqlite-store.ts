/**
 * The audit log in an embedded SQLite file (better-sqlite3), the gateway's default.
 *
 * Durability: WAL with `synchronous = FULL`, so each commit syncs the WAL before it returns and a record whose
 * append resolved survives a process crash and a power loss (`NORMAL` would only survive a process crash).
 * The group commit pays that sync once per batch, not per record.
 * @module
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { chainRows, EMPTY_HEAD, type AuditHead } from './chain.js';
import { buildFilter, type AuditQuery } from './query.js';
import { COLUMNS, rowValues, SELECT_LIST, type AuditRow, type RowBody } from './row.js';
import type { AuditStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  principal TEXT,
  key_id TEXT,
  method TEXT NOT NULL,
  upstream TEXT,
  target TEXT,
  arguments TEXT,
  outcome TEXT NOT NULL,
  error_code TEXT,
  duration_ms REAL NOT NULL,
  bytes_in INTEGER NOT NULL,
  bytes_out INTEGER NOT NULL,
  request_id TEXT,
  session_id TEXT,
  route TEXT,
  reason TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (time);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
`;

/** Opens (creating the file, 0600, and its folder, 0700, if missing) the audit database at `path`. */
export function openSqliteStore(path: string): AuditStore {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Create it ourselves so it is never readable by others, not even for a moment; SQLite gives the -wal and
  // -shm files the same mode as the database.
  closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    initHead(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db);
}

/** A database from before the head record, or one whose head record was deleted, gets it from its last row. */
function initHead(db: Database.Database): void {
  db.transaction(() => {
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as AuditHead | undefined;
    const head = last ?? EMPTY_HEAD;
    db.prepare('INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, ?, ?)').run(head.seq, head.hash);
  }).immediate();
}

class SqliteStore implements AuditStore {
  readonly #db: Database.Database;
  readonly #readHead: Database.Statement<[], AuditHead>;
  readonly #readPage: Database.Statement<[number, number], AuditRow>;
  readonly #append: (bodies: readonly RowBody[]) => AuditHead;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#readHead = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
    this.#readPage = db.prepare(`SELECT ${SELECT_LIST} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`);
    const insert = db.prepare(`INSERT INTO audit_log (${COLUMNS.map(([c]) => c).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    const writeHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');
    const append = db.transaction((bodies: readonly RowBody[]): AuditHead => {
      const head = this.#readHead.get();
      if (!head) throw new Error('audit_head row is missing from the audit database; run verify: the database may have been tampered with');
      const rows = chainRows(head, bodies);
      for (const row of rows) insert.run(rowValues(row));
      const last = rows[rows.length - 1] ?? head;
      writeHead.run(last.seq, last.hash);
      return { seq: last.seq, hash: last.hash };
    });
    // IMMEDIATE takes the write lock before the head is read, so two processes cannot chain from the same head.
    this.#append = (bodies) => append.immediate(bodies);
  }

  async appendBatch(bodies: readonly RowBody[]): Promise<AuditHead> {
    return this.#append(bodies);
  }

  async readHead(): Promise<AuditHead | null> {
    return this.#readHead.get() ?? null;
  }

  async readPage(afterSeq: number, limit: number): Promise<AuditRow[]> {
    return this.#readPage.all(afterSeq, limit);
  }

  async query(query: AuditQuery): Promise<AuditRow[]> {
    const filter = buildFilter(query, () => '?');
    const sql = `SELECT ${SELECT_LIST} FROM audit_log ${filter.where} ORDER BY seq LIMIT ?`;
    return this.#db.prepare<unknown[], AuditRow>(sql).all(...filter.params, filter.limit);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
