/**
 * Rate limits and the concurrency bound under a hostile caller (issue 8: "limits per principal …; a bounded
 * queue for concurrent calls; a refused call gets a JSON-RPC error whose data carries retryAfterMs"): one
 * principal flooding slow calls gets refusals past its bound while another principal is served, and limits
 * are not wiped by an unrelated config edit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, startGatewayProcess } from './harness.js';
import { HOSTILE, auditQuery, connectClient, rejectionOf, waitForTools } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-limits-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let flooder: string;
let bystander: string;

function writeConfig(extra = false): void {
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
  slow:
    command: ${process.execPath}
    args: [${HOSTILE}]
${extra ? `  extra:\n    command: ${process.execPath}\n    args: [${HOSTILE}]\n` : ''}scopes:
  all: ["*"]
rateLimits:
  - per: tool
    limit: 3
    window: 1h
    tools: [weather__get_forecast]
concurrency:
  perPrincipal: 2
  queue: 2
  queueTimeout: 20s
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
}

beforeAll(async () => {
  writeConfig();
  flooder = await createKey(config, 'all', 'flooder');
  bystander = await createKey(config, 'all', 'bystander');
  gateway = await startGatewayProcess(config);
  await waitForTools(gateway.url, bystander, ['slow__slow', 'weather__get_forecast'], 'both upstreams listed');
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('one principal flooding slow calls', () => {
  it('gets 2 in flight and 2 queued, the other 8 refused at once with retryAfterMs; another principal is served meanwhile', async () => {
    const client = await connectClient(gateway.url, flooder);
    try {
      const outcomes = Array.from({ length: 12 }, () =>
        client.callTool('slow__slow', { ms: 5000 }).then(
          () => 'ok' as const,
          (e: ProtocolError) => e,
        ),
      );
      // The refusals come at once, long before the slow calls end.
      const refused = await Promise.race([
        eventuallyRefused(outcomes, 8),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('refusals did not come before the calls ended')), 4500)),
      ]);
      for (const e of refused) {
        expect(e).toBeInstanceOf(ProtocolError);
        expect(e.message).toMatch(/Too many calls in flight/);
        expect((e.data as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
      }
      // Someone else is not queued behind the flood.
      const other = await connectClient(gateway.url, bystander);
      try {
        const r = await other.callTool('slow__ok', {});
        expect(r.isError).toBeFalsy();
      } finally {
        await other.close();
      }
      const settled = await Promise.all(outcomes);
      expect(settled.filter((o) => o === 'ok')).toHaveLength(4);
    } finally {
      await client.close();
    }
    await eventually(async () => {
      const rows = await auditQuery(config, ['--principal', 'key:flooder', '--target', 'slow__slow']);
      return rows.filter((r) => r.outcome === 'refused' && r.reason === 'concurrency').length === 8 && rows.filter((r) => r.outcome === 'ok').length === 4;
    }, '8 concurrency refusals and 4 calls audited');
  }, 45_000);
});

/** Resolves with the first `n` outcomes that are errors, as soon as there are that many. */
function eventuallyRefused(outcomes: Array<Promise<'ok' | ProtocolError>>, n: number): Promise<ProtocolError[]> {
  return new Promise((resolve) => {
    const errors: ProtocolError[] = [];
    for (const o of outcomes) {
      void o.then((v) => {
        if (v === 'ok') return;
        errors.push(v);
        if (errors.length === n) resolve(errors);
      });
    }
  });
}

describe('rate limits across a config edit', () => {
  it('an unrelated edit to mcp.yaml does not give a limited principal a fresh allowance', async () => {
    const client = await connectClient(gateway.url, flooder);
    try {
      for (let i = 0; i < 3; i++) await client.callTool('weather__get_forecast', { city: 'Oslo', days: 1 });
      const limited = await rejectionOf(client.callTool('weather__get_forecast', { city: 'Oslo', days: 1 }));
      expect(limited.message).toMatch(/Rate limit exceeded/);
      // Another upstream, nothing about limits: once its tools are listed, the reload is applied.
      writeConfig(true);
      await eventually(async () => (await client.listTools()).some((t) => t.name === 'extra__ok'), 'the reload applied', 30_000);
      const again = await rejectionOf(client.callTool('weather__get_forecast', { city: 'Oslo', days: 1 }));
      expect(again.message).toMatch(/Rate limit exceeded/);
    } finally {
      await client.close();
    }
  });
});
