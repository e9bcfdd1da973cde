/**
 * What a backend (SQLite, PostgreSQL) does for the audit log. Internal: `AuditLog` is the public face.
 * @module
 */
import type { AuditHead } from './chain.js';
import type { AuditQuery } from './query.js';
import type { AuditRow, RowBody } from './row.js';

export interface AuditStore {
  /**
   * Chains the bodies after the stored head and commits them with the new head in one transaction, holding the
   * store's write lock throughout, so several writers (processes) still build one linear chain. Resolves once
   * the transaction is durable.
   */
  appendBatch(bodies: readonly RowBody[]): Promise<AuditHead>;
  /** The head record kept beside the rows (null if it is missing). */
  readHead(): Promise<AuditHead | null>;
  /** Up to `limit` rows with seq greater than `afterSeq`, in seq order. */
  readPage(afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** Rows matching the filter (checked with `buildFilter`), in seq order. */
  query(filter: AuditQuery): Promise<AuditRow[]>;
  close(): Promise<void>;
}
