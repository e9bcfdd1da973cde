/**
 * mcpkit bench server built on `@mcpkit/server` directly: `echo`, `echo_big` and filler tools up to `--tools N`,
 * over stdio or Streamable HTTP (both eras on /mcp), with an optional session idle TTL (`--idle-ttl-ms`).
 * The plain echo workloads use the `scripts/bench-echo-server` contract instead; this script serves the
 * workloads that fixture has no knob for (1,000 tools, big payloads, short session TTL).
 * @module
 */
import { McpServer } from '@mcpkit/server';
import { serveHttp, serveStdio } from '@mcpkit/server/node';
import { BIG_SCHEMA, ECHO, ECHO_BIG, TEXT_SCHEMA, fillerTools, parseServerArgs } from './common.mjs';

const { mode, port, tools, idleTtlMs } = parseServerArgs();
const server = new McpServer({ name: 'mcpkit-bench', version: '0.1.0' });
const echo = (args) => ({ content: [{ type: 'text', text: args.text }] });
server.tool(ECHO.name, { description: ECHO.description, inputSchema: TEXT_SCHEMA }, echo);
server.tool(ECHO_BIG.name, { description: ECHO_BIG.description, inputSchema: BIG_SCHEMA }, (args) => ({
  content: [{ type: 'text', text: args.text.repeat(args.times) }],
}));
for (const t of fillerTools(tools)) server.tool(t.name, { description: t.description, inputSchema: TEXT_SCHEMA }, echo);

if (mode === 'stdio') {
  await serveStdio(server);
} else {
  const options = { port };
  if (idleTtlMs !== undefined) options.sessionIdleTtlMs = idleTtlMs;
  const handle = await serveHttp(server, options);
  console.error(`mcpkit bench server listening on ${handle.url}`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
