/**
 * An upstream that dies and cannot come back for a while (issue 8: "one failing upstream never breaks
 * tools/list for the others (its entries are dropped after a grace period and come back when it does)";
 * stdio upstreams "restarted with backoff"): callers get a fast, clear error naming it, the other upstream is
 * untouched, its tools leave the lists after the 30 s grace period, and return once it starts again.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@mcpkit/client';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, startGatewayProcess } from './harness.js';
import { HOSTILE, connectClient, metricValue, rejectionOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-dead-'));
const config = join(dir, 'mcp.yaml');
const refuse = join(dir, 'refuse-to-start');
const mute = join(dir, 'start-mute');
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
  phoenix:
    command: ${process.execPath}
    args: [${HOSTILE}]
    env: { HOSTILE_REFUSE_IF: ${refuse} }
    timeout: 5s
  sleeper:
    command: ${process.execPath}
    args: [${HOSTILE}]
    env: { HOSTILE_MUTE_IF: ${mute} }
    timeout: 2s
scopes:
  all: ["*"]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: error
`,
  );
  key = await createKey(config, 'all', 'tester');
  gateway = await startGatewayProcess(config);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function withClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(gateway.url, key);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

const names = () => withClient(async (c) => (await c.listTools()).map((t) => t.name));

describe('an upstream in a crash loop', () => {
  it('fails fast and clearly, leaves the lists after the grace period, and comes back when it can start', async () => {
    await eventually(async () => (await names()).includes('phoenix__ok') && (await names()).includes('weather__get_weather'), 'both upstreams listed', 30_000);
    writeFileSync(refuse, 'no');
    const died = await withClient((c) => rejectionOf(c.callTool('phoenix__exit', {})));
    expect(died.message).toMatch(/^Upstream phoenix failed: its process exited with code 3/);

    // While it cannot start: a clear error at once (not the 5 s timeout), naming it; weather untouched.
    const started = Date.now();
    const down = await withClient((c) => rejectionOf(c.callTool('phoenix__ok', {})));
    expect(down).toBeInstanceOf(ProtocolError);
    expect(down.message).toMatch(/^Upstream phoenix is unavailable: its process exited with code 1; the gateway keeps retrying$/);
    // Its stderr and command line are for the gateway's log, not for callers.
    expect(down.message).not.toMatch(/refusing to start|hostile\.mjs/);
    expect(Date.now() - started).toBeLessThan(5000);
    const weather = await withClient((c) => c.callTool('weather__get_weather', { city: 'Paris' }));
    expect(JSON.stringify(weather.content)).toContain('Paris');
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_up', { upstream: 'phoenix' })).toBe(0);
    expect((await names()).includes('weather__get_weather')).toBe(true);

    // Its entries leave the lists after the 30 s grace period; weather's stay.
    await eventually(async () => !(await names()).includes('phoenix__ok'), 'phoenix to leave tools/list', 75_000);
    expect(await names()).toContain('weather__get_weather');

    // It can start again: the supervisor's next try brings it, and its tools, back.
    rmSync(refuse);
    expect(existsSync(refuse)).toBe(false);
    await eventually(async () => (await names()).includes('phoenix__ok'), 'phoenix back in tools/list', 60_000);
    const back = await withClient((c) => c.callTool('phoenix__ok', {}));
    expect(JSON.stringify(back.content)).toMatch(/ok:\d+/);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_upstream_up', { upstream: 'phoenix' })).toBe(1);
    expect(gateway.child.exitCode).toBeNull();
  }, 200_000);
});

describe('an upstream that restarts mute (never answers initialize)', () => {
  it('a call waiting for it to connect still fails within the upstream’s timeout, not the 10 s connect deadline', async () => {
    await eventually(async () => (await names()).includes('sleeper__ok'), 'sleeper listed', 30_000);
    writeFileSync(mute, 'shh');
    const died = await withClient((c) => rejectionOf(c.callTool('sleeper__exit', {})));
    expect(died.message).toMatch(/^Upstream sleeper failed: its process exited/);
    // Its restart now hangs in the handshake (for up to 10 s each try); a call must not wait that long.
    const started = Date.now();
    const error = await withClient((c) => rejectionOf(c.callTool('sleeper__ok', {})));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/^Upstream sleeper /);
    expect(elapsed, error.message).toBeLessThan(8000);
    // It comes back once it answers again.
    rmSync(mute);
    await eventually(async () => {
      try {
        await withClient((c) => c.callTool('sleeper__ok', {}));
        return true;
      } catch {
        return false;
      }
    }, 'sleeper to answer again', 60_000);
  }, 120_000);
});
