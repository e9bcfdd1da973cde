/**
 * API keys in SQLite (`better-sqlite3`, WAL): hashes only, in a file only its owner can read.
 * @module
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { prepareKey, type CreatedKey, type KeyRecord, type KeyStore, type NewKeyOptions } from './key-store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
) STRICT`;

interface Row {
  id: string;
  sha256: string;
  scopes: string;
  description: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface SqliteKeyStoreOptions {
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * The `api_keys` table of a SQLite database, created if missing.
 * @example
 * const store = SqliteKeyStore.open('.mcpkit/gateway.db');
 * const { id, key } = await store.create({ scopes: ['read'], description: 'CI' });
 */
export class SqliteKeyStore implements KeyStore {
  readonly #db: Database.Database;
  readonly #owned: boolean;
  readonly #now: () => number;
  readonly #byId: Database.Statement<[string], Row>;
  readonly #byHash: Database.Statement<[string], Row>;
  readonly #all: Database.Statement<[], Row>;
  readonly #insert: Database.Statement<[string, string, string, string | null, number, number | null]>;
  readonly #revoke: Database.Statement<[number, string]>;

  /**
   * Opens (or creates) the database file: its folder is created (mode 0700), the file is made mode 0600 before
   * SQLite opens it (SQLite gives its `-wal` and `-shm` files the same mode), and WAL is switched on.
   * `:memory:` opens a private in-memory database.
   */
  static open(path: string, options: SqliteKeyStoreOptions = {}): SqliteKeyStore {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      return new SqliteKeyStore(db, options, true);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Uses a database opened elsewhere (e.g. shared with other gateway state); `close()` leaves it open. */
  constructor(db: Database.Database, options: SqliteKeyStoreOptions = {}, owned = false) {
    this.#db = db;
    this.#owned = owned;
    this.#now = options.now ?? Date.now;
    db.exec(SCHEMA);
    this.#byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.#byHash = db.prepare('SELECT * FROM api_keys WHERE sha256 = ?');
    this.#all = db.prepare('SELECT * FROM api_keys ORDER BY rowid');
    this.#insert = db.prepare('INSERT INTO api_keys (id, sha256, scopes, description, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#revoke = db.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?');
  }

  async create(options: NewKeyOptions): Promise<CreatedKey> {
    const created = prepareKey(options, this.#now(), (id) => this.#byId.get(id) !== undefined);
    const r = created.record;
    try {
      this.#insert.run(r.id, r.sha256, JSON.stringify(r.scopes), r.description ?? null, r.createdAt, r.expiresAt ?? null);
    } catch (error) {
      // Another process may have taken the id between the check and the insert.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new InvalidArgumentError(`A key with id ${JSON.stringify(r.id)} already exists`, { cause: error });
      }
      throw error;
    }
    return created;
  }

  async list(): Promise<KeyRecord[]> {
    return this.#all.all().map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    return this.#revoke.run(Math.floor(this.#now()), id).changes > 0;
  }

  async findByHash(sha256: string): Promise<KeyRecord | undefined> {
    const row = this.#byHash.get(sha256);
    return row && toRecord(row);
  }

  async close(): Promise<void> {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}

function toRecord(row: Row): KeyRecord {
  const record: KeyRecord = { id: row.id, sha256: row.sha256, scopes: JSON.parse(row.scopes) as string[], createdAt: row.created_at };
  if (row.expires_at !== null) record.expiresAt = row.expires_at;
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at;
  if (row.description !== null) record.description = row.description;
  return record;
}
