#!/usr/bin/env node
/**
 * mcpkit-github: GitHub issues over stdio, or Streamable HTTP with `--http PORT` (127.0.0.1). Token from GITHUB_TOKEN.
 * @module
 */
import { serveHttpOrExit, serveStdio } from '@mcpkit/server/node';
import { USAGE, UsageError, parseArgs } from './args.js';
import { createGitHubServer } from './server.js';

let command;
try {
  command = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`mcpkit-github: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (command === 'help') {
  // --help is asked for on a terminal, not by an MCP client, so stdout is the place for it.
  console.log(USAGE);
  process.exit(0);
}
const token = process.env.GITHUB_TOKEN?.trim() || undefined;
const server = createGitHubServer({ apiUrl: command.apiUrl, token, timeoutMs: command.timeoutMs });
// One line for the operator, on stderr; it says whether a token is set, never anything about it.
console.error(`mcpkit-github: GitHub API ${command.apiUrl}, ${token ? 'token from GITHUB_TOKEN' : 'no GITHUB_TOKEN: anonymous reads, writes refused'}`);
if (command.httpPort !== undefined) {
  const handle = await serveHttpOrExit('mcpkit-github', server, { port: command.httpPort, host: '127.0.0.1' }, '--http PORT');
  console.log(`mcpkit-github: MCP server listening on ${handle.url}`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  await serveStdio(server);
}
