/**
 * Brute-forced keys (issue 8, "Done means": "brute-forced keys …, refusals audited"): a client guessing keys is
 * refused with 401, then braked by the gateway's failure tracker (per source address: 10 failures, then one more
 * try per 6 s), and every refusal is in the audit log as method `http/auth`.
 *
 * What is testable from one machine: every connection comes from loopback, but Linux routes all of 127.0.0.0/8
 * to `lo`, so a client bound to 127.0.0.2 is "another address" to the gateway. The constant-time comparison is
 * covered by security/key-verifier.ts's design (hash then map lookup) and not measured here: a timing assertion
 * would be flaky on a shared 2-core machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { auditQuery, metricValue } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-brute-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let alice: string;
let bob: string;

/** The FailureTracker's default burst (security/failure-tracker.ts). */
const MAX_FAILURES = 10;

beforeAll(async () => {
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
scopes:
  all: ["*"]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
  alice = await createKey(config, 'all', 'alice');
  bob = await createKey(config, 'all', 'bob');
  gateway = await startGatewayProcess(config);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
}

/** A stateless (2026-07-28) `tools/list` POST with `key` (none when undefined), sent from `localAddress`. */
function listTools(key: string | undefined, localAddress = '127.0.0.1'): Promise<Answer> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/list',
    params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
  });
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        // A fresh connection each time: keep-alive would hide which address a request came from.
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(key === undefined ? {} : { 'x-api-key': key }),
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/list',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const wrongKey = (i: number) => `mcpk_${'wrong'.padEnd(40, String(i % 10))}`;
const isGuessRefused = (a: Answer) => a.status === 401 && /API key is not valid/.test(a.body);
const isBraked = (a: Answer) => a.status === 401 && /too many failed attempts from this address; retry after \d+ s/.test(a.body);

describe('brute-forced keys', () => {
  let guessed = 0;
  let braked = 0;
  let missing = 0;

  it('a valid key works before the attack', async () => {
    // The gateway serves before its upstreams are up: wait for the weather tools (successes count nothing).
    await eventually(async () => {
      const ok = await listTools(alice);
      expect(ok.status, ok.body).toBe(200);
      return ok.body.includes('weather__get_weather');
    }, 'the weather tools listed');
  });

  it(`40 wrong keys at once from one address: each refused with 401, at most ${MAX_FAILURES} of them even checked`, async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => listTools(wrongKey(i))));
    for (const a of answers) expect(isGuessRefused(a) || isBraked(a), `${a.status} ${a.body}`).toBe(true);
    guessed += answers.filter(isGuessRefused).length;
    braked += answers.filter(isBraked).length;
    expect(guessed).toBeGreaterThan(0);
    // Requests racing through the check before the first failures were counted would let a burst guess freely.
    expect(guessed).toBeLessThanOrEqual(MAX_FAILURES);
    expect(braked).toBe(40 - guessed);
  });

  it('more wrong keys, one at a time: every one braked, none checked', async () => {
    for (let i = 0; i < 10; i++) {
      const a = await listTools(wrongKey(i));
      expect(isBraked(a), `${a.status} ${a.body}`).toBe(true);
      braked += 1;
    }
  });

  it('a VALID key from the blocked address is refused too while the block lasts (the brake is per address, by design)', async () => {
    const a = await listTools(alice);
    expect(isBraked(a), `${a.status} ${a.body}`).toBe(true);
    braked += 1;
  });

  it('another address (127.0.0.2) is not blocked: its valid key works and its wrong key is checked', async () => {
    const ok = await listTools(bob, '127.0.0.2');
    expect(ok.status, ok.body).toBe(200);
    expect(ok.body).toContain('weather__get_weather');
    const wrong = await listTools(wrongKey(0), '127.0.0.2');
    expect(isGuessRefused(wrong), `${wrong.status} ${wrong.body}`).toBe(true);
    guessed += 1;
  });

  it('requests with no credentials at all (OAuth discovery, a probe) are refused but do not count as guesses', async () => {
    // 127.0.0.3: an address of its own. 15 is past the 10-failure burst.
    for (let i = 0; i < 15; i++) {
      const a = await listTools(undefined, '127.0.0.3');
      expect(a.status).toBe(401);
      expect(a.body).toMatch(/credentials are required/);
    }
    const ok = await listTools(bob, '127.0.0.3');
    expect(ok.status, ok.body).toBe(200);
    missing += 15;
  });

  it('every refusal is audited as http/auth (refused), counted in metrics, and the chain verifies', async () => {
    const total = guessed + braked + missing;
    await eventually(async () => (await auditQuery(config, ['--method', 'http/auth'])).length >= total, `${total} http/auth records`);
    const rows = await auditQuery(config, ['--method', 'http/auth']);
    expect(rows).toHaveLength(total);
    for (const r of rows) {
      expect(r.outcome).toBe('refused');
      expect(r.errorCode).toBe(401);
      expect(r.principal).toBeNull();
    }
    expect(rows.filter((r) => /not valid/.test(r.reason ?? ''))).toHaveLength(guessed);
    expect(rows.filter((r) => /too many failed attempts/.test(r.reason ?? ''))).toHaveLength(braked);
    expect(rows.filter((r) => /^auth: missing:/.test(r.reason ?? ''))).toHaveLength(missing);
    expect(await metricValue(gateway.url, 'mcpkit_gateway_refusals_total', { reason: 'auth' })).toBe(total);
    const verify = await mcpkit(['audit', 'verify', '--config', config]);
    expect(verify.code, verify.stderr).toBe(0);
  });
});
