/**
 * Graceful shutdown of the real gateway process (issue 8: "graceful shutdown on SIGTERM that finishes requests
 * in flight within a deadline"; stdio upstreams "reaped on shutdown"; "a crash loses no record that was
 * acknowledged"): SIGTERM while slow calls run in both eras lets them finish, refuses new work, exits, stops
 * the upstream processes, and leaves every call's record in an intact audit log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { HOSTILE, auditQuery, connectClient } from './helpers.js';

const SLOW_MS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-shutdown-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let key: string;

beforeAll(async () => {
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  slowpoke:
    command: ${process.execPath}
    args: [${HOSTILE}]
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
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('SIGTERM while calls are in flight', () => {
  it('finishes the calls (both eras), refuses new work, exits 0, reaps the upstream, and keeps every record', async () => {
    const stateless = await connectClient(gateway.url, key, '2026-07-28');
    const session = await connectClient(gateway.url, key, '2025-11-25');
    let upstreamPid = 0;
    await eventually(async () => {
      try {
        const ok = await stateless.callTool('slowpoke__ok', {});
        upstreamPid = Number(/^ok:(\d+)$/.exec((ok.content[0] as { text: string }).text)?.[1]);
        return upstreamPid > 0;
      } catch {
        return false;
      }
    }, 'the upstream to answer', 30_000);

    const started: string[] = [];
    const call = (client: typeof stateless, era: string): Promise<CallToolResult> =>
      client.callTool('slowpoke__slow', { ms: SLOW_MS }, { onProgress: () => started.push(era) });
    const calls = [call(stateless, 'stateless'), call(session, 'session')];
    await eventually(() => started.includes('stateless') && started.includes('session'), 'both calls to reach the upstream');

    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => gateway.child.once('exit', (code, signal) => resolve([code, signal])));
    gateway.child.kill('SIGTERM');
    await eventually(() => gateway.output().includes('SIGTERM: finishing calls in flight'), 'the shutdown notice');
    // New work is refused while draining (503), or the listener is already closed.
    const late = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': key },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    }).then(
      (res) => res.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    const results = await Promise.all(calls);
    for (const r of results) {
      expect(r.isError).toBeFalsy();
      expect((r.content[0] as { text: string }).text).toBe(`slow done:${upstreamPid}`);
    }
    const [code, signal] = await exited;
    expect({ code, signal }, gateway.output()).toEqual({ code: 0, signal: null });
    await Promise.all([stateless.close(), session.close()]).catch(() => undefined);
    await eventually(() => !alive(upstreamPid), `the upstream process ${upstreamPid} to be gone`, 10_000);

    // The process is gone: read the log as an operator would.
    const rows = await auditQuery(config, ['--target', 'slowpoke__slow']);
    expect(rows.filter((r) => r.outcome === 'ok' && r.principal === 'key:tester')).toHaveLength(2);
    const verify = await mcpkit(['audit', 'verify', '--config', config]);
    expect(verify.code, verify.stderr).toBe(0);
  }, 60_000);
});

describe('SIGTERM while a call runs past the shutdown deadline', () => {
  it('stops waiting after the deadline (10 s), exits, and the cut-off call is still audited', async () => {
    const hung = join(dir, 'hung.yaml');
    writeFileSync(
      hung,
      `listen: { host: 127.0.0.1, port: 0 }
servers:
  stuck:
    command: ${process.execPath}
    args: [${HOSTILE}]
scopes:
  all: ["*"]
audit:
  sqlite: ./state/hung-audit.db
store:
  sqlite: ./state/hung.db
logLevel: warn
`,
    );
    const hungKey = await createKey(hung, 'all', 'tester');
    const g = await startGatewayProcess(hung);
    try {
      const client = await connectClient(g.url, hungKey, '2026-07-28');
      await eventually(async () => (await client.listTools()).some((t) => t.name === 'stuck__slow'), 'the upstream listed', 30_000);
      // Two minutes, cancellation ignored: far past the 10 s deadline. Its progress says it reached the upstream.
      let reached = false;
      const call = client.callTool('stuck__slow', { ms: 120_000 }, { onProgress: () => (reached = true) }).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      await eventually(() => reached, 'the call to reach the upstream');
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => g.child.once('exit', (code, signal) => resolve([code, signal])));
      const sent = Date.now();
      g.child.kill('SIGTERM');
      const [code] = await exited;
      expect(Date.now() - sent).toBeLessThan(30_000);
      expect(code, g.output()).toBe(0);
      expect(await call).not.toBe('answered');
      await client.close().catch(() => undefined);
      const rows = await auditQuery(hung, ['--target', 'stuck__slow']);
      expect(rows, g.output()).toHaveLength(1);
      expect(rows[0]?.outcome).toBe('error');
      const verify = await mcpkit(['audit', 'verify', '--config', hung]);
      expect(verify.code, verify.stderr).toBe(0);
    } finally {
      await g.stop();
    }
  }, 60_000);
});
