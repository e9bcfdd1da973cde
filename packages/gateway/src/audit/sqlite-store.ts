/**
 * The audit log in an embedded SQLite file (better-sqlite3), the gateway's default.
 *
 * Durability: WAL with `synchronous = FULL`, so each commit syncs the WAL before it returns and a record whose
 * append resolved survives a process crash and a power loss (`NORMAL` would only survive a process crash).
 * The group commit pays that sync once per batch, not per record, and pays it on a writer thread
 * (`sqlite-writer.ts`): a sync takes milliseconds, which on the event loop every request in flight would wait
 * out. An append resolves only when the writer reports its transaction committed.
 * @module
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { EMPTY_HEAD, type AuditHead } from './chain.js';
import { buildFilter, type AuditQuery } from './query.js';
import { SELECT_LIST, type AuditRow, type RowBody } from './row.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';
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
  return new SqliteStore(db, file);
}

/** A database from before the head record, or one whose head record was deleted, gets it from its last row. */
function initHead(db: Database.Database): void {
  db.transaction(() => {
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as AuditHead | undefined;
    const head = last ?? EMPTY_HEAD;
    db.prepare('INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, ?, ?)').run(head.seq, head.hash);
  }).immediate();
}

/** Where the writer thread's script is: beside this module in `dist/`. */
function writerUrl(): URL {
  // Under vitest this module runs from src/ as TypeScript, which a worker thread cannot load on Node 20: the
  // tests use the built writer (`tsc -b` first), which runs the same code.
  if (import.meta.url.endsWith('.ts')) return new URL('../../dist/audit/sqlite-writer.js', import.meta.url);
  return new URL('./sqlite-writer.js', import.meta.url);
}

interface Waiter {
  resolve: (head: AuditHead) => void;
  reject: (error: Error) => void;
}

/**
 * Reads on this thread's connection; appends go to the writer thread, which answers batches in order, each once
 * its transaction is durable.
 */
class SqliteStore implements AuditStore {
  readonly #db: Database.Database;
  readonly #readHead: Database.Statement<[], AuditHead>;
  readonly #readPage: Database.Statement<[number, number], AuditRow>;
  readonly #writer: Worker;
  readonly #exited: Promise<void>;
  readonly #waiting: Waiter[] = [];
  #broken: Error | undefined;
  #closing = false;

  constructor(db: Database.Database, file: string) {
    this.#db = db;
    this.#readHead = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
    this.#readPage = db.prepare(`SELECT ${SELECT_LIST} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.#writer = new Worker(writerUrl(), { workerData: { file } });
    // An idle writer must not keep the process alive; a batch in flight does (see appendBatch).
    this.#writer.unref();
    this.#writer.on('message', (reply: WriterReply) => {
      const waiter = this.#waiting.shift();
      if (this.#waiting.length === 0) this.#writer.unref();
      if (!waiter) return;
      if ('head' in reply) waiter.resolve(reply.head);
      else waiter.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    this.#writer.on('error', (error) => this.#fail(error));
    this.#exited = new Promise((resolve) => {
      this.#writer.once('exit', (code) => {
        if (!this.#closing) this.#fail(new Error(`the audit writer thread exited (code ${code})`));
        resolve();
      });
    });
  }

  #fail(error: Error): void {
    this.#broken ??= error;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }

  appendBatch(bodies: readonly RowBody[]): Promise<AuditHead> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closing) return Promise.reject(new Error('the audit store is closed'));
    return new Promise<AuditHead>((resolve, reject) => {
      if (this.#waiting.length === 0) this.#writer.ref();
      this.#waiting.push({ resolve, reject });
      this.#writer.postMessage({ bodies } satisfies WriterRequest);
    });
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
    if (!this.#closing) {
      this.#closing = true;
      this.#writer.ref();
      this.#writer.postMessage({ close: true } satisfies WriterRequest);
    }
    await this.#exited;
    if (this.#db.open) this.#db.close();
  }
}
