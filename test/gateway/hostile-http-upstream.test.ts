/**
 * An HTTP upstream that misbehaves at the HTTP level (issue 8, "Done means": garbage, huge or endless output,
 * a hang, death mid-call — over Streamable HTTP too): a real MCP server on 127.0.0.1 whose `tools/call` for some
 * tool names is answered by a hostile responder instead. For each, the caller gets a JSON-RPC error naming the
 * upstream within its `timeout`, the next call to the same upstream works, and the gateway lives on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@mcpkit/client';
import { ProtocolError } from '@mcpkit/protocol';
import { McpServer, createHttpHandler } from '@mcpkit/server';
import { toNodeListener } from '@mcpkit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { auditQuery, connectClient, rejectionOf, waitForTools } from './helpers.js';

const TIMEOUT_MS = 3000;
/** A credential in the upstream's URL (hosted MCP servers often take one so): it must never reach a caller. */
const URL_TOKEN = 'url-token-0123456789abcdef';
const BOUND_MS = TIMEOUT_MS + 7000;
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-http-hostile-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let key: string;
let upstream: Server;
/** Responses the hostile responders left open, ended at teardown. */
const open = new Set<ServerResponse>();

/** The hostile responders, by tool name (the upstream sees it in `Mcp-Name` or in the body). */
const HOSTILE: Record<string, (res: ServerResponse) => void> = {
  not_json: (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"jsonrpc":"2.0","id":');
  },
  html_502: (res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  },
  huge: (res) => {
    // 50 MB of one JSON string, streamed: over the 32 MiB message cap.
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = 'x'.repeat(1024 * 1024);
    res.write('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"');
    let sent = 0;
    const more = () => {
      while (sent < 50 && res.write(chunk)) sent++;
      if (sent >= 50) res.end('"}]}}');
      else res.once('drain', () => (sent++, more()));
    };
    more();
  },
  endless_sse: (res) => {
    // An SSE event that never ends: data lines and no blank line, for ever.
    open.add(res);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = `data: ${'z'.repeat(64 * 1024)}\n`;
    const more = () => {
      if (res.destroyed || res.writableEnded) return;
      if (res.write(chunk)) setImmediate(more);
      else res.once('drain', more);
    };
    more();
  },
  hang: (res) => {
    open.add(res);
  },
  reset: (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"jsonrpc":"2.0",');
    setTimeout(() => res.socket?.destroy(), 20);
  },
};

function hostileUpstream(): Server {
  const server = new McpServer({ name: 'http-hostile', version: '1' });
  server.tool('echo', { description: 'Echoes', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }: { text?: string }) => ({
    content: [{ type: 'text', text: text ?? '' }],
  }));
  for (const name of Object.keys(HOSTILE)) {
    server.tool(name, { description: `Misbehaves: ${name}`, inputSchema: { type: 'object', properties: {} } }, () => ({ content: [{ type: 'text', text: 'unreachable' }] }));
  }
  const listener = toNodeListener(createHttpHandler(server));
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const name = req.headers['mcp-name'];
    const hostile = req.method === 'POST' && req.headers['mcp-method'] === 'tools/call' && typeof name === 'string' ? HOSTILE[name] : undefined;
    if (!hostile) return listener(req, res);
    req.resume();
    hostile(res);
  });
}

beforeAll(async () => {
  process.env.MCPKIT_TEST_URL_TOKEN = URL_TOKEN;
  upstream = hostileUpstream();
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
  web:
    url: http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp?token=\${env:MCPKIT_TEST_URL_TOKEN}
    timeout: ${TIMEOUT_MS}ms
scopes:
  all: ["*"]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
  key = await createKey(config, 'all', 'tester');
  gateway = await startGatewayProcess(config);
  await waitForTools(gateway.url, key, ['web__hang', 'weather__get_weather'], 'both upstreams listed');
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const res of open) res.destroy();
  upstream?.closeAllConnections();
  await new Promise<void>((r) => upstream?.close(() => r()));
  delete process.env.MCPKIT_TEST_URL_TOKEN;
  rmSync(dir, { recursive: true, force: true });
});

async function withClient<T>(revision: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(gateway.url, key, revision);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

describe.each(['2026-07-28', '2025-11-25'])('an HTTP upstream that misbehaves, caller in %s', (revision) => {
  it.each(Object.keys(HOSTILE))('%s: a clear error naming the upstream in time; the upstream and others still answer', async (tool) => {
    await withClient(revision, async (client) => {
      const started = Date.now();
      const failing = rejectionOf(client.callTool(`web__${tool}`, {}));
      const bystander = await withClient(revision, (other) => other.callTool('weather__get_weather', { city: 'Paris' }));
      expect(JSON.stringify(bystander.content)).toContain('Paris');
      const error = await failing;
      expect(Date.now() - started).toBeLessThan(BOUND_MS);
      expect(error, String(error)).toBeInstanceOf(ProtocolError);
      expect(error.message).toMatch(/^Upstream web failed: /);
      expect((error.data as { upstream?: string } | undefined)?.upstream).toBe('web');
      expect(error.message).not.toContain('xxxxxxxx');
      // Neither the URL's credential nor the internal address reaches the caller.
      expect(`${error.message} ${JSON.stringify(error.data)}`).not.toContain(URL_TOKEN);
      expect(error.message).not.toMatch(/127\.0\.0\.1:\d+/);
      const echo = await client.callTool('web__echo', { text: `after ${tool}` });
      expect(echo.content).toEqual([{ type: 'text', text: `after ${tool}` }]);
    });
    expect(gateway.child.exitCode, gateway.output()).toBeNull();
    await eventually(async () => {
      const rows = await auditQuery(config, ['--target', `web__${tool}`, '--outcome', 'error']);
      return rows.length >= (revision === '2026-07-28' ? 1 : 2);
    }, `an error record for web__${tool}`);
  }, 30_000);
});

describe('afterwards', () => {
  it('the gateway is alive and the audit chain verifies', async () => {
    expect((await fetch(new URL('/healthz', gateway.url))).status).toBe(200);
    const verify = await mcpkit(['audit', 'verify', '--config', config]);
    expect(verify.code, verify.stderr).toBe(0);
  });
});
