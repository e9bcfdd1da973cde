#!/usr/bin/env node
/**
 * mcpkit-sqlite: serves one SQLite database over stdio, or Streamable HTTP with `--http PORT` (127.0.0.1).
 * @module
 */
import { serveStdio, serveHttpOrExit } from '@mcpkit/server/node';
import { USAGE, UsageError, parseArgs } from './args.js';
import { SqlRefusedError, checkDatabase } from './database.js';
import { createSqliteServer } from './server.js';

function fail(message: string): never {
  console.error(`mcpkit-sqlite: ${message}\n${USAGE}`);
  process.exit(2);
}

let command;
try {
  command = parseArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) fail(error.message);
  throw error;
}
if (command === undefined) {
  // --help is asked for on a terminal, not by an MCP client, so stdout is the place for it.
  console.log(USAGE);
  process.exit(0);
}
try {
  checkDatabase(command.path);
} catch (error) {
  // A missing or non-SQLite file is a wrong argument: say so before any client connects.
  if (error instanceof SqlRefusedError || (error instanceof Error && error.name === 'SqliteError')) fail(`${command.path}: ${error.message}`);
  throw error;
}
const { server, close } = createSqliteServer({
  path: command.path,
  write: command.write,
  maxRows: command.maxRows,
  maxBytes: command.maxBytes,
  timeoutMs: command.timeoutMs,
});
if (command.httpPort !== undefined) {
  const handle = await serveHttpOrExit('mcpkit-sqlite', server, { port: command.httpPort, host: '127.0.0.1' }, '--http PORT');
  console.log(`mcpkit-sqlite: MCP server listening on ${handle.url}`);
  const stop = () => void Promise.all([handle.close(), close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  await serveStdio(server);
}
