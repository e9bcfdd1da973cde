/**
 * Tailing the audit log by polling: each round asks for the records after the last one seen.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditQuery } from './query.js';
import type { StoredAuditRecord } from './record.js';

export interface FollowOptions {
  /** Wait between polls when there was nothing new. Default 500 ms. */
  intervalMs?: number;
  /** Records read per poll. Default 500. */
  pageSize?: number;
}

/**
 * Calls `onRecord` for every record after `afterSeq`, in seq order, now and as they are committed, until
 * `signal` aborts. Resolves (it does not reject on abort) with the seq of the last record handed out.
 */
export async function followAuditLog(
  source: { query(filter: AuditQuery): Promise<StoredAuditRecord[]> },
  afterSeq: number,
  onRecord: (record: StoredAuditRecord) => void | Promise<void>,
  signal: AbortSignal,
  options: FollowOptions = {},
): Promise<number> {
  const intervalMs = options.intervalMs ?? 500;
  const limit = options.pageSize ?? 500;
  let cursor = afterSeq;
  while (!signal.aborted) {
    const records = await source.query({ afterSeq: cursor, limit });
    for (const record of records) {
      if (signal.aborted) return cursor;
      await onRecord(record);
      cursor = record.seq;
    }
    if (records.length < limit) {
      await sleep(intervalMs, undefined, { signal }).catch(() => {}); // an abort ends the wait; the loop then stops
    }
  }
  return cursor;
}
