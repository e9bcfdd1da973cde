/**
 * Issue 10: a plain `McpServer` as three replicas (real sockets, one Redis through @mcpkit/redis) behind the
 * round-robin test proxy, no stickiness. A tool call's SSE stream is ended by the server mid-call (SSE polling)
 * while its replica is taken out of the proxy, so the client's `Last-Event-ID` GET reaches another replica:
 * every event arrives once, in order, with the result, both the events that replica replays from Redis and
 * those the first replica produces afterwards (relayed on the session bus). Driven by mcpkit's client and the
 * official v1 and v2 SDK clients. Also: a `list_changed` raised on one replica reaches the GET stream another holds.
 * Skipped with a warning when Redis is down; fails under CI.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { McpServer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { type RedisSessionSharing, connectRedis, redisSessionSharing } from '@mcpkit/redis';
import { Client as OfficialV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as OfficialV2, StreamableHTTPClientTransport as V2Transport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { REDIS_URL, dropRedisPrefixes, skipRedis, uniqueName } from '../../packages/gateway/src/store/test-support/services.js';

const noRedis = await skipRedis();
const KEYS = [{ id: 'k1', secret: 'the-secret-every-replica-shares-0123456789' }];
const PREFIX = `${uniqueName('resume')}:`;

/** What the test and the replicas' tool handlers tell each other (all in this process). */
interface Call {
  /** Resolves with the index of the replica the call runs on, once its first events are out. */
  started: Promise<number>;
  /** The handler waits for this before ending its stream (the test takes its replica out of the proxy first). */
  release(): void;
  /** The `after` events the client has heard (the handler keeps producing them until the client hears one). */
  heardAfter(): number;
}

let current: { started: (i: number) => void; released: Promise<void>; heardAfter: () => number } | undefined;

