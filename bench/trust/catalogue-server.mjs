#!/usr/bin/env node
/**
 * The trust benchmark's lean server: the same N tools as many-tools-server.mjs, answered as plain JSON-RPC over
 * stdio with no SDK (session-era `initialize`, `tools/list` in one page, `ping`), so that starting it costs almost
 * nothing and a timing of `mcpkit scan` end to end is mcpkit's own. Usage: `catalogue-server.mjs [--tools N]`.
 * @module
 */
import { createInterface } from 'node:readline';
import { manyTools } from './many-tools.mjs';

const at = process.argv.indexOf('--tools');
const tools = manyTools(at > 0 ? Number(process.argv[at + 1]) : 1000);
const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

const handlers = {
  initialize: (params) => ({
    protocolVersion: typeof params?.protocolVersion === 'string' ? params.protocolVersion : '2025-11-25',
    capabilities: { tools: {} },
    serverInfo: { name: 'bench-catalogue', version: '1.0.0' },
    instructions: 'A large catalogue of business tools for the trust benchmark.',
  }),
  'tools/list': () => ({ tools }),
  ping: () => ({}),
};

createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.id === undefined) return; // a notification
  const handler = handlers[message.method];
  // Anything else (server/discover included): "method not found", so the client falls back to initialize.
  if (!handler) return send({ id: message.id, error: { code: -32601, message: `Method not found: ${message.method}` } });
  send({ id: message.id, result: handler(message.params) });
});
