/**
 * Checks a chain one row at a time, in seq order, and names the first bad record. Holds only the previous
 * row's seq and hash, so a table of any size streams through it.
 * @module
 */
import { EMPTY_HEAD, recordHash, type AuditHead } from './chain.js';
import type { AuditRow } from './row.js';

export type TamperReason = 'edited' | 'deleted' | 'reordered' | 'broken-link';

/** The first record that does not check out. */
export interface BadRecord {
  seq: number;
  reason: TamperReason;
  /** What was found, in words, naming seqs and hashes. */
  detail: string;
}

export type VerifyResult =
  | { ok: true; count: number; head: AuditHead }
  | { ok: false; /** records that checked out before the first bad one */ count: number; firstBad: BadRecord };

/** A head the chain must pass through, and what to call it in a message. */
export interface HeadAnchor {
  head: AuditHead;
  name: string;
}

/** How far from its own seq a moved record is looked for (only after a mismatch, so the cost is paid once). */
const MOVED_WINDOW = 1000;

export class ChainVerifier {
  #last: AuditHead = EMPTY_HEAD;
  #count = 0;
  readonly #anchors: HeadAnchor[];

  constructor(anchors: HeadAnchor[] = []) {
    this.#anchors = anchors.filter((a) => a.head.seq > 0);
  }

  /** Checks the next row; returns what is wrong with it, or undefined. */
  check(row: AuditRow): BadRecord | undefined {
    const expected = this.#last.seq + 1;
    if (row.seq > expected) {
      const missing = row.seq - 1 === expected ? `record ${expected} is missing` : `records ${expected}..${row.seq - 1} are missing`;
      return { seq: expected, reason: 'deleted', detail: `${missing}: ${this.#describeLast()} is followed by seq ${row.seq}` };
    }
    if (row.seq < expected) {
      return { seq: row.seq, reason: 'reordered', detail: `seq ${row.seq} comes after ${this.#describeLast()}` };
    }
    if (recordHash(row.prevHash, row, row.seq) !== row.hash) return this.#contentMismatch(row);
    if (row.prevHash !== this.#last.hash) {
      return {
        seq: row.seq,
        reason: 'broken-link',
        detail:
          `record ${row.seq} holds prevHash ${short(row.prevHash)} but ${this.#describeLast()} has hash ${short(this.#last.hash)}: ` +
          `${this.#last.seq === 0 ? 'the first record' : `record ${this.#last.seq}`} was changed and rehashed, or record ${row.seq}'s prevHash was edited`,
      };
    }
    for (const anchor of this.#anchors) {
      if (anchor.head.seq === row.seq && anchor.head.hash !== row.hash) {
        return {
          seq: row.seq,
          reason: 'edited',
          detail: `${anchor.name} says record ${row.seq} has hash ${short(anchor.head.hash)}, but the chain has ${short(row.hash)}: the log was rewritten up to here`,
        };
      }
    }
    this.#last = { seq: row.seq, hash: row.hash };
    this.#count += 1;
    return undefined;
  }

  /** After the last row: records lost from the end show against the anchors. */
  finish(): VerifyResult {
    for (const anchor of this.#anchors) {
      if (anchor.head.seq > this.#last.seq) {
        const from = this.#last.seq + 1;
        const range = from === anchor.head.seq ? `record ${from} was` : `records ${from}..${anchor.head.seq} were`;
        return {
          ok: false,
          count: this.#count,
          firstBad: { seq: from, reason: 'deleted', detail: `the log ends at seq ${this.#last.seq} but ${anchor.name} is seq ${anchor.head.seq}: ${range} removed from the end` },
        };
      }
    }
    return { ok: true, count: this.#count, head: this.#last };
  }

  fail(bad: BadRecord): VerifyResult {
    return { ok: false, count: this.#count, firstBad: bad };
  }

  #contentMismatch(row: AuditRow): BadRecord {
    // A record whose content hashes correctly under another seq was moved there (seqs swapped or renumbered).
    for (let delta = 1; delta <= MOVED_WINDOW; delta++) {
      for (const seq of [row.seq - delta, row.seq + delta]) {
        if (seq > 0 && recordHash(row.prevHash, row, seq) === row.hash) {
          return {
            seq: row.seq,
            reason: 'reordered',
            detail: `the record stored as seq ${row.seq} was written as seq ${seq} (its hash matches only that position): records were swapped or renumbered`,
          };
        }
      }
    }
    return {
      seq: row.seq,
      reason: 'edited',
      detail: `record ${row.seq}'s fields do not match its hash ${short(row.hash)}: a field (or the hash itself) was changed after it was written`,
    };
  }

  #describeLast(): string {
    return this.#last.seq === 0 ? 'the start of the log' : `seq ${this.#last.seq}`;
  }
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 12)}…` : JSON.stringify(hash);
}
