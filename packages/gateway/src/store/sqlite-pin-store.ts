/**
 * Pins in the gateway's SQLite database (`store.sqlite`): the `trust_pins` table, one row per server. Processes on
 * one host share it (the gateway and `mcpkit trust approve`); a write is one transaction per server.
 * @module
 */
import type Database from 'better-sqlite3';
import type { LockedServer, Lockfile } from '@mcpkit/trust';
import { type PinChange, type PinStore, entryOfRow, entryText, lockfileOfRows } from './pin-store.js';
import { openSqliteFile } from './sqlite-file.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS trust_pins (
  server TEXT PRIMARY KEY,
  entry TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS trust_pins_seeded (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  source TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT`;

/** How often another connection's commit is looked for (`PRAGMA data_version`, a cheap read). */
const WATCH_MS = 500;
/** Optimistic writes retried when another connection changed the entry meanwhile. */
const MAX_ATTEMPTS = 8;

interface Row {
  server: string;
  entry: string;
}

/**
 * @example
 * const pins = SqlitePinStore.open('.mcpkit/gateway.db');
 * await pins.update('files', () => entry);
 */
export class SqlitePinStore implements PinStore {
  readonly kind = 'sqlite';
  readonly location: string;
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #one: Database.Statement<[string], Row>;
  readonly #all: Database.Statement<[], Row>;
  readonly #insert: Database.Statement<[string, string, number]>;
  readonly #upsert: Database.Statement<[string, string, number]>;
  readonly #delete: Database.Statement<[string]>;

  /** Opens (or creates) the database file and the table. */
  static open(path: string, options: { now?: () => number } = {}): SqlitePinStore {
    const db = openSqliteFile(path);
    try {
      return new SqlitePinStore(db, path, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private constructor(db: Database.Database, path: string, options: { now?: () => number }) {
    this.#db = db;
    this.location = path;
    this.#now = options.now ?? Date.now;
    db.exec(SCHEMA);
    this.#one = db.prepare('SELECT server, entry FROM trust_pins WHERE server = ?');
    this.#all = db.prepare('SELECT server, entry FROM trust_pins ORDER BY server');
    this.#insert = db.prepare('INSERT INTO trust_pins (server, entry, updated_at) VALUES (?, ?, ?) ON CONFLICT (server) DO NOTHING');
    this.#upsert = db.prepare('INSERT INTO trust_pins (server, entry, updated_at) VALUES (?, ?, ?) ON CONFLICT (server) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at');
    this.#delete = db.prepare('DELETE FROM trust_pins WHERE server = ?');
  }

  async load(): Promise<Lockfile> {
    return lockfileOfRows(this.#all.all(), this.location);
  }

  async pinIfAbsent(server: string, entry: LockedServer): Promise<{ entry: LockedServer; pinned: boolean }> {
    // One statement: SQLite takes the write lock for it, so of two processes exactly one inserts.
    if (this.#insert.run(server, entryText(entry), this.#now()).changes === 1) return { entry, pinned: true };
    const held = this.#one.get(server)!;
    return { entry: entryOfRow(server, held.entry, this.location), pinned: false };
  }

  async update(server: string, change: PinChange): Promise<LockedServer | undefined> {
    // `change` may be async, and a SQLite transaction cannot wait for it: compute, then write only if the entry is
    // still the one the change was computed from (else compute again from the newer one).
    for (let attempt = 1; ; attempt++) {
      const before = this.#one.get(server)?.entry;
      const next = await change(before === undefined ? undefined : entryOfRow(server, before, this.location));
      const written = this.#db
        .transaction(() => {
          if (this.#one.get(server)?.entry !== before) return false;
          if (next === undefined) this.#delete.run(server);
          else this.#upsert.run(server, entryText(next), this.#now());
          return true;
        })
        .immediate();
      if (written) return next;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`the pin of ${server} in ${this.location} kept changing while it was being written; try again`);
    }
  }

  /**
   * Imports a lockfile's servers once per database (the first open after `trust.pins` became the database): servers
   * already in the table keep their entry. Returns how many were imported (0 once seeded).
   */
  async seed(lock: Lockfile, source: string): Promise<number> {
    return this.#db
      .transaction(() => {
        if (this.#db.prepare('SELECT 1 FROM trust_pins_seeded').get() !== undefined) return 0;
        let imported = 0;
        for (const [server, entry] of Object.entries(lock.servers)) imported += this.#insert.run(server, entryText(entry), this.#now()).changes;
        this.#db.prepare('INSERT INTO trust_pins_seeded (id, source, at) VALUES (1, ?, ?)').run(source, this.#now());
        return imported;
      })
      .immediate();
  }

  watch(onChange: () => void): () => void {
    const version = () => this.#db.pragma('data_version', { simple: true }) as number;
    let seen = version();
    const timer = setInterval(() => {
      if (!this.#db.open) return;
      const now = version();
      if (now === seen) return;
      seen = now;
      onChange();
    }, WATCH_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
