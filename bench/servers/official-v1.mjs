/**
 * Official SDK v1 (`@modelcontextprotocol/sdk`) bench server, written the way its README shows: McpServer with
 * zod input shapes; stdio via StdioServerTransport; HTTP via StreamableHTTPServerTransport in session mode
 * (one McpServer and transport per session, keyed by Mcp-Session-Id) over plain node:http.
 * v1 serves only the session era, and has no session idle TTL (`--idle-ttl-ms` is ignored).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ECHO, ECHO_BIG, fillerTools, parseServerArgs } from './common.mjs';

const { mode, port, tools } = parseServerArgs();
const fillers = fillerTools(tools);

function build() {
  const server = new McpServer({ name: 'official-v1-bench', version: '0.1.0' });
  const echo = async ({ text }) => ({ content: [{ type: 'text', text }] });
  server.registerTool(ECHO.name, { description: ECHO.description, inputSchema: { text: z.string() } }, echo);
  server.registerTool(
    ECHO_BIG.name,
    { description: ECHO_BIG.description, inputSchema: { text: z.string(), times: z.number().int().min(1).max(100) } },
    async ({ text, times }) => ({ content: [{ type: 'text', text: text.repeat(times) }] }),
  );
  for (const t of fillers) server.registerTool(t.name, { description: t.description, inputSchema: { text: z.string() } }, echo);
  return server;
}

if (mode === 'stdio') {
  await build().connect(new StdioServerTransport());
} else {
  const transports = new Map();
  const readJson = async (req) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? undefined : JSON.parse(text);
  };
  const fail = (res, status, message) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  };
  const httpServer = createServer(async (req, res) => {
    try {
      if (!req.url?.startsWith('/mcp')) return fail(res, 404, 'Not found');
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      const known = typeof sid === 'string' ? transports.get(sid) : undefined;
      if (known) return await known.handleRequest(req, res, body);
      if (sid === undefined && req.method === 'POST' && isInitializeRequest(body)) {
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void transports.set(id, transport),
        });
        transport.onclose = () => {
          if (transport.sessionId) transports.delete(transport.sessionId);
        };
        await build().connect(transport);
        return await transport.handleRequest(req, res, body);
      }
      return fail(res, sid === undefined ? 400 : 404, sid === undefined ? 'Bad Request: no session' : 'Session not found');
    } catch (error) {
      console.error('official-v1 bench server:', error);
      if (!res.headersSent) fail(res, 500, 'Internal error');
    }
  });
  httpServer.keepAliveTimeout = 65_000;
  httpServer.listen(port, '127.0.0.1', () => console.error(`official v1 bench server on http://127.0.0.1:${port}/mcp`));
  process.on('SIGTERM', () => process.exit(0));
}
