/**
 * The SQLite append transaction, shared by the writer thread (`sqlite-writer.ts`) and nothing else: it chains
 * the bodies after the stored head and commits rows and head together.
 * @module
 */
import type Database from 'better-sqlite3';
import { recordHash, type AuditHead } from './chain.js';
import { COLUMNS, type AuditRow, type RowBody } from './row.js';

const FIELDS = COLUMNS.map(([, field]) => field);

/** Prepares the statements once and returns the append; each call is one IMMEDIATE transaction. */
export function prepareAppend(db: Database.Database): (bodies: readonly RowBody[]) => AuditHead {
  const readHead = db.prepare<[], AuditHead>('SELECT seq, hash FROM audit_head WHERE id = 1');
  const insert = db.prepare(`INSERT INTO audit_log (${COLUMNS.map(([c]) => c).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const writeHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');
  const values: unknown[] = new Array(FIELDS.length);
  const append = db.transaction((bodies: readonly RowBody[]): AuditHead => {
    const head = readHead.get();
    if (!head) throw new Error('audit_head row is missing from the audit database; run verify: the database may have been tampered with');
    // chainRows, inlined over one reused parameter array: this loop is the audit log's throughput.
    let { seq, hash } = head;
    for (const body of bodies) {
      seq += 1;
      const prevHash = hash;
      hash = recordHash(prevHash, body, seq);
      for (let i = 0; i < FIELDS.length; i++) {
        const field = FIELDS[i] as keyof AuditRow;
        values[i] = field === 'seq' ? seq : field === 'prevHash' ? prevHash : field === 'hash' ? hash : body[field];
      }
      insert.run(values);
    }
    writeHead.run(seq, hash);
    return { seq, hash };
  });
  // IMMEDIATE takes the write lock before the head is read, so two processes cannot chain from the same head.
  return (bodies) => append.immediate(bodies);
}
