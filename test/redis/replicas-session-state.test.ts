/**
 * Issue 10: the state a client changes after `initialize` follows its sealed session to every replica. Three
 * `McpServer` replicas (real sockets, one Redis through @mcpkit/redis, each its own connections) behind the
 * round-robin test proxy, driven by mcpkit's client: a level set through one replica filters the logs a tool
 * sends on the others (one of which never saw the session before); a subscription made through one replica
 * brings a resource update raised on another to the GET stream a third holds, exactly once; unsubscribing
 * ends it. Skipped with a warning when Redis is down; fails under CI.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { McpServer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { type RedisSessionSharing, redisSessionSharing } from '@mcpkit/redis';
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { REDIS_URL, dropRedisPrefixes, skipRedis, uniqueName } from '../../packages/gateway/src/store/test-support/services.js';

const noRedis = await skipRedis();
const KEYS = [{ id: 'k1', secret: 'the-secret-every-replica-shares-0123456789' }];
const PREFIX = `${uniqueName('state-e2e')}:`;
const DOC = 'mem://doc';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function replica(index: number): McpServer {
  const server = new McpServer({ name: 'replicated', version: '1.0.0' });
  server.resource('doc', DOC, {}, async () => ({ contents: [{ uri: DOC, text: 'the doc' }] }));
  server.tool('chatty', {}, async (_args, ctx) => {
    for (const level of ['debug', 'info', 'warning', 'error'] as const) await ctx.log(level, `r${index} ${level}`);
    return { content: [{ type: 'text', text: `r${index}` }] };
  });
  return server;
}

describe.skipIf(noRedis)('three McpServer replicas on Redis behind a round-robin proxy: session state follows the session', () => {
  const handles: HttpServerHandle[] = [];
  const servers: McpServer[] = [];
  const sharings: RedisSessionSharing[] = [];
  const proxies: RoundRobinProxy[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const sharing = await redisSessionSharing({ url: REDIS_URL, prefix: PREFIX });
      sharings.push(sharing);
      servers.push(replica(i));
      handles.push(await serveHttp(servers[i]!, { gracefulShutdown: false, ...sharing.httpOptions(KEYS) }));
    }
  });

  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await Promise.all(sharings.map((s) => s.close()));
    await dropRedisPrefixes([PREFIX]);
  });

  const origins = (indexes: number[]) => indexes.map((i) => new URL(handles[i]!.url).origin);
  const path = () => new URL(handles[0]!.url).pathname;

  async function proxy(indexes: number[]): Promise<RoundRobinProxy> {
    const p = await startRoundRobinProxy(origins(indexes));
    proxies.push(p);
    return p;
  }

  it('a level set through one replica holds on every replica, also one that takes the session over afterwards', async () => {
    // Until the level is set the third replica is not behind the balancer: it first sees the session afterwards.
    const early = await proxy([0, 1]);
    const all = await proxy([0, 1, 2]);
    let through = early;
    const balanced: typeof fetch = (input, init) => fetch(String(input).replace('http://balancer.invalid', through.url), init);
    const client = new Client({ name: 'levels', version: '1' }, { protocolVersion: '2025-11-25' });
    const heard: string[] = [];
    client.on('log', (m) => void heard.push(String(m.data)));
    await client.connect(new StreamableHttpClientTransport(`http://balancer.invalid${path()}`, { fetch: balanced, openStandaloneStream: false }));
    try {
      await client.setLogLevel('warning');
      through = all;
      const ranOn = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const before = heard.length;
        const where = ((await client.callTool('chatty', {})).content[0] as { text: string }).text;
        ranOn.add(where);
        expect(heard.slice(before)).toEqual([`${where} warning`, `${where} error`]);
      }
      expect(ranOn).toEqual(new Set(['r0', 'r1', 'r2']));
      // A change goes on applying everywhere: back to everything, on each replica.
      await client.setLogLevel('debug');
      for (let i = 0; i < 3; i++) {
        const before = heard.length;
        const where = ((await client.callTool('chatty', {})).content[0] as { text: string }).text;
        expect(heard.slice(before)).toEqual(['debug', 'info', 'warning', 'error'].map((l) => `${where} ${l}`));
      }
    } finally {
      await client.close();
    }
  });

  it('a subscription made through one replica brings an update raised on another to the GET stream a third holds, once each; unsubscribing ends them', async () => {
    const p = await proxy([0, 1, 2]);
    const client = new Client({ name: 'subscriber', version: '1' }, { protocolVersion: '2025-11-25' });
    let updates = 0;
    client.on('resourceUpdated', ({ uri }) => {
      if (uri === DOC) updates++;
    });
    await client.connect(new StreamableHttpClientTransport(`${p.url}${path()}`));
    try {
      const gets = () => p.log.filter((h) => h.method === 'GET');
      while (gets().length === 0) await sleep(20);
      const holder = gets()[0]!.backend;
      // The subscription goes through another replica than the GET holder.
      p.remove(holder);
      await client.subscribeResource(DOC);
      const subscribedOn = p.log.filter((h) => h.method === 'POST').at(-1)!.backend;
      expect(subscribedOn).not.toBe(holder);
      const raiser = [0, 1, 2].find((i) => i !== holder && i !== subscribedOn)!;
      // The GET reaches its replica a moment after the proxy logged it, and an update raised before it is
      // attached reaches nobody: raised until one is heard (each waited for at most 3 s).
      for (let i = 0; i < 5 && updates === 0; i++) {
        servers[raiser]!.notifyResourceUpdated(DOC);
        const wait = Date.now() + 3000;
        while (updates === 0 && Date.now() < wait) await sleep(20);
      }
      expect(updates).toBe(1);
      // Once per update, whichever replica raises it: no copy per replica that knows the session.
      for (const [n, on] of [raiser, subscribedOn, holder, raiser].entries()) {
        servers[on]!.notifyResourceUpdated(DOC);
        servers[on]!.notifyResourceUpdated('mem://not-subscribed');
        const wait = Date.now() + 3000;
        while (updates < n + 2 && Date.now() < wait) await sleep(20);
        await sleep(300);
        expect(updates).toBe(n + 2);
      }
      await client.unsubscribeResource(DOC);
      for (const server of servers) server.notifyResourceUpdated(DOC);
      await sleep(500);
      expect(updates).toBe(5);
    } finally {
      await client.close();
    }
  });
});
