/**
 * Routes (virtual servers), probes and metrics of the real gateway process (issue 8: "Routes (virtual servers):
 * extra paths exposing a subset of servers and tools"; "Prometheus /metrics: requests by method, upstream,
 * outcome"; `/healthz` and `/readyz`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, startGatewayProcess } from './harness.js';
import { HOSTILE, auditQuery, connectClient, metricValue, rejectionOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-routes-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let admin: string;
let reader: string;
let base: string;

beforeAll(async () => {
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
  other:
    command: ${process.execPath}
    args: [${HOSTILE}]
routes:
  - path: /mcp/weather
    servers: [weather]
  - path: /mcp/current
    servers: [weather]
    tools: [weather__get_weather]
scopes:
  all: ["*"]
  reader: [weather__get_weather]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
  admin = await createKey(config, 'all', 'admin');
  reader = await createKey(config, 'reader', 'reader');
  gateway = await startGatewayProcess(config);
  base = new URL(gateway.url).origin;
  await eventually(async () => {
    const all = await names(gateway.url, admin);
    return all.includes('other__ok') && all.includes('weather__get_weather');
  }, 'both upstreams listed', 30_000);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function names(url: string, key: string, revision = '2026-07-28'): Promise<string[]> {
  const client = await connectClient(url, key, revision);
  try {
    return (await client.listTools()).map((t) => t.name).sort();
  } finally {
    await client.close();
  }
}

describe.each(['2025-11-25', '2026-07-28'])('routes, %s', (revision) => {
  it('/mcp serves every server; /mcp/weather only weather; /mcp/current only the one tool', async () => {
    const all = await names(gateway.url, admin, revision);
    expect(all).toContain('other__ok');
    expect(all).toContain('weather__get_forecast');
    expect(await names(`${base}/mcp/weather`, admin, revision)).toEqual(['weather__get_forecast', 'weather__get_weather']);
    expect(await names(`${base}/mcp/current`, admin, revision)).toEqual(['weather__get_weather']);
  });

  it('a route refuses to call what it does not serve, and the main endpoint still does', async () => {
    const route = await connectClient(`${base}/mcp/weather`, admin, revision);
    const current = await connectClient(`${base}/mcp/current`, admin, revision);
    const main = await connectClient(gateway.url, admin, revision);
    try {
      const outside = await rejectionOf(route.callTool('other__ok', {}));
      expect(outside).toBeInstanceOf(ProtocolError);
      expect(outside.message).toMatch(/other__ok/);
      expect(await rejectionOf(current.callTool('weather__get_forecast', { city: 'Paris', days: 1 }))).toBeInstanceOf(ProtocolError);
      const ok = await route.callTool('weather__get_weather', { city: 'Paris' });
      expect(JSON.stringify(ok.content)).toContain('Paris');
      expect(await main.callTool('other__ok', {})).toMatchObject({ content: [{ type: 'text' }] });
    } finally {
      await Promise.all([route.close(), current.close(), main.close()]);
    }
  });

  it('a route applies the same keys and scopes: no key is 401, a reader sees only its scope', async () => {
    const res = await fetch(`${base}/mcp/weather`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(401);
    expect(await names(`${base}/mcp/weather`, reader, revision)).toEqual(['weather__get_weather']);
    const client = await connectClient(`${base}/mcp/weather`, reader, revision);
    try {
      const error = await rejectionOf(client.callTool('weather__get_forecast', { city: 'Paris', days: 1 }));
      expect(error.message).toMatch(/Forbidden/);
    } finally {
      await client.close();
    }
  });
});

describe('probes and metrics', () => {
  it('/healthz and /readyz answer 200 with JSON, without a key', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('/metrics counts requests by method, upstream and outcome, and refusals by reason', async () => {
    const okBefore = await metricValue(gateway.url, 'mcpkit_gateway_requests_total', { method: 'tools/call', upstream: 'weather', outcome: 'ok' });
    const refusedBefore = await metricValue(gateway.url, 'mcpkit_gateway_requests_total', { method: 'tools/call', outcome: 'refused' });
    const scopeBefore = await metricValue(gateway.url, 'mcpkit_gateway_refusals_total', { reason: 'scope' });
    const client = await connectClient(`${base}/mcp/weather`, reader);
    try {
      await client.callTool('weather__get_weather', { city: 'Paris' });
      await client.callTool('weather__get_weather', { city: 'Oslo' });
      await rejectionOf(client.callTool('weather__get_forecast', { city: 'Paris', days: 1 }));
    } finally {
      await client.close();
    }
    expect(await metricValue(gateway.url, 'mcpkit_gateway_requests_total', { method: 'tools/call', upstream: 'weather', outcome: 'ok' })).toBe(okBefore + 2);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_requests_total', { method: 'tools/call', outcome: 'refused' })).toBe(refusedBefore + 1);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_refusals_total', { reason: 'scope' })).toBe(scopeBefore + 1);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_requests_total', { method: 'tools/list', outcome: 'ok' })).toBeGreaterThan(0);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_up', { upstream: 'weather' })).toBe(1);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^# TYPE mcpkit_gateway_request_duration_seconds histogram$/m);
  });

  it('the audit log names the route each call came through', async () => {
    await eventually(async () => {
      const rows = (await auditQuery(config, ['--method', 'tools/call', '--principal', 'key:reader'])) as Array<{ route?: string; outcome: string }>;
      return rows.some((r) => r.route === '/mcp/weather' && r.outcome === 'ok') && rows.some((r) => r.route === '/mcp/weather' && r.outcome === 'refused');
    }, 'audit records with route /mcp/weather');
  });
});

describe('readiness without a live upstream', () => {
  it('/readyz is 503 while no upstream is up, and /healthz still 200', async () => {
    const lonely = join(dir, 'lonely.yaml');
    writeFileSync(
      lonely,
      `listen: { host: 127.0.0.1, port: 0 }
servers:
  broken:
    command: ${process.execPath}
    args: [-e, "process.exit(1)"]
scopes:
  all: ["*"]
audit:
  sqlite: ./state/lonely-audit.db
store:
  sqlite: ./state/lonely.db
logLevel: error
`,
    );
    const down = await startGatewayProcess(lonely);
    try {
      const origin = new URL(down.url).origin;
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      const ready = await fetch(`${origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not ready' });
    } finally {
      await down.stop();
    }
  }, 30_000);
});
