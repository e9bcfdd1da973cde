/**
 * Test harness: the same audit-log contract suite runs against each backend through these.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AuditLog } from '../audit-log.js';
import { openAuditLog, type OpenAuditLogOptions } from '../open.js';

/** One empty audit store for one test. */
export interface StoreFixture {
  /** A new `AuditLog` on the store (call again for a second writer, or after close to "restart"). */
  open(options?: OpenAuditLogOptions): Promise<AuditLog>;
  /** Runs raw SQL against the store, bypassing the log (for tampering). */
  exec(sql: string): Promise<void>;
  /** Closes every log opened here and removes the store. */
  dispose(): Promise<void>;
}

export interface Backend {
  name: string;
  create(): Promise<StoreFixture>;
}

function tracking(openLog: (options?: OpenAuditLogOptions) => Promise<AuditLog>) {
  const logs: AuditLog[] = [];
  return {
    async open(options?: OpenAuditLogOptions) {
      const log = await openLog(options);
      logs.push(log);
      return log;
    },
    closeAll: () => Promise.allSettled(logs.map((log) => log.close())),
  };
}

export const sqliteBackend: Backend = {
  name: 'SQLite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-audit-'));
    const file = join(dir, 'audit.db');
    const logs = tracking((options) => openAuditLog({ sqlite: file }, options));
    return {
      open: logs.open,
      async exec(sql) {
        const db = new Database(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      async dispose() {
        await logs.closeAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const POSTGRES_URL = process.env.MCPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the test server answers; the error when not. */
export async function probePostgres(): Promise<Error | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgresBackend: Backend = {
  name: 'PostgreSQL',
  async create() {
    const schema = `audit_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const logs = tracking((options) => openAuditLog({ postgres: POSTGRES_URL }, { schema, ...options }));
    return {
      open: logs.open,
      async exec(sql) {
        await admin.query(`SET search_path TO "${schema}"; ${sql}`);
      },
      async dispose() {
        await logs.closeAll();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    };
  },
};
