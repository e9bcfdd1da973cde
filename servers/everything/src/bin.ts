#!/usr/bin/env node
/**
 * mcpkit-everything: the demo server over stdio, or Streamable HTTP with `--http PORT` (127.0.0.1).
 * @module
 */
import { serveStdio, serveHttpOrExit } from '@mcpkit/server/node';
import { createEverythingServer } from './index.js';

const args = process.argv.slice(2);
const server = createEverythingServer();
const at = args.indexOf('--http');
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: mcpkit-everything [--http PORT] [--host HOST]\n  stdio by default; --http serves http://HOST:PORT/mcp (both protocol eras)');
  process.exit(0);
}
if (at >= 0) {
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`mcpkit-everything: --http needs a port number, got ${String(args[at + 1])}`);
    process.exit(2);
  }
  const hostAt = args.indexOf('--host');
  const handle = await serveHttpOrExit('mcpkit-everything', server, { port, host: hostAt >= 0 ? (args[hostAt + 1] ?? '127.0.0.1') : '127.0.0.1' }, '--http PORT');
  console.log(`mcpkit-everything: MCP server listening on ${handle.url}`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  await serveStdio(server);
}
