/**
 * Config revisions in the gateway's SQLite database (`store.sqlite`): the `config_revisions` table.
 * @module
 */
import type Database from 'better-sqlite3';
import { type ConfigRevision, type ConfigRevisionStore, type ConfigRevisionSummary, type NewConfigRevision, revisionLimit } from './config-revisions.js';
import { openSqliteFile } from './sqlite-file.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS config_revisions (
  revision INTEGER PRIMARY KEY,
  digest TEXT NOT NULL,
  text TEXT NOT NULL,
  source TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT`;

interface Row {
  revision: number;
  digest: string;
  text?: string;
  source: string;
  recorded_by: string;
  recorded_at: number;
}

const SUMMARY = 'revision, digest, source, recorded_by, recorded_at';

/**
 * @example
 * const revisions = SqliteConfigRevisions.open('.mcpkit/gateway.db');
 * console.log(await revisions.list({ limit: 5 }));
 */
export class SqliteConfigRevisions implements ConfigRevisionStore {
  readonly #db: Database.Database;

  static open(path: string): SqliteConfigRevisions {
    const db = openSqliteFile(path);
    try {
      return new SqliteConfigRevisions(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private constructor(db: Database.Database) {
    this.#db = db;
    db.exec(SCHEMA);
  }

  async record(r: NewConfigRevision): Promise<{ revision: number; recorded: boolean }> {
    // IMMEDIATE: the write lock is taken before the latest revision is read, so two processes cannot both add one.
    return this.#db
      .transaction(() => {
        const latest = this.#db.prepare('SELECT revision, digest FROM config_revisions ORDER BY revision DESC LIMIT 1').get() as Pick<Row, 'revision' | 'digest'> | undefined;
        if (latest?.digest === r.digest) return { revision: latest.revision, recorded: false };
        const revision = (latest?.revision ?? 0) + 1;
        this.#db
          .prepare('INSERT INTO config_revisions (revision, digest, text, source, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(revision, r.digest, r.text, r.source, r.recordedBy, Math.floor(r.recordedAt));
        return { revision, recorded: true };
      })
      .immediate();
  }

  async list(options: { limit?: number } = {}): Promise<ConfigRevisionSummary[]> {
    const rows = this.#db.prepare(`SELECT ${SUMMARY} FROM config_revisions ORDER BY revision DESC LIMIT ?`).all(revisionLimit(options.limit)) as Row[];
    return rows.map(summaryOf);
  }

  async get(revision: number | 'latest'): Promise<ConfigRevision | undefined> {
    const row = (
      revision === 'latest'
        ? this.#db.prepare(`SELECT ${SUMMARY}, text FROM config_revisions ORDER BY revision DESC LIMIT 1`).get()
        : this.#db.prepare(`SELECT ${SUMMARY}, text FROM config_revisions WHERE revision = ?`).get(revision)
    ) as Row | undefined;
    return row && { ...summaryOf(row), text: row.text! };
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function summaryOf(row: Row): ConfigRevisionSummary {
  return { revision: row.revision, digest: row.digest, source: row.source, recordedBy: row.recorded_by, recordedAt: row.recorded_at };
}
