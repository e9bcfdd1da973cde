/**
 * Issue 9 regression, found on the demo: a lockfile written for one upstream made the gateway check every
 * upstream again, including one connected but not yet listed. Its empty catalogue was pinned, and its real tools
 * then arrived as drift and were quarantined. An upstream is judged only once it has listed. Here the lockfile is
 * edited from outside (as an operator's approval does) while an upstream is connected and still listing. And the
 * gateway's own writes, however late the watcher reports them, no longer count as a change.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, startGatewayProcess } from './harness.js';
import { connectClient } from './helpers.js';

const SLOW = join(ROOT, 'test', 'gateway', 'fixtures', 'slow-list-server.mjs');

describe('pinning on first use with an upstream that lists late', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-first-list-'));
  const config = join(dir, 'mcp.yaml');
  let gateway: GatewayProcess;
  let key: string;

  beforeAll(async () => {
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
  slow:
    command: ${process.execPath}
    args: [${SLOW}]
    env: { SLOW_LIST_MS: "4000" }
scopes:
  admin: ["*"]
trust:
  lockfile: ./mcp.lock.json
  onDrift: quarantine-tool
  recheck: 0
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: info
`,
    );
    key = await createKey(config, 'admin', 'ops');
    gateway = await startGatewayProcess(config);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pins the late upstream with what it listed, and serves its tool', async () => {
    const lock = () => JSON.parse(readFileSync(join(dir, 'mcp.lock.json'), 'utf8')) as { servers: Record<string, { tools: Record<string, unknown> }> };
    await eventually(() => {
      try {
        return lock().servers.weather !== undefined;
      } catch {
        return false;
      }
    }, 'weather to be pinned', 20_000);
    // The slow upstream is connected and still listing (4 s): a lockfile change now makes every upstream checked.
    const file = join(dir, 'mcp.lock.json');
    const edited = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, { approvedBy?: string }> };
    edited.servers.weather!.approvedBy = 'ops (reviewed)';
    writeFileSync(`${file}.tmp`, JSON.stringify(edited, null, 2));
    renameSync(`${file}.tmp`, file);
    await eventually(() => /lockfile changed/.test(gateway.output()), 'the gateway to see the lockfile change', 10_000).catch((e) => {
      console.log(gateway.output());
      throw e;
    });
    await eventually(() => {
      try {
        return lock().servers.slow !== undefined;
      } catch {
        return false;
      }
    }, 'the slow upstream to be pinned', 20_000);
    expect(Object.keys(lock().servers.slow!.tools)).toEqual(['late']);
    expect(Object.keys(lock().servers.weather!.tools)).toHaveLength(2);
    const client = await connectClient(gateway.url, key);
    try {
      await eventually(async () => (await client.listTools()).some((t) => t.name === 'slow__late'), 'slow__late to be listed', 20_000);
      expect(JSON.stringify((await client.callTool('slow__late', {})).content)).toContain('on time');
    } finally {
      await client.close();
    }
    expect(gateway.output()).not.toMatch(/drifted/);
  }, 60_000);
});
