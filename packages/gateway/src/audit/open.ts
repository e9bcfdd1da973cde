/**
 * `openAuditLog`: the audit log on the store named in the config.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { AuditStoreConfig } from '../config/types.js';
import { createAuditLog, type AuditLog, type AuditLogOptions } from './audit-log.js';
import type { AuditStore } from './store.js';

export interface OpenAuditLogOptions extends AuditLogOptions {
  /** PostgreSQL only: the schema holding the tables. Default: the connection's search path. */
  schema?: string;
  /** PostgreSQL only: connections in the pool. Default 4. */
  poolSize?: number;
}

/**
 * Opens the audit log, creating its tables (and for SQLite its file, mode 0600, and folder) if missing. The
 * chain continues from the stored head. Each backend is loaded only when used.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when the store is neither `{ sqlite }` nor `{ postgres }`.
 * @example
 * const audit = await openAuditLog({ sqlite: '.mcpkit/audit.db' });
 * void audit.append({ method: 'tools/call', target: 'fs__read_file', outcome: 'ok', durationMs: 3 });
 * await audit.close();
 */
export async function openAuditLog(store: AuditStoreConfig, options: OpenAuditLogOptions = {}): Promise<AuditLog> {
  const { schema, poolSize, ...logOptions } = options;
  let backend: AuditStore;
  if ('sqlite' in store && typeof store.sqlite === 'string' && store.sqlite !== '') {
    const { openSqliteStore } = await import('./sqlite-store.js');
    backend = openSqliteStore(store.sqlite);
  } else if ('postgres' in store && typeof store.postgres === 'string' && store.postgres !== '') {
    const { openPostgresStore } = await import('./postgres-store.js');
    backend = await openPostgresStore(store.postgres, { schema, poolSize });
  } else {
    throw new InvalidArgumentError(`audit store must be { sqlite: PATH } or { postgres: URL }, got ${JSON.stringify(store)}`);
  }
  return createAuditLog(backend, logOptions);
}
