#!/usr/bin/env node
/**
 * mcpkit-filesystem: the filesystem server over stdio, or Streamable HTTP on 127.0.0.1 with `--http PORT`.
 * @module
 */
import { serveStdio, serveHttpOrExit } from '@mcpkit/server/node';
import { FsToolError } from './access/errors.js';
import { USAGE, parseArguments } from './args.js';
import { createFilesystemServer } from './server.js';

const invocation = parseArguments(process.argv.slice(2));
if (invocation.kind === 'help') {
  // Help is asked for, so it goes to stdout; no MCP stream has started.
  console.log(USAGE);
  process.exit(0);
}
if (invocation.kind === 'usage-error') {
  console.error(`mcpkit-filesystem: ${invocation.message}\n\n${USAGE}`);
  process.exit(2);
}

let built;
try {
  built = await createFilesystemServer({ directories: invocation.directories });
} catch (error) {
  // A missing or unusable directory is a bad argument (status 2, like the other reference servers): say
  // which, and exit before serving anything.
  console.error(`mcpkit-filesystem: ${FsToolError.is(error) ? error.message : String(error)}`);
  process.exit(2);
}
const { server, directories } = built;
const scope = directories.length ? `allowed directories: ${directories.map((d) => d.path).join(', ')}` : "no directories given; using the client's roots";

if (invocation.httpPort !== undefined) {
  // Loopback only: this server has no authentication, and the files are the user's.
  const handle = await serveHttpOrExit('mcpkit-filesystem', server, { port: invocation.httpPort, host: '127.0.0.1' }, '--http PORT');
  console.log(`mcpkit-filesystem: MCP server listening on ${handle.url}`);
  console.error(`mcpkit-filesystem: ${scope}`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  // stdout carries only MCP from here on; everything for people goes to stderr.
  await serveStdio(server);
  console.error(`mcpkit-filesystem: serving over stdio; ${scope}`);
}
