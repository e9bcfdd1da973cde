/**
 * The database process: runs one operation at a time for the server process, which kills it when an
 * operation outlives its time limit (better-sqlite3 is synchronous and cannot interrupt a statement).
 * @module
 */
import { SqlRefusedError, describeTable, listTables, readSchema, recoverJournal, runExecute, runQuery, sampleTable } from './database.js';
import type { RunnerReply, RunnerRequest } from './runner-protocol.js';
import { Worker } from 'node:worker_threads';

function perform(request: RunnerRequest): unknown {
  const { op } = request;
  switch (op.kind) {
    case 'query':
      return runQuery(request.path, op.sql, op.params, request.caps);
    case 'execute':
      return runExecute(request.path, op.sql, op.params, request.caps);
    case 'listTables':
      return listTables(request.path);
    case 'describeTable':
      return describeTable(request.path, op.name);
    case 'sampleTable':
      return sampleTable(request.path, op.name, request.caps, op.limit);
    case 'readSchema':
      return readSchema(request.path);
    case 'recover':
      return recoverJournal(request.path);
  }
}

/** What the client may read of a failure: refusals and SQLite's own messages; anything else stays here. */
function toReply(id: number, error: unknown): RunnerReply {
  if (error instanceof SqlRefusedError) return { id, ok: false, kind: 'refused', message: error.message };
  const code = (error as { code?: unknown }).code;
  if (error instanceof Error && error.name === 'SqliteError' && typeof code === 'string') {
    return { id, ok: false, kind: 'sqlite', message: `SQLite refused the statement (${code}): ${error.message}` };
  }
  // better-sqlite3 reports bad bind values and parameter counts as TypeError/RangeError: the client's to fix.
  if (error instanceof TypeError || error instanceof RangeError) return { id, ok: false, kind: 'refused', message: error.message };
  console.error('mcpkit-sqlite database process: unexpected failure', error);
  return { id, ok: false, kind: 'internal', message: 'Internal error in the database process' };
}

/** Sends to the server process; if it is gone there is no one left to answer, so this process ends. */
function send(message: unknown): void {
  process.send?.(message, undefined, undefined, (error: Error | null) => {
    if (error) process.exit(0);
  });
}

process.on('message', (message: RunnerRequest) => {
  let reply: RunnerReply;
  try {
    reply = { id: message.id, ok: true, value: perform(message) };
  } catch (error) {
    reply = toReply(message.id, error);
  }
  send(reply);
});
// The server process went away (or closed us): nothing is left to serve.
process.on('disconnect', () => process.exit(0));

// The server passes its pid: comparing with process.ppid at start-up would miss a server that died while this
// process was starting (it would already be re-parented, and a statement sent before the death would run
// unwatched, for ever).
const serverPid = Number(process.argv[2]) || process.ppid;
if (process.ppid !== serverPid) process.exit(0);

// 'disconnect' never fires while a statement holds this thread, so a server that dies mid-statement would
// leave this process running, maybe for ever. A watchdog thread notices the re-parenting and ends it.
const WATCHDOG = `
  const { workerData } = require('node:worker_threads');
  setInterval(() => {
    if (process.ppid !== workerData.serverPid) process.kill(process.pid, 'SIGKILL');
  }, 250);
`;
new Worker(WATCHDOG, { eval: true, workerData: { serverPid } }).unref();
send({ ready: true });
