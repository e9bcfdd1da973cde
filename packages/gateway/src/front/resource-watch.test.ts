// The gateway's upstream resource subscriptions follow its clients': one per URI while anyone on this replica is
// subscribed (so one client unsubscribing does not end another's updates), and, with sealed sessions shared on
// Redis, on the replica holding a client's GET stream even when the client subscribed through another replica.
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport, connectHttp } from '@mcpkit/client';
import { McpServer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { parseGatewayConfig } from '../config/parse.js';
import { type GatewayHandle, startGateway } from '../gateway.js';
import { silentLogger } from '../log.js';
import { REDIS_URL, dropRedisPrefixes, skipRedis, uniqueName } from '../store/test-support/services.js';

const DOC = 'note://doc';
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-resource-watch-'));
let upstream: HttpServerHandle;
let server: McpServer;
/** What the upstream heard of the gateway's subscriptions, in order. */
const watchEvents: string[] = [];
const gateways: GatewayHandle[] = [];
const clients: Client[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

beforeAll(async () => {
  server = new McpServer({ name: 'notes', version: '1' });
  server.resource('doc', DOC, { mimeType: 'text/plain' }, () => ({ contents: [{ uri: DOC, text: 'hello' }] }));
  server.onResourceWatch((uri, watched) => watchEvents.push(`${watched ? 'watch' : 'unwatch'} ${uri}`));
  upstream = await serveHttp(server, { port: 0 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  watchEvents.length = 0;
});

afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function gateway(name: string, extra = ''): Promise<GatewayHandle> {
  const text = `listen: {host: 127.0.0.1, port: 0}
servers:
  notes: {url: "${upstream.url}"}
anonymous: {scopes: [all]}
scopes:
  all: ["*"]
audit: {sqlite: ${join(dir, `${name}-audit.db`)}}
store: {sqlite: ${join(dir, `${name}.db`)}}
logLevel: silent
metrics: false
${extra}`;
  const g = await startGateway(await parseGatewayConfig(text, { path: join(dir, `${name}.yaml`) }), { handleSignals: false, log: silentLogger() });
  gateways.push(g);
  return g;
}

/** Waits until the gateway offers DOC (its catalogue is read after it starts). */
async function offered(client: Client): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await client.listResources()).some((r) => r.uri === DOC)) return;
    await sleep(50);
  }
  throw new Error('the gateway never offered the resource');
}

/** A session-era client counting the updates of DOC it hears. */
function subscriber(): { client: Client; updates: () => number } {
  const client = new Client({ name: 'sub', version: '1' }, { protocolVersion: '2025-11-25' });
  let n = 0;
  client.on('resourceUpdated', ({ uri }) => {
    if (uri === DOC) n++;
  });
  clients.push(client);
  return { client, updates: () => n };
}

describe('one gateway', () => {
  it('keeps one upstream subscription while any client is subscribed, and drops it after the last leaves', async () => {
    const g = await gateway('one');
    const a = subscriber();
    const b = subscriber();
    await connectHttp(a.client, g.url, { legacyFallback: false });
    await connectHttp(b.client, g.url, { legacyFallback: false });
    await offered(a.client);
    await a.client.subscribeResource(DOC);
    await b.client.subscribeResource(DOC);
    await until(() => watchEvents.length > 0, 'the gateway to subscribe upstream');
    server.notifyResourceUpdated(DOC);
    await until(() => a.updates() === 1 && b.updates() === 1, 'both clients to hear the update');
    // One client leaves: the other still hears (the gateway used to unsubscribe upstream for everyone here).
    await a.client.unsubscribeResource(DOC);
    await sleep(200);
    server.notifyResourceUpdated(DOC);
    await until(() => b.updates() === 2, 'the remaining client to hear the second update');
    expect(a.updates()).toBe(1);
    expect(watchEvents).toEqual([`watch ${DOC}`]);
    await b.client.unsubscribeResource(DOC);
    await until(() => watchEvents.length === 2, 'the gateway to unsubscribe upstream');
    expect(watchEvents).toEqual([`watch ${DOC}`, `unwatch ${DOC}`]);
  });

  it('a client that goes away without unsubscribing releases its share', async () => {
    const g = await gateway('gone');
    const a = subscriber();
    await connectHttp(a.client, g.url, { legacyFallback: false });
    await offered(a.client);
    await a.client.subscribeResource(DOC);
    await until(() => watchEvents.length === 1, 'the gateway to subscribe upstream');
    await a.client.close();
    await until(() => watchEvents.length === 2, 'the gateway to unsubscribe upstream');
    expect(watchEvents).toEqual([`watch ${DOC}`, `unwatch ${DOC}`]);
  });
});

const skip = await skipRedis();

describe.skipIf(skip)('two gateway replicas sharing sealed sessions on Redis', () => {
  const prefix = `${uniqueName('watch')}:`;
  let proxy: ReturnType<typeof createServer> | undefined;

  afterAll(async () => {
    proxy?.close();
    await dropRedisPrefixes([prefix]);
  });

  it('an update reaches the GET stream held by one replica when the client subscribed through the other, once', async () => {
    process.env.MCPKIT_TEST_WATCH_SECRET = 'a shared secret of enough length for the replicas';
    const extra = `storage:
  redis: "${REDIS_URL}"
  redisPrefix: "${prefix}"
sessions:
  secret: \${env:MCPKIT_TEST_WATCH_SECRET}
`;
    const [front, back] = [await gateway('r0', extra), await gateway('r1', extra)];
    // A balancer that sends every GET to one replica and everything else to the other.
    proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      const target = new URL(req.method === 'GET' ? back.url : front.url);
      const out = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${new URL(front.url).pathname}`;
    const a = subscriber();
    await a.client.connect(new StreamableHttpClientTransport(url));
    await offered(a.client);
    await a.client.subscribeResource(DOC);
    // Both replicas now hold the session with the subscription; each subscribes upstream once.
    await until(() => watchEvents.length === 1, 'an upstream subscription');
    for (let i = 0; i < 20 && a.updates() === 0; i++) {
      server.notifyResourceUpdated(DOC);
      await sleep(150);
    }
    expect(a.updates()).toBe(1);
    server.notifyResourceUpdated(DOC);
    await until(() => a.updates() === 2, 'the second update');
    await sleep(300);
    expect(a.updates()).toBe(2);
  });
});
