#!/usr/bin/env node
// An MCP server over the deprecated HTTP+SSE transport (2024-11-05) at http://127.0.0.1:PORT/sse, printing
// "listening on URL"; one tool, `echo`.
import { McpServer } from '@mcpkit/server';
import { serveHttp } from '@mcpkit/server/node';

const server = new McpServer({ name: 'legacy-sse', version: '1.0.0' });
server.tool('echo', { description: 'Echoes the text back', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => ({
  content: [{ type: 'text', text }],
}));
const handle = await serveHttp(server, { port: 0, host: '127.0.0.1', path: '/mcp', legacySsePath: '/sse' });
console.log(`listening on ${new URL('/sse', handle.url).href}`);
process.on('SIGTERM', () => void handle.close().then(() => process.exit(0)));
