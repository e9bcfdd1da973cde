/**
 * The SQLite audit writer thread (a `worker_threads` Worker started by `sqlite-store.ts`). It owns the only
 * writing connection, so each commit's fsync (`synchronous = FULL`) blocks this thread, never the gateway's
 * event loop. Messages: `{ bodies }` → `{ head }` once the transaction is durable, or `{ error }`; `{ close: true }`
 * closes the connection and ends the thread.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AuditHead } from './chain.js';
import type { RowBody } from './row.js';
import { prepareAppend } from './sqlite-append.js';

export type WriterRequest = { bodies: readonly RowBody[] } | { close: true };
export type WriterReply = { head: AuditHead } | { error: { name: string; message: string } };

const port = parentPort;
if (!port) throw new Error('sqlite-writer.js runs only as a worker thread');
const { file } = workerData as { file: string };

const db = new Database(file);
db.pragma('synchronous = FULL'); // per connection: a commit returns only after the WAL is synced
db.pragma('busy_timeout = 10000'); // another process holding the write lock is waited for, not failed
const append = prepareAppend(db);

port.on('message', (message: WriterRequest) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { head: append(message.bodies) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { error: { name: e.name, message: e.message } };
  }
  port.postMessage(reply);
});
