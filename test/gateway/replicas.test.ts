/**
 * Issue 10: three `mcpkit gateway` processes sharing `sessions.secret`, one PostgreSQL (keys, audit chain,
 * change notices) and one Redis (rate limits, sealed-session revocations and answers) behind a round-robin
 * proxy with no stickiness, driven by the official v1 SDK client in the session era: one initialize, then every request
 * lands on the next replica; an elicitation asked by an upstream through one replica is answered through
 * another; a DELETE on one ends the session on all.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as OfficialV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { ElicitRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as OfficialV2, StreamableHTTPClientTransport as V2Transport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { type GatewayProcess, ROOT, createKey, mcpkit, startFixtureServer, startGatewayProcess } from './harness.js';
import { waitForTools } from './helpers.js';
import { skipPostgres, skipRedis } from '../../packages/gateway/src/store/test-support/services.js';

const REDIS = { host: '127.0.0.1', port: 6379 };

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';

/** Runs one statement on the server's maintenance database (creating and dropping the suite's own database). */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Skipped with a warning when either service is down, a failure under CI (the store suites' own probes).
const available = !(await skipRedis()) && !(await skipPostgres());
// The suite's own database: keys, the shared audit chain and change notices of all three replicas.
const DATABASE = `mcpkit_replicas_${randomBytes(4).toString('hex')}`;
// Each run its own Redis keys and channels, so runs and other suites never meet.
const PREFIX = `mcpkit-test-${randomBytes(4).toString('hex')}:`;
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-replicas-'));
const replicas: GatewayProcess[] = [];
let proxy: RoundRobinProxy;
let key: string;
let growing: ChildProcess | undefined;

/** The growing-server fixture (one HTTP upstream every replica connects to); resolves with its URL. */
async function startGrowing(): Promise<string> {
  const started = await startFixtureServer('growing-server.mjs');
  growing = started.child;
  return started.url;
}

/** The HTTP status of a session-era ping sent straight to one replica with `key` and session `id`. */
async function pingStatus(url: string, key: string, id: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${key}`,
      'mcp-session-id': id,
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  await res.body?.cancel();
  return res.status;
}

function writeConfig(n: number, growingUrl: string): string {
  const file = join(dir, `mcp-${n}.yaml`);
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  everything:
    command: ${process.execPath}
    args: [${ROOT}servers/everything/dist/bin.js]
  growing:
    url: ${growingUrl}
scopes:
  all: ["*"]
audit:
  postgres: ${POSTGRES}/${DATABASE}
rateLimits:
  - { per: tool, limit: 5, window: 1m, tools: [everything__add] }
storage:
  postgres: ${POSTGRES}/${DATABASE}
  redis: redis://${REDIS.host}:${REDIS.port}
  redisPrefix: "${PREFIX}"
sessions:
  secret: \${env:MCPKIT_TEST_SESSION_SECRET}
logLevel: warn
`,
  );
  return file;
}

