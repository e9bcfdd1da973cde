/**
 * Official SDK v2 (`@modelcontextprotocol/server` + `@modelcontextprotocol/node`) bench server, wired the way
 * its docs show. stdio: `serveStdio(factory)`. HTTP, one endpoint for both eras: `createMcpHandler(factory,
 * { legacy: 'reject' })` serves 2026-07-28, and `isLegacyRequest` routes 2025-era traffic to a sessionful
 * WebStandardStreamableHTTPServerTransport (one McpServer per session) — the composition the
 * `isLegacyRequest` docs give for keeping session-era serving next to the modern entry (the entry's own
 * legacy fallback is stateless only). The body is parsed once and handed on as `parsedBody`, the documented
 * fast path. `toNodeHandler` mounts it on node:http. v2 has no session idle TTL (`--idle-ttl-ms` is ignored).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  McpServer,
  WebStandardStreamableHTTPServerTransport,
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { ECHO, ECHO_BIG, fillerTools, parseServerArgs } from './common.mjs';

const { mode, port, tools } = parseServerArgs();
const fillers = fillerTools(tools);
const textInput = z.object({ text: z.string() });
const bigInput = z.object({ text: z.string(), times: z.number().int().min(1).max(100) });

function build() {
  const server = new McpServer({ name: 'official-v2-bench', version: '0.1.0' });
  const echo = async ({ text }) => ({ content: [{ type: 'text', text }] });
  server.registerTool(ECHO.name, { description: ECHO.description, inputSchema: textInput }, echo);
  server.registerTool(ECHO_BIG.name, { description: ECHO_BIG.description, inputSchema: bigInput }, async ({ text, times }) => ({
    content: [{ type: 'text', text: text.repeat(times) }],
  }));
  for (const t of fillers) server.registerTool(t.name, { description: t.description, inputSchema: textInput }, echo);
  return server;
}

if (mode === 'stdio') {
  serveStdio(() => build());
} else {
  const modern = createMcpHandler(() => build(), {
    legacy: 'reject',
    onerror: (error) => console.error('official-v2 bench server (modern):', error),
  });
  const sessions = new Map();
  const jsonError = (status, message) =>
    Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status });

  const legacy = async (request, parsedBody) => {
    const sid = request.headers.get('mcp-session-id');
    const known = sid === null ? undefined : sessions.get(sid);
    if (known) return known.handleRequest(request, { parsedBody });
    if (sid === null && request.method === 'POST' && isInitializeRequest(parsedBody)) {
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await build().connect(transport);
      return transport.handleRequest(request, { parsedBody });
    }
    return sid === null ? jsonError(400, 'Bad Request: no session') : jsonError(404, 'Session not found');
  };

  const app = {
    async fetch(request) {
      const parsedBody = request.method === 'POST' ? await request.json().catch(() => undefined) : undefined;
      if (await isLegacyRequest(request, parsedBody)) return legacy(request, parsedBody);
      return modern.fetch(request, { parsedBody });
    },
  };
  const httpServer = createServer(toNodeHandler(app, { onerror: (e) => console.error('official-v2 bench server:', e) }));
  httpServer.keepAliveTimeout = 65_000;
  httpServer.listen(port, '127.0.0.1', () => console.error(`official v2 bench server on http://127.0.0.1:${port}/mcp`));
  process.on('SIGTERM', () => process.exit(0));
}