function newCall(heardAfter: () => number): Call {
  let started!: (i: number) => void;
  let release!: () => void;
  const startedP = new Promise<number>((resolve) => (started = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  current = { started, released, heardAfter };
  return { started: startedP, release, heardAfter };
}

function replica(index: number): McpServer {
  const server = new McpServer({ name: 'replicated', version: '1.0.0' });
  server.tool('count', { inputSchema: { label: z.string() } }, async ({ label }, ctx) => {
    const call = current!;
    const say = (data: string) => ctx.notify('notifications/message', { level: 'info', data: `${label} ${data}` });
    for (let n = 1; n <= 3; n++) await say(`before ${n}`);
    call.started(index);
    await call.released;
    // SSE polling (spec 2025-11-25): the stream ends, the call goes on, the client resumes with Last-Event-ID.
    ctx.closeStream();
    let n = 0;
    // Until the client hears one: events stored before the other replica read the stream are replayed from
    // Redis; once the client heard one on its resumed stream, every later event can reach it only by relay.
    while (call.heardAfter() === 0) {
      if (n >= 3000) throw new Error('the client never heard an event on its resumed stream');
      await say(`after ${++n}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let k = 0; k < 3; k++) await say(`after ${++n}`);
    return { content: [{ type: 'text', text: `${label} done after ${n}` }] };
  });
  server.tool('where', {}, async () => ({ content: [{ type: 'text', text: `r${index}` }] }));
  return server;
}

/** One SSE event: its id (if any) and its data lines joined. */
interface SseEvent {
  id: string | undefined;
  data: string;
}

const readers = new WeakMap<ReadableStream<Uint8Array>, { reader: ReadableStreamDefaultReader<Uint8Array>; buffer: string }>();

/** Reads the next `count` events (comments skipped) from an SSE body; later calls go on where this one stopped. */
async function nextEvents(body: ReadableStream<Uint8Array>, count: number): Promise<SseEvent[]> {
  let state = readers.get(body);
  if (state === undefined) readers.set(body, (state = { reader: body.getReader(), buffer: '' }));
  const out: SseEvent[] = [];
  const decoder = new TextDecoder();
  while (out.length < count) {
    const end = state.buffer.indexOf('\n\n');
    if (end < 0) {
      const { value, done } = await state.reader.read();
      if (done) throw new Error(`the SSE stream ended after ${out.length} of ${count} events`);
      state.buffer += decoder.decode(value, { stream: true });
      continue;
    }
    const block = state.buffer.slice(0, end);
    state.buffer = state.buffer.slice(end + 2);
    const lines = block.split('\n').filter((l) => !l.startsWith(':'));
    if (lines.length === 0) continue;
    const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
    out.push({ id, data });
  }
  return out;
}

describe.skipIf(noRedis)('three McpServer replicas on Redis behind a round-robin proxy: SSE resumption on another replica', () => {
  const handles: HttpServerHandle[] = [];
  const servers: McpServer[] = [];
  const sharings: RedisSessionSharing[] = [];
  let proxy: RoundRobinProxy | undefined;
  let endpoint: string;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      // Each replica its own connections, as separate processes would have.
      const sharing = await redisSessionSharing({ url: REDIS_URL, prefix: PREFIX });
      sharings.push(sharing);
      servers.push(replica(i));
      handles.push(await serveHttp(servers[i]!, { gracefulShutdown: false, retryMs: 20, ...sharing.httpOptions(KEYS) }));
    }
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await Promise.all(sharings.map((s) => s.close()));
    await dropRedisPrefixes([PREFIX]);
  });

  async function freshProxy(): Promise<RoundRobinProxy> {
    proxy = await startRoundRobinProxy(handles.map((h) => new URL(h.url).origin));
    endpoint = `${proxy.url}${new URL(handles[0]!.url).pathname}`;
    return proxy;
  }

  /** Checks what one resumed call delivered: every event once, in order, then the result. */
  function expectWhole(label: string, heard: string[], result: string, resumes: Array<{ backend: number }>, ranOn: number): void {
    const after = heard.filter((h) => h.startsWith(`${label} after `));
    const n = after.length;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(heard).toEqual([...[1, 2, 3].map((k) => `${label} before ${k}`), ...Array.from({ length: n }, (_, k) => `${label} after ${k + 1}`)]);
    expect(result).toBe(`${label} done after ${n}`);
    // One resumption, on another replica: the events after it were relayed, not replayed by a second GET.
    expect(resumes).toHaveLength(1);
    expect(resumes[0]!.backend).not.toBe(ranOn);
  }

  it("mcpkit's client: a POST stream ended mid-call resumes on another replica, nothing lost or repeated", async () => {
    const p = await freshProxy();
    const heard: string[] = [];
    const client = new Client({ name: 'resume', version: '1' }, { protocolVersion: '2025-11-25' });
    client.on('log', (m) => heard.push(String(m.data)));
    await client.connect(new StreamableHttpClientTransport(endpoint, { openStandaloneStream: false }));
    try {
      const call = newCall(() => heard.filter((h) => h.includes(' after ')).length);
      const result = client.callTool('count', { label: 'ours' });
      const ranOn = await call.started;
      p.remove(ranOn);
      const before = p.log.length;
      call.release();
      const text = ((await result).content[0] as { text: string }).text;
      expectWhole('ours', heard, text, p.log.slice(before).filter((h) => h.lastEventId !== undefined), ranOn);
    } finally {
      await client.close();
    }
  });

  it('the official v1 SDK client: the same, through its own resumption', async () => {
    const p = await freshProxy();
    const heard: string[] = [];
    const client = new OfficialV1({ name: 'resume-v1', version: '1' });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void heard.push(String(n.params.data)));
    const transport = new V1Transport(new URL(endpoint));
    await client.connect(transport);
    try {
      const call = newCall(() => heard.filter((h) => h.includes(' after ')).length);
      const result = client.callTool({ name: 'count', arguments: { label: 'v1' } });
      const ranOn = await call.started;
      p.remove(ranOn);
      const before = p.log.length;
      call.release();
      const text = ((await result).content as Array<{ text: string }>)[0]!.text;
      // Its standalone GET is no resumption: only GETs carrying Last-Event-ID count.
      expectWhole('v1', heard, text, p.log.slice(before).filter((h) => h.lastEventId !== undefined), ranOn);
    } finally {
      await client.close();
    }
  });

  it('the official v2 SDK client (session era): the same', async () => {
    const p = await freshProxy();
    const heard: string[] = [];
    const client = new OfficialV2({ name: 'resume-v2', version: '1' });
    client.setNotificationHandler('notifications/message', (n) => void heard.push(String(n.params.data)));
    await client.connect(new V2Transport(new URL(endpoint)));
    try {
      const call = newCall(() => heard.filter((h) => h.includes(' after ')).length);
      const result = client.callTool({ name: 'count', arguments: { label: 'v2' } });
      const ranOn = await call.started;
      p.remove(ranOn);
      const before = p.log.length;
      call.release();
      const text = ((await result).content as Array<{ text: string }>)[0]!.text;
      expectWhole('v2', heard, text, p.log.slice(before).filter((h) => h.lastEventId !== undefined), ranOn);
    } finally {
      await client.close();
    }
  });

  it('a standalone GET stream cut on one replica resumes on another: what was raised meanwhile is replayed, what follows is relayed', async () => {
    await freshProxy();
    const redis = await connectRedis(REDIS_URL);
    const client = new Client({ name: 'standalone', version: '1' }, { protocolVersion: '2025-11-25' });
    const transport = new StreamableHttpClientTransport(endpoint, { openStandaloneStream: false });
    await client.connect(transport);
    try {
      const headers = { 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25', accept: 'text/event-stream' };
      const url = (i: number) => handles[i]!.url;
      // The session is live on replica 0 (it raises the changes); the GET is held on 1, then resumed on 2.
      const list = await fetch(url(0), { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
      expect(list.status).toBe(200);
      await list.body?.cancel();
      const first = new AbortController();
      const held = await fetch(url(1), { headers, signal: first.signal });
      expect(held.status).toBe(200);
      const primed = await nextEvents(held.body!, 1);
      expect(primed[0]!.data).toBe('');
      first.abort();
      // Nobody holds the stream now: replica 0 stores the change in the shared stream.
      servers[0]!.tool('while_away', {}, async () => ({ content: [] }));
      // Wait until it is stored (after the primer) before the client comes back: the replay must carry it.
      const stream = `${PREFIX}events:${primed[0]!.id!.slice(0, primed[0]!.id!.lastIndexOf('_'))}`;
      while (Number(await redis.xLen(stream)) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const resumed = await fetch(url(2), { headers: { ...headers, 'last-event-id': primed[0]!.id! } });
      expect(resumed.status).toBe(200);
      const reader = resumed.body!;
      // The replay, then the new primer; then a change raised on replica 0 while replica 2 holds the stream.
      const replayed = await nextEvents(reader, 2);
      expect(replayed.map((e) => e.data === '' ? 'primer' : (JSON.parse(e.data) as { method: string }).method)).toEqual(['notifications/tools/list_changed', 'primer']);
      servers[0]!.tool('while_held', {}, async () => ({ content: [] }));
      const relayed = await nextEvents(reader, 1);
      expect((JSON.parse(relayed[0]!.data) as { method: string }).method).toBe('notifications/tools/list_changed');
      const ids = [primed[0]!.id, ...replayed.map((e) => e.id), relayed[0]!.id];
      expect(new Set(ids).size).toBe(4);
      await readers.get(reader)!.reader.cancel();
    } finally {
      await client.close();
      redis.destroy();
    }
  });

  it('a list_changed raised on one replica reaches the GET stream another replica holds', async () => {
    const p = await freshProxy();
    const client = new Client({ name: 'listen', version: '1' }, { protocolVersion: '2025-11-25' });
    let changed = 0;
    // Counted only from the first change made below (the calls before it change nothing).
    client.on('toolsChanged', () => void changed++);
    await client.connect(new StreamableHttpClientTransport(endpoint));
    try {
      const gets = () => p.log.filter((h) => h.method === 'GET');
      while (gets().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const holder = gets()[0]!.backend;
      // Every replica serves the session (round robin), so each has it live.
      const seen = new Set<string>();
      for (let i = 0; i < 10 && seen.size < 3; i++) seen.add(((await client.callTool('where', {})).content[0] as { text: string }).text);
      expect(seen.size).toBe(3);
      // A tool registered on a replica that does not hold the GET, outside any request: that replica tells the
      // session on its standalone stream, which is elsewhere. The GET reaches its replica a moment after the
      // proxy logged it, and a change announced before it is attached reaches nobody: changes are made until
      // one is heard (each waited for at most 3 s).
      const other = servers[(holder + 1) % 3]!;
      let heard = false;
      for (let i = 0; i < 5 && !heard; i++) {
        other.tool(`grown_${i}`, {}, async () => ({ content: [] }));
        const wait = Date.now() + 3000;
        while (changed === 0 && Date.now() < wait) await new Promise((resolve) => setTimeout(resolve, 20));
        heard = changed > 0;
      }
      expect(heard).toBe(true);
      expect(gets()).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});
