#!/usr/bin/env node
/**
 * The trust benchmark's server: a stdio MCP server with N (default 1,000) varied, honest tools, like a large real
 * catalogue: different verbs and nouns, 2 to 8 parameters each with descriptions, enums, defaults, nested objects
 * and arrays, output schemas on some, annotations on most. Usage: `many-tools-server.mjs [--tools N]`.
 * @module
 */
import { McpServer } from '@mcpkit/server';
import { serveStdio } from '@mcpkit/server/node';
import { manyTools } from './many-tools.mjs';

const at = process.argv.indexOf('--tools');
const count = at > 0 ? Number(process.argv[at + 1]) : 1000;
const server = new McpServer({ name: 'bench-many-tools', version: '1.0.0' }, { instructions: 'A large catalogue of business tools for the trust benchmark.' });
const reply = { content: [{ type: 'text', text: 'ok' }] };
for (const tool of manyTools(count)) {
  const { name, ...definition } = tool;
  server.tool(name, definition, () => reply);
}
await serveStdio(server);
