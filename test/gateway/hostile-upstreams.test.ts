/**
 * Upstreams that misbehave (issue 8, "Done means": garbage, huge or endless output, a hang, death mid-call):
 * the caller gets a JSON-RPC error naming the upstream within its `timeout`, the upstream comes back, callers of
 * other upstreams are untouched, the gateway process lives on, and every failed call is in an intact audit log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@mcpkit/client';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { HOSTILE, auditQuery, connectClient, metricValue, rejectionOf, waitForTools } from './helpers.js';

const TIMEOUT_MS = 3000;
/** Far below the 60 s default `timeout`: an error inside this came from the configured one (or sooner). */
const BOUND_MS = TIMEOUT_MS + 7000;
const HOSTILE_UPSTREAMS = ['noisy', 'garbage', 'huge', 'flood', 'hang', 'dying'] as const;

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-hostile-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let key: string;

beforeAll(async () => {
  const hostile = HOSTILE_UPSTREAMS.map((name) => `  ${name}:\n    command: ${process.execPath}\n    args: [${HOSTILE}]\n    timeout: ${TIMEOUT_MS}ms\n`).join('');
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
${hostile}scopes:
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
  // Every upstream listed: they all started.
  await waitForTools(gateway.url, key, [...HOSTILE_UPSTREAMS.map((u) => `${u}__ok`), 'weather__get_weather'], 'every upstream listed');
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
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

function textOf(result: { content: unknown }): string {
  return (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('');
}

/** The gateway is alive and serving. */
async function expectGatewayAlive(): Promise<void> {
  expect(gateway.child.exitCode, gateway.output()).toBeNull();
  expect(gateway.child.signalCode).toBeNull();
  expect((await fetch(new URL('/healthz', gateway.url))).status).toBe(200);
}

/**
 * Runs the hostile call while another client calls a healthy upstream, and checks the error: a ProtocolError
 * naming the upstream, well within the bound. Returns it for more checks.
 */
async function hostileCall(revision: string, upstream: string, tool: string, args: Record<string, unknown> = {}): Promise<ProtocolError> {
  return withClient(revision, async (client) => {
    const started = Date.now();
    const failing = rejectionOf(client.callTool(`${upstream}__${tool}`, args));
    // Another caller, another upstream, while the hostile call is in flight.
    const bystander = await withClient(revision, (other) => other.callTool('weather__get_weather', { city: 'Paris' }));
    expect(bystander.isError).toBeFalsy();
    expect(textOf(bystander)).toContain('Paris');
    const error = await failing;
    const elapsed = Date.now() - started;
    expect(error, String(error)).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain(`Upstream ${upstream}`);
    expect(elapsed).toBeLessThan(BOUND_MS);
    return error as ProtocolError;
  });
}

async function expectAudited(upstream: string, tool: string): Promise<void> {
  await eventually(async () => {
    const rows = await auditQuery(config, ['--target', `${upstream}__${tool}`]);
    return rows.some((r) => r.method === 'tools/call' && r.outcome === 'error' && r.upstream === upstream && r.principal === 'key:tester');
  }, `an audit record with outcome error for ${upstream}__${tool}`);
}

async function okPid(revision: string, upstream: string): Promise<string> {
  return withClient(revision, async (client) => {
    const result = await client.callTool(`${upstream}__ok`, {});
    expect(result.isError).toBeFalsy();
    return textOf(result);
  });
}

/** Polls until `upstream__ok` answers (the upstream is back). */
async function eventuallyOk(revision: string, upstream: string): Promise<string> {
  let pid = '';
  await eventually(async () => {
    try {
      pid = await okPid(revision, upstream);
      return true;
    } catch {
      return false;
    }
  }, `${upstream}__ok to answer again`, 20_000);
  return pid;
}

describe('an upstream that misbehaves', () => {
  it('garbage lines on stdout around a proper answer are skipped: the call succeeds and the upstream is not restarted', async () => {
    const before = await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'noisy' });
    const pid = await okPid('2026-07-28', 'noisy');
    await withClient('2025-11-25', async (client) => {
      const result = await client.callTool('noisy__noise', {});
      expect(textOf(result)).toBe(`survived:${pid.slice(3)}`);
    });
    expect(await okPid('2026-07-28', 'noisy')).toBe(pid);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'noisy' })).toBe(before);
    await expectGatewayAlive();
  });

  it('garbage, then a malformed answer to the call itself: a clear error naming the upstream', async () => {
    // The malformed answer is dropped (and reported in the gateway's log), so the call meets its deadline.
    const error = await hostileCall('2026-07-28', 'garbage', 'garbage');
    expect(error.message).toMatch(/timed out after 3000 ms/);
    await eventuallyOk('2025-11-25', 'garbage');
    await expectAudited('garbage', 'garbage');
    await expectGatewayAlive();
  });

  it('a 50 MB answer (over the 32 MiB message cap): a clear error, the upstream restarted', async () => {
    const before = await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'huge' });
    const pidBefore = await okPid('2025-11-25', 'huge');
    const error = await hostileCall('2025-11-25', 'huge', 'huge', { mb: 50 });
    // Usually the oversized line is noticed first; on a slow machine the deadline may win the race.
    expect(error.message).toMatch(/larger than the gateway accepts|timed out after 3000 ms/);
    const pidAfter = await eventuallyOk('2025-11-25', 'huge');
    expect(pidAfter).not.toBe(pidBefore);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'huge' })).toBeGreaterThan(before);
    await expectAudited('huge', 'huge');
    await expectGatewayAlive();
  });

  it('endless output on stdout: a clear error, the upstream restarted (its stream can never be read again)', async () => {
    const before = await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'flood' });
    const pidBefore = await okPid('2026-07-28', 'flood');
    const error = await hostileCall('2026-07-28', 'flood', 'flood');
    expect(error.message).toMatch(/larger than the gateway accepts|timed out after 3000 ms/);
    const pidAfter = await eventuallyOk('2026-07-28', 'flood');
    expect(pidAfter).not.toBe(pidBefore);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'flood' })).toBeGreaterThan(before);
    await expectAudited('flood', 'flood');
    await expectGatewayAlive();
  });

  it('a call that hangs forever: a timeout error naming the upstream; other calls to the same upstream still answer meanwhile', async () => {
    const pid = await okPid('2025-11-25', 'hang');
    await withClient('2025-11-25', async (client) => {
      const failing = rejectionOf(client.callTool('hang__hang', {}));
      // The hung call does not block the upstream for others.
      expect(await okPid('2026-07-28', 'hang')).toBe(pid);
      const error = await failing;
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error.message).toMatch(/Upstream hang .*timed out/);
    });
    await hostileCall('2026-07-28', 'hang', 'hang');
    expect(await eventuallyOk('2026-07-28', 'hang')).toBeTruthy();
    await expectAudited('hang', 'hang');
    await expectGatewayAlive();
  });

  it('an upstream that exits in the middle of a call: a clear error at once, the upstream restarted', async () => {
    const before = await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'dying' });
    const pidBefore = await okPid('2026-07-28', 'dying');
    const error = await hostileCall('2026-07-28', 'dying', 'exit');
    expect(error.message).toMatch(/its process exited with code 3 before tools\/call was answered/);
    expect(error.message).not.toContain(HOSTILE); // the command line and stderr stay in the gateway's log
    const pidAfter = await eventuallyOk('2026-07-28', 'dying');
    expect(pidAfter).not.toBe(pidBefore);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_restarts_total', { upstream: 'dying' })).toBeGreaterThan(before);
    await expectAudited('dying', 'exit');
    // Again, in the session era.
    await hostileCall('2025-11-25', 'dying', 'exit');
    await eventuallyOk('2025-11-25', 'dying');
    await expectGatewayAlive();
  });

  it('after all of it the audit chain verifies, and metrics counted the errors', async () => {
    const verify = await mcpkit(['audit', 'verify', '--config', config]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_requests_total', { method: 'tools/call', outcome: 'error' })).toBeGreaterThanOrEqual(6);
    await expectGatewayAlive();
  });
});
