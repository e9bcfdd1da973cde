/**
 * The hash chain. Each record's `hash` is the lower-case hex SHA-256 of the UTF-8 bytes of
 *
 *     prevHash ‖ JCS(body)
 *
 * where `prevHash` is the previous record's `hash` (64 zeros before seq 1) and `body` is the JSON object of the
 * record's fields including `seq` but not `prevHash` or `hash`: `arguments`, `bytesIn`, `bytesOut`,
 * `durationMs`, `errorCode`, `keyId`, `method`, `outcome`, `principal`, `seq`, `target`, `time`, `upstream`
 * always (null when unset), and `reason`, `requestId`, `route`, `sessionId` only when set. JCS is RFC 8785.
 * Everything needed is in the stored row, so any one row can be checked on its own and against its predecessor.
 *
 * A chain shows edits, deletions and reordering, but not the loss of records from its end: a shortened chain is
 * still a valid chain. Anchor the head (`AuditLog.head()`) somewhere else and pass it to `verify({ expectHead })`
 * to catch that (the log's own head record catches it too, unless it was edited along with the rows). Whoever can
 * write the database can also recompute every hash after an edit; only an anchored head shows that.
 * @module
 */
import { hash } from 'node:crypto';
import { copyObject } from '@mcpkit/protocol';
import { canonicalNumber } from '@mcpkit/trust';
import type { AuditRow, RowBody } from './row.js';

/** The hash a chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** The last record of a chain: `{ seq: 0, hash: GENESIS_HASH }` when empty. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: AuditHead = Object.freeze({ seq: 0, hash: GENESIS_HASH });

/**
 * The JCS text of a row's body. Written out by hand in JCS member order (the test checks it against
 * `canonicalize`), splicing the stored JCS text of the JSON-valued fields, so a row is hashed without parsing.
 */
export function canonicalBody(row: RowBody, seq: number): string {
  let out =
    `{"arguments":${row.arguments ?? 'null'},"bytesIn":${canonicalNumber(row.bytesIn)},"bytesOut":${canonicalNumber(row.bytesOut)}` +
    `,"durationMs":${canonicalNumber(row.durationMs)},"errorCode":${row.errorCode ?? 'null'},"keyId":${str(row.keyId)}` +
    `,"method":${str(row.method)},"outcome":${str(row.outcome)},"principal":${str(row.principal)}`;
  if (row.reason !== null) out += `,"reason":${str(row.reason)}`;
  if (row.requestId !== null) out += `,"requestId":${row.requestId}`;
  if (row.route !== null) out += `,"route":${str(row.route)}`;
  out += `,"seq":${canonicalNumber(seq)}`;
  if (row.sessionId !== null) out += `,"sessionId":${str(row.sessionId)}`;
  return `${out},"target":${str(row.target)},"time":${str(row.time)},"upstream":${str(row.upstream)}}`;
}

/** The hash of a record with this body and seq, following `prevHash`. */
export function recordHash(prevHash: string, body: RowBody, seq: number): string {
  // One-shot: a createHash object with two updates cost several times as much per record.
  return hash('sha256', prevHash + canonicalBody(body, seq), 'hex');
}

/** Gives each body the next seq after `head` and links it into the chain. */
export function chainRows(head: AuditHead, bodies: readonly RowBody[]): AuditRow[] {
  const rows: AuditRow[] = new Array(bodies.length);
  let { seq, hash } = head;
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i] as RowBody;
    seq += 1;
    const prevHash = hash;
    hash = recordHash(prevHash, body, seq);
    // copyObject, then stores: adding keys to a spread copy is V8 11's slow path (Node 20).
    const row = copyObject(body) as AuditRow;
    row.seq = seq;
    row.prevHash = prevHash;
    row.hash = hash;
    rows[i] = row;
  }
  return rows;
}

function str(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}
