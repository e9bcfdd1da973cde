/**
 * The stored row: the shape both backends write and read, and its conversion to what `query()` returns.
 * @module
 */
import type { AuditOutcome, StoredAuditRecord } from './record.js';

/**
 * One row of the audit table. JSON-valued fields (`arguments`, `errorCode`, `requestId`) are kept as their
 * JCS text, so the row alone is enough to recompute its hash.
 */
export interface AuditRow {
  seq: number;
  time: string;
  principal: string | null;
  keyId: string | null;
  method: string;
  upstream: string | null;
  target: string | null;
  arguments: string | null;
  outcome: string;
  errorCode: string | null;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  requestId: string | null;
  sessionId: string | null;
  route: string | null;
  reason: string | null;
  prevHash: string;
  hash: string;
}

/** A row before it has a place in the chain. */
export type RowBody = Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>;

/** Column names in insert order, and the property each maps to. */
export const COLUMNS: ReadonlyArray<readonly [column: string, field: keyof AuditRow]> = [
  ['seq', 'seq'],
  ['time', 'time'],
  ['principal', 'principal'],
  ['key_id', 'keyId'],
  ['method', 'method'],
  ['upstream', 'upstream'],
  ['target', 'target'],
  ['arguments', 'arguments'],
  ['outcome', 'outcome'],
  ['error_code', 'errorCode'],
  ['duration_ms', 'durationMs'],
  ['bytes_in', 'bytesIn'],
  ['bytes_out', 'bytesOut'],
  ['request_id', 'requestId'],
  ['session_id', 'sessionId'],
  ['route', 'route'],
  ['reason', 'reason'],
  ['prev_hash', 'prevHash'],
  ['hash', 'hash'],
];

/** `seq, time, …, key_id AS "keyId", …`: selects a row under its property names (SQLite and PostgreSQL alike). */
export const SELECT_LIST = COLUMNS.map(([column, field]) => (column === field ? column : `${column} AS "${field}"`)).join(', ');

/** A row's values in `COLUMNS` order. */
export function rowValues(row: AuditRow): unknown[] {
  return COLUMNS.map(([, field]) => row[field]);
}

/** What `query()` hands out: JSON-valued fields parsed, optional fields present only when set. */
export function toStoredRecord(row: AuditRow): StoredAuditRecord {
  const record: StoredAuditRecord = {
    seq: row.seq,
    time: row.time,
    principal: row.principal,
    keyId: row.keyId,
    method: row.method,
    upstream: row.upstream,
    target: row.target,
    arguments: parseJson(row.arguments),
    outcome: row.outcome as AuditOutcome,
    errorCode: parseJson(row.errorCode) as number | string | null,
    durationMs: row.durationMs,
    bytesIn: row.bytesIn,
    bytesOut: row.bytesOut,
    prevHash: row.prevHash,
    hash: row.hash,
  };
  if (row.requestId !== null) record.requestId = parseJson(row.requestId) as string | number;
  if (row.sessionId !== null) record.sessionId = row.sessionId;
  if (row.route !== null) record.route = row.route;
  if (row.reason !== null) record.reason = row.reason;
  return record;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // Only an edited row gets here; query() still shows it, and verify() names it.
    return text;
  }
}
