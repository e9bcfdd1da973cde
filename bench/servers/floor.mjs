/**
 * The floor: the least a Node MCP server can do. It parses a JSON line (stdio) or an HTTP body, dispatches
 * `initialize`, `tools/list` and `tools/call` (echo, echo_big) with no validation beyond what a dispatch
 * needs, and stringifies the answer. HTTP (node:http) answers the session wire (initialize → Mcp-Session-Id,
 * checked on later requests, idle TTL via `--idle-ttl-ms`) and the 2026-07-28 wire (per-request `_meta`,
 * MCP-Protocol-Version and Mcp-Method checked against the body) on one endpoint, always as plain JSON.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { BIG_SCHEMA, ECHO, ECHO_BIG, TEXT_SCHEMA, fillerTools, parseServerArgs } from './common.mjs';

const { mode, port, tools, idleTtlMs } = parseServerArgs();
const toolList = [
  { name: ECHO.name, description: ECHO.description, inputSchema: TEXT_SCHEMA },
  { name: ECHO_BIG.name, description: ECHO_BIG.description, inputSchema: BIG_SCHEMA },
  ...fillerTools(tools).map((t) => ({ name: t.name, description: t.description, inputSchema: TEXT_SCHEMA })),
];
const SESSION_VERSIONS = new Set(['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);
const META_VERSION = 'io.modelcontextprotocol/protocolVersion';

/** The response line for one request message (undefined for a notification). */
function answer(msg) {
  if (msg.id === undefined) return undefined;
  const params = msg.params ?? {};
  let result;
  switch (msg.method) {
    case 'initialize': {
      const asked = params.protocolVersion;
      result = {
        protocolVersion: SESSION_VERSIONS.has(asked) ? asked : '2025-11-25',
        capabilities: { tools: {} },
        serverInfo: { name: 'floor', version: '0.1.0' },
      };
      break;
    }
    case 'tools/list':
      result = { tools: toolList };
      break;
    case 'tools/call': {
      const args = params.arguments ?? {};
      if (params.name === ECHO.name || params.name?.startsWith('tool_')) result = { content: [{ type: 'text', text: args.text }] };
      else if (params.name === ECHO_BIG.name) result = { content: [{ type: 'text', text: args.text.repeat(args.times) }] };
      else return JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32602, message: 'Unknown tool' } });
      break;
    }
    case 'ping':
      result = {};
      break;
    default:
      return JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } });
  }
  return JSON.stringify({ jsonrpc: '2.0', id: msg.id, result });
}

if (mode === 'stdio') {
  // O(n) framing: a partial line waits as a list of pieces, joined once its newline arrives.
  let pending = [];
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    const out = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      let line = chunk.slice(start, nl);
      if (pending.length > 0) {
        pending.push(line);
        line = pending.join('');
        pending = [];
      }
      start = nl + 1;
      if (line.trim() === '') continue;
      const reply = answer(JSON.parse(line));
      if (reply !== undefined) out.push(reply);
    }
    if (start < chunk.length) pending.push(chunk.slice(start));
    if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
  });
  process.stdin.on('end', () => process.exit(0));
} else {
  const sessions = new Map(); // id → last seen (ms)
  if (idleTtlMs !== undefined) {
    setInterval(() => {
      const cutoff = Date.now() - idleTtlMs;
      for (const [id, seen] of sessions) if (seen < cutoff) sessions.delete(id);
    }, Math.max(250, Math.min(idleTtlMs / 2, 60_000))).unref();
  }
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  const error = (code, message) => JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
  const httpServer = createServer((req, res) => {
    if (req.method !== 'POST') return send(res, 405, error(-32000, 'Method not allowed'));
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let msg;
      try {
        msg = JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, error(-32700, 'Parse error'));
      }
      const stateless = msg.params?._meta?.[META_VERSION];
      if (stateless !== undefined) {
        // spec 2026-07-28 basic/transports: headers must agree with the body.
        if (req.headers['mcp-protocol-version'] !== stateless || req.headers['mcp-method'] !== msg.method) {
          return send(res, 400, error(-32020, 'Header mismatch'));
        }
      } else if (msg.method === 'initialize') {
        const id = randomUUID();
        sessions.set(id, Date.now());
        return send(res, 200, answer(msg), { 'mcp-session-id': id });
      } else {
        const sid = req.headers['mcp-session-id'];
        if (sid === undefined) return send(res, 400, error(-32000, 'Bad Request: no session'));
        if (!sessions.has(sid)) return send(res, 404, error(-32001, 'Session not found'));
        sessions.set(sid, Date.now());
      }
      const reply = answer(msg);
      if (reply === undefined) {
        res.writeHead(202);
        return res.end();
      }
      send(res, 200, reply);
    });
  });
  httpServer.keepAliveTimeout = 65_000;
  httpServer.listen(port, '127.0.0.1', () => console.error(`floor bench server on http://127.0.0.1:${port}/mcp`));
  process.on('SIGTERM', () => process.exit(0));
}