describe.runIf(available)('three gateway replicas behind a round-robin proxy (session era)', () => {
  beforeAll(async () => {
    process.env.MCPKIT_TEST_SESSION_SECRET = randomBytes(32).toString('base64url');
    await admin(`CREATE DATABASE ${DATABASE}`);
    const growingUrl = await startGrowing();
    const configs = [0, 1, 2].map((n) => writeConfig(n, growingUrl));
    key = await createKey(configs[0]!, 'all', 'replicas');
    for (const c of configs) replicas.push(await startGatewayProcess(c));
    for (const r of replicas) await waitForTools(r.url, key, ['everything__elicit_info', 'growing__add_tool'], 'the upstreams on every replica');
    proxy = await startRoundRobinProxy(replicas.map((r) => new URL(r.url).origin));
  }, 90_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all(replicas.map((r) => r.stop()));
    growing?.kill();
    rmSync(dir, { recursive: true, force: true });
    if (available) await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  });

  const endpoint = () => new URL('/mcp', proxy.url);

  it('initializes once, then serves every request from whichever replica gets it, elicitation included', async () => {
    const client = new OfficialV1({ name: 'v1-rr', version: '1' }, { capabilities: { elicitation: {} } });
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, () => {
      asked++;
      return { action: 'accept', content: { name: 'Grace', age: 85 } };
    });
    const transport = new V1Transport(endpoint(), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    const first = proxy.log.length;
    try {
      expect(transport.sessionId).toMatch(/^mcp1\.gw\./);
      for (let i = 0; i < 4; i++) {
        const echoed = await client.callTool({ name: 'everything__echo', arguments: { text: `hop ${i}` } });
        expect(JSON.stringify(echoed.content)).toContain(`hop ${i}`);
      }
      for (let i = 0; i < 3; i++) {
        const elicited = await client.callTool({ name: 'everything__elicit_info', arguments: {} });
        expect(JSON.stringify(elicited.content)).toContain('Grace');
      }
      expect(asked).toBe(3);
      const posts = proxy.log.slice(first).filter((h) => h.method === 'POST');
      expect(new Set(posts.map((p) => p.backend))).toEqual(new Set([0, 1, 2]));
      // Seven calls and three elicitation answers: no initialize after the first.
      expect(posts.length).toBeGreaterThanOrEqual(10);
    } finally {
      await transport.terminateSession();
      await client.close();
    }
    // The DELETE went to one replica; the id is dead on all three.
    for (const r of replicas) expect(await pingStatus(r.url, key, transport.sessionId ?? 'gone')).toBe(404);
  }, 60_000);

  it.each([
    ['session era', undefined],
    ['2026-07-28', { mode: { pin: '2026-07-28' } }],
  ] as const)('the official v2 client in the %s: elicitation and sampling relayed whichever replica each request reaches', async (_era, versionNegotiation) => {
    const client = new OfficialV2({ name: 'v2-rr', version: '1' }, { capabilities: { elicitation: {}, sampling: {} }, ...(versionNegotiation ? { versionNegotiation } : {}) });
    client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { name: 'Hedy', age: 40 } }));
    client.setRequestHandler('sampling/createMessage', () => ({ model: 'v2-model', role: 'assistant', content: { type: 'text', text: 'v2 sampled' } }));
    await client.connect(new V2Transport(endpoint(), { requestInit: { headers: { 'x-api-key': key } } }));
    const first = proxy.log.length;
    try {
      for (let i = 0; i < 3; i++) {
        expect(JSON.stringify((await client.callTool({ name: 'everything__elicit_info', arguments: {} })).content)).toContain('Hedy');
        expect(JSON.stringify((await client.callTool({ name: 'everything__sample_llm', arguments: { prompt: 'hi', maxTokens: 5 } })).content)).toContain('v2 sampled');
      }
      expect(new Set(proxy.log.slice(first).map((h) => h.backend))).toEqual(new Set([0, 1, 2]));
    } finally {
      await client.close();
    }
  }, 60_000);

  it('refuses the session to another principal on every replica', async () => {
    const other = await createKey(join(dir, 'mcp-0.yaml'), 'all', 'other');
    const client = new OfficialV1({ name: 'v1-rr', version: '1' });
    const transport = new V1Transport(endpoint(), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    try {
      for (const r of replicas) expect(await pingStatus(r.url, other, transport.sessionId!)).toBe(404);
    } finally {
      await client.close();
    }
  }, 30_000);

  it('a list change made through one replica reaches the GET stream another replica holds', async () => {
    const client = new OfficialV1({ name: 'v1-rr', version: '1' });
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
    const streams = () => proxy.log.filter((h) => h.method === 'GET');
    const earlier = streams().length;
    const transport = new V1Transport(endpoint(), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    try {
      const deadline = Date.now() + 10_000;
      while (streams().length === earlier && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const holder = streams().at(-1)!.backend;
      // The GET reaches its replica a moment after the proxy logged it: a change made before the stream is
      // attached is announced to nobody, so changes are made until one is heard (each through a POST).
      // Only a change made through a replica other than the holder counts.
      let heard = false;
      for (let i = 0; i < 6 && !heard; i++) {
        changed = 0;
        const before = proxy.log.length;
        const added = await client.callTool({ name: 'growing__add_tool', arguments: { name: i === 0 ? 'late' : `late${i}` } });
        expect(JSON.stringify(added.content)).toContain('added late');
        const through = proxy.log.slice(before).find((h) => h.method === 'POST')!.backend;
        const wait = Date.now() + 2000;
        while (changed === 0 && Date.now() < wait) await new Promise((r) => setTimeout(r, 50));
        heard = changed > 0 && through !== holder;
      }
      expect(heard).toBe(true);
      // Every replica now lists and calls the new tool.
      for (let i = 0; i < 3; i++) {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain('growing__late');
        expect(JSON.stringify((await client.callTool({ name: 'growing__late', arguments: {} })).content)).toContain('late');
      }
    } finally {
      await client.close();
    }
  }, 30_000);

  it('a rate limit of 5 per minute admits 5 across the three replicas, not 15', async () => {
    const client = new OfficialV1({ name: 'v1-limit', version: '1' });
    const transport = new V1Transport(endpoint(), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    try {
      const outcomes: string[] = [];
      const backends = new Set<number>();
      for (let i = 0; i < 9; i++) {
        const before = proxy.log.length;
        try {
          const r = await client.callTool({ name: 'everything__add', arguments: { a: i, b: 1 } });
          outcomes.push(r.isError ? 'error' : 'ok');
        } catch (error) {
          outcomes.push(/Rate limit exceeded/.test((error as Error).message) ? 'limited' : `other: ${(error as Error).message}`);
        }
        backends.add(proxy.log.slice(before).find((h) => h.method === 'POST')!.backend);
      }
      expect(backends).toEqual(new Set([0, 1, 2]));
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'limited', 'limited', 'limited', 'limited']);
    } finally {
      await client.close();
    }
  }, 30_000);

  it('a key revoked with the CLI is refused by every replica within a second', async () => {
    const doomed = await createKey(join(dir, 'mcp-0.yaml'), 'all', 'doomed');
    const status = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${doomed}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      }).then(async (r) => (await r.body?.cancel(), r.status));
    // Every replica has seen (and cached) the key.
    for (const r of replicas) expect(await status(r.url)).toBe(200);
    const revoked = await mcpkit(['gateway', 'keys', 'revoke', '--config', join(dir, 'mcp-1.yaml'), 'doomed']);
    expect(revoked.code, revoked.stderr).toBe(0);
    const at = Date.now();
    const refusedAfter: number[] = [];
    for (const r of replicas) {
      while ((await status(r.url)) !== 401 && Date.now() - at < 5000) await new Promise((res) => setTimeout(res, 25));
      refusedAfter.push(Date.now() - at);
    }
    expect(Math.max(...refusedAfter)).toBeLessThan(1000);
  }, 30_000);

  // Last: it kills a replica.
  it('a replica killed under load: the others answer, clients keep their sessions, its audit chain is intact', async () => {
    const clients = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const client = new OfficialV1({ name: 'v1-load', version: '1' });
        const transport = new V1Transport(endpoint(), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
        await client.connect(transport);
        return { client, transport, session: transport.sessionId };
      }),
    );
    const victim = 1;
    let killedAt = 0;
    let removed = false;
    const outcomes: Array<{ ok: boolean; at: number; end: number; error?: string }> = [];
    const deadline = Date.now() + 4000;
    setTimeout(() => {
      killedAt = Date.now();
      replicas[victim]!.child.kill('SIGKILL');
      // A balancer's health check notices within a moment and stops routing there.
      setTimeout(() => {
        proxy.remove(victim);
        removed = true;
      }, 300);
    }, 1000);
    await Promise.all(
      clients.map(async ({ client }, c) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const at = Date.now();
          try {
            const r = await client.callTool({ name: 'everything__echo', arguments: { text: `c${c} ${i}` } });
            outcomes.push({ ok: JSON.stringify(r.content).includes(`c${c} ${i}`), at, end: Date.now() });
          } catch (error) {
            outcomes.push({ ok: false, at, end: Date.now(), error: (error as Error).message });
          }
        }
      }),
    );
    try {
      expect(killedAt).toBeGreaterThan(0);
      expect(removed).toBe(true);
      // Calls answered before the kill all succeeded; calls in flight on the victim at the kill may fail.
      const before = outcomes.filter((o) => o.end < killedAt);
      const after = outcomes.filter((o) => o.at > killedAt + 600);
      expect(before.length).toBeGreaterThan(10);
      expect(before.filter((o) => !o.ok)).toEqual([]);
      // Once the balancer dropped the dead replica, every call succeeds on the survivors, in the same sessions.
      expect(after.length).toBeGreaterThan(10);
      expect(after.filter((o) => !o.ok)).toEqual([]);
      for (const { transport, session } of clients) expect(transport.sessionId).toBe(session);
      // Failures only around the kill, each a clear error rather than a hang.
      for (const o of outcomes.filter((x) => !x.ok)) expect(o.error).toBeTruthy();
    } finally {
      await Promise.all(clients.map(({ client }) => client.close().catch(() => undefined)));
    }
    // The chain the three replicas wrote into together verifies, the killed one's batches included. (Records
    // are committed off the request path, so a call answered in the last few ms before a kill may have no record;
    // what the log acknowledged as written is there: verify walks every committed record.)
    const verify = await mcpkit(['audit', 'verify', '--config', join(dir, `mcp-${victim}.yaml`)]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const db = new pg.Client({ connectionString: `${POSTGRES}/${DATABASE}` });
    await db.connect();
    try {
      const calls = await db.query("SELECT count(*)::int AS n FROM audit_log WHERE method = 'tools/call' AND target = 'everything__echo'");
      expect(calls.rows[0].n).toBeGreaterThan(outcomes.filter((o) => o.ok).length / 2);
    } finally {
      await db.end();
    }
  }, 60_000);
});
