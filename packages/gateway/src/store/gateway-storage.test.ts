// Issue 10 end to end in one process: two gateways sharing PostgreSQL and Redis count one rate limit, refuse a
// key revoked through the other within a second, and follow each other's reloads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, connectHttp } from '@mcpkit/client';
import { McpServer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { parseGatewayConfig } from '../config/parse.js';
import { type GatewayHandle, startGateway } from '../gateway.js';
import { silentLogger } from '../log.js';
import { POSTGRES_URL, REDIS_URL, dropRedisPrefixes, dropSchemas, skipPostgres, skipRedis, uniqueName } from './test-support/services.js';

const skip = (await skipPostgres()) || (await skipRedis());
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-replicas-'));
const schema = uniqueName('gw');
const prefix = `${uniqueName('gw')}:`;
let upstream: HttpServerHandle;
const gateways: GatewayHandle[] = [];
const clients: Client[] = [];

function configText(replica: string, extraServer = false): string {
  return `listen: {host: 127.0.0.1, port: 0}
servers:
  echo: {url: "${upstream.url}"}
${extraServer ? `  again: {url: "${upstream.url}"}\n` : ''}scopes:
  all: ["*"]
rateLimits:
  - {per: principal, limit: 4, window: 1m}
audit: {sqlite: ./${replica}-audit.db}
storage:
  postgres: "\${env:MCPKIT_TEST_GW_PG_URL}"
  redis: "\${env:MCPKIT_TEST_GW_REDIS_URL}"
  redisPrefix: "${prefix}"
logLevel: silent
metrics: false
`;
}

// A replica reloading on a notice reads its file with the process's environment, as in production.
const searchPath = new URL(POSTGRES_URL);
searchPath.searchParams.set('options', `-c search_path=${schema}`);
process.env.MCPKIT_TEST_GW_PG_URL = searchPath.toString();
process.env.MCPKIT_TEST_GW_REDIS_URL = REDIS_URL;

async function start(replica: string): Promise<GatewayHandle> {
  const path = join(dir, `${replica}.yaml`);
  writeFileSync(path, configText(replica));
  const config = await parseGatewayConfig(configText(replica), { path });
  const gateway = await startGateway(config, { handleSignals: false, log: silentLogger() });
  gateways.push(gateway);
  return gateway;
}

async function connect(gateway: GatewayHandle, key: string): Promise<Client> {
  const client = new Client({ name: 'replica-test', version: '1' }, { protocolVersion: '2026-07-28' });
  await connectHttp(client, gateway.url, { headers: { 'X-API-Key': key }, legacyFallback: false });
  clients.push(client);
  return client;
}

/** The HTTP status of a bare initialize on `gateway` with `key`. */
async function statusWith(gateway: GatewayHandle, key: string): Promise<number> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': key },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });
  await res.body?.cancel();
  return res.status;
}

describe.skipIf(skip)('two gateways on shared PostgreSQL and Redis', () => {
  let a: GatewayHandle;
  let b: GatewayHandle;

  beforeAll(async () => {
    const server = new McpServer({ name: 'echo', version: '1.0.0' });
    server.tool('echo', { description: 'Echoes.', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => ({ content: [{ type: 'text', text: String(args.text) }] }));
    upstream = await serveHttp(server, { port: 0 });
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    [a, b] = [await start('a'), await start('b')];
  }, 30_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const g of gateways) await g.close({ timeoutMs: 1000 });
    await upstream?.shutdown({ timeoutMs: 1000 });
    await dropSchemas([schema]);
    await dropRedisPrefixes([prefix]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('admits 4 calls per window for a principal across both gateways, not 8', async () => {
    const { key } = await a.keys.create({ scopes: ['all'] });
    const [ca, cb] = [await connect(a, key), await connect(b, key)];
    for (const c of [ca, cb]) await expect.poll(async () => (await c.listTools()).map((t) => t.name), { timeout: 10_000 }).toContain('echo__echo');
    const outcomes = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await (i % 2 ? cb : ca).callTool('echo__echo', { text: `#${i}` }).then(
          () => 'ok',
          (e: { data?: { retryAfterMs?: unknown } }) => (typeof e.data?.retryAfterMs === 'number' ? 'limited' : `error ${String(e)}`),
        ),
      );
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'limited', 'limited', 'limited', 'limited']);
  });

  it('refuses a key revoked through the other gateway within a second', async () => {
    const { id, key } = await a.keys.create({ scopes: ['all'] });
    // Both now hold the key in their 5 s caches.
    expect(await statusWith(a, key)).toBe(200);
    expect(await statusWith(b, key)).toBe(200);
    expect(await b.keys.revoke(id)).toBe(true);
    const started = Date.now();
    while ((await statusWith(a, key)) !== 401) {
      if (Date.now() - started > 1000) throw new Error('gateway a still accepts the key 1 s after b revoked it');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await statusWith(b, key)).toBe(401);
  });

  it('reloads when the other gateway says it reloaded', async () => {
    expect(b.upstream('again')).toBeUndefined();
    // The shared file changes; a's watcher applies it, b hears of it before its own watcher would.
    writeFileSync(join(dir, 'b.yaml'), configText('b', true));
    await a.reload(await parseGatewayConfig(configText('a', true), { path: join(dir, 'a.yaml') }));
    expect(a.upstream('again')).toBeDefined();
    await expect.poll(() => b.upstream('again'), { timeout: 1000, interval: 20 }).toBeDefined();
  });
});
