#!/usr/bin/env node
/**
 * mcpkit-weather: demo weather over stdio, or Streamable HTTP with `--http PORT` (127.0.0.1).
 * @module
 */
import { serveStdio, serveHttpOrExit } from '@mcpkit/server/node';
import { USAGE, UsageError, parseArgs } from './args.js';
import { createWeatherServer } from './server.js';

let command;
try {
  command = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`mcpkit-weather: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (command === 'help') {
  // --help is asked for on a terminal, not by an MCP client, so stdout is the place for it.
  console.log(USAGE);
  process.exit(0);
}
const server = createWeatherServer();
if (command.httpPort !== undefined) {
  const handle = await serveHttpOrExit('mcpkit-weather', server, { port: command.httpPort, host: '127.0.0.1' }, '--http PORT');
  console.log(`mcpkit-weather: MCP server listening on ${handle.url}`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  await serveStdio(server);
}
