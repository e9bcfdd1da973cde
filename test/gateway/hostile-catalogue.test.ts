/**
 * Upstreams whose catalogue is hostile (issue 8, "Done means": "Hostile input gets a clear error and nothing
 * breaks"): a tool schema whose `pattern` backtracks catastrophically, and a flood of `list_changed`. One
 * upstream must never be able to stall the gateway's event loop for every other caller and upstream.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@mcpkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, startGatewayProcess } from './harness.js';
import { connectClient, sleep, waitForTools } from './helpers.js';

const CATALOGUE = new URL('./fixtures/hostile-catalogue.mjs', import.meta.url).pathname;
/** ^(a+)+$ against this backtracks 2^40 times: for ever, as far as a test is concerned. */
const EVIL_TEXT = `${'a'.repeat(40)}!`;
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-catalogue-'));
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
  evil:
    command: ${process.execPath}
    args: [${CATALOGUE}]
    timeout: 5s
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
  await waitForTools(gateway.url, key, ['evil__evil_input', 'weather__get_weather'], 'both upstreams listed');
}, 60_000);

afterAll(async () => {
  // A gateway whose event loop is stuck cannot act on SIGTERM: do not let that hang the suite.
  const killer = setTimeout(() => gateway?.child.kill('SIGKILL'), 15_000);
  await gateway?.stop();
  clearTimeout(killer);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function withClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(gateway.url, key);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** The gateway answers /healthz within `ms` (its event loop is not stuck). */
async function responsive(ms = 5000): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', gateway.url), { signal: AbortSignal.timeout(ms) });
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('a hostile catalogue', () => {
  it('an input schema whose pattern backtracks for ever does not stall the gateway (the upstream validates its own input)', async () => {
    await withClient(async (client) => {
      const call = client.callTool('evil__evil_input', { text: EVIL_TEXT }).then(
        (r) => JSON.stringify(r.content),
        (e: Error) => `error: ${e.message}`,
      );
      await sleep(200);
      expect(await responsive(), 'the gateway answers /healthz while the call runs').toBe(true);
      const weather = await withClient((other) => other.callTool('weather__get_weather', { city: 'Paris' }));
      expect(JSON.stringify(weather.content)).toContain('Paris');
      expect(await call).toContain('evil input accepted');
    });
  }, 30_000);

  it('an output schema whose pattern backtracks for ever does not stall the gateway either', async () => {
    await withClient(async (client) => {
      // A raw request: mcpkit's callTool would check the result against the outputSchema itself, in this process.
      const call = client.request('tools/call', { name: 'evil__evil_output', arguments: {} }).then(
        (r) => JSON.stringify(r.structuredContent),
        (e: Error) => `error: ${e.message}`,
      );
      await sleep(200);
      expect(await responsive(), 'the gateway answers /healthz while the call runs').toBe(true);
      expect(await call).toContain('aaaa');
    });
  }, 30_000);

  it('a flood of 2,000 tools/list_changed costs a bounded number of re-lists and the gateway stays responsive', async () => {
    await withClient(async (client) => {
      const before = Number(((await client.callTool('evil__tool_lists', {})).content[0] as { text: string }).text);
      await client.callTool('evil__churn', { count: 2000 });
      expect(await responsive()).toBe(true);
      const weather = await withClient((other) => other.callTool('weather__get_weather', { city: 'Paris' }));
      expect(JSON.stringify(weather.content)).toContain('Paris');
      // Let the re-lists settle, then count them.
      let lists = 0;
      let last = -1;
      await eventually(async () => {
        lists = Number(((await client.callTool('evil__tool_lists', {})).content[0] as { text: string }).text) - before;
        const settled = lists === last;
        last = lists;
        await sleep(300);
        return settled;
      }, 're-lists to settle');
      expect(lists).toBeGreaterThan(0);
      expect(lists).toBeLessThanOrEqual(20);
    });
  }, 60_000);
});
