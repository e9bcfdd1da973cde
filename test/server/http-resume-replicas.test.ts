/**
 * Issue 10: SSE resumption on another replica, with the in-process event store and bus (the Redis ones run the
 * same way in test/redis/replicas-resume.test.ts). Three real HTTP servers behind mcpkit's client, whose fetch
 * sends every request to the next server in turn. Also: a Last-Event-ID from another session resumes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { InMemoryEventStore, McpServer, MemorySessionMessageBus, MemorySessionRevocations } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';

const SECRET = 'the-secret-every-replica-shares-0123456789';

describe('SSE resumption across replicas (memory stores)', () => {
  const handles: HttpServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  it('a POST stream ended mid-call resumes on the next replica: every event once, in order, then the result', async () => {
    const eventStore = new InMemoryEventStore();
    const sealed = { keys: [{ id: 'k1', secret: SECRET }], revocations: new MemorySessionRevocations(), bus: new MemorySessionMessageBus() };
    const heard: string[] = [];
    const heardAfter = () => heard.filter((h) => h.startsWith('after')).length;
    let ranOn = -1;
    for (let i = 0; i < 3; i++) {
      const server = new McpServer({ name: 'replicated', version: '1.0.0' });
      server.tool('count', {}, async (_args, ctx) => {
        ranOn = i;
        const say = (data: string) => ctx.notify('notifications/message', { level: 'info', data });
        for (let n = 1; n <= 3; n++) await say(`before ${n}`);
        ctx.closeStream();
        let n = 0;
        // Until the client hears one on its resumed stream; every event after that can come only by relay.
        while (heardAfter() === 0) {
          if (n >= 3000) throw new Error('the client never heard an event on its resumed stream');
          await say(`after ${++n}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        for (let k = 0; k < 3; k++) await say(`after ${++n}`);
        return { content: [{ type: 'text', text: `done after ${n}` }] };
      });
      handles.push(await serveHttp(server, { gracefulShutdown: false, retryMs: 10, eventStore, sealedSessions: sealed }));
    }
    const hits: Array<{ replica: number; method: string; lastEventId: string | null }> = [];
    let next = 0;
    const roundRobin: typeof fetch = (input, init) => {
      const replica = next++ % handles.length;
      hits.push({ replica, method: init?.method ?? 'GET', lastEventId: new Headers(init?.headers).get('last-event-id') });
      return fetch(handles[replica]!.url, init);
    };
    const client = new Client({ name: 'rr', version: '1' }, { protocolVersion: '2025-11-25' });
    client.on('log', (m) => heard.push(String(m.data)));
    await client.connect(new StreamableHttpClientTransport('http://balancer.invalid/mcp', { fetch: roundRobin, openStandaloneStream: false }));
    try {
      const before = hits.length;
      const text = ((await client.callTool('count', {})).content[0] as { text: string }).text;
      const n = heardAfter();
      expect(n).toBeGreaterThanOrEqual(4);
      expect(heard).toEqual([...[1, 2, 3].map((k) => `before ${k}`), ...Array.from({ length: n }, (_, k) => `after ${k + 1}`)]);
      expect(text).toBe(`done after ${n}`);
      const resumes = hits.slice(before).filter((h) => h.lastEventId !== null);
      expect(resumes).toHaveLength(1);
      expect(resumes[0]!.method).toBe('GET');
      expect(resumes[0]!.replica).not.toBe(ranOn);
    } finally {
      await client.close();
    }
  });

  it("a Last-Event-ID of another session's stream replays nothing of it", async () => {
    const server = new McpServer({ name: 'one', version: '1.0.0' });
    server.tool('where', {}, async () => ({ content: [] }));
    const handle = await serveHttp(server, { gracefulShutdown: false, eventStore: new InMemoryEventStore() });
    handles.push(handle);
    const session = async () => {
      const transport = new StreamableHttpClientTransport(handle.url, { openStandaloneStream: false });
      const client = new Client({ name: 'c', version: '1' }, { protocolVersion: '2025-11-25' });
      await client.connect(transport);
      await client.listTools();
      return { client, headers: { 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25', accept: 'text/event-stream' } };
    };
    const alice = await session();
    const mallory = await session();
    try {
      const aliceStream = new AbortController();
      const held = await fetch(handle.url, { headers: alice.headers, signal: aliceStream.signal });
      const reader = held.body!.getReader();
      let text = '';
      while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      const primer = /^id: (\S+)$/m.exec(text)![1]!;
      // Something on alice's stream after the primer, then her stream goes away.
      server.tool('added', {}, async () => ({ content: [] }));
      while (!text.includes('list_changed')) text += new TextDecoder().decode((await reader.read()).value);
      aliceStream.abort();
      const stolen = await fetch(handle.url, { headers: { ...mallory.headers, 'last-event-id': primer } });
      expect(stolen.status).toBe(200);
      const theirs = stolen.body!.getReader();
      let got = '';
      while (!got.includes('\n\n')) got += new TextDecoder().decode((await theirs.read()).value);
      // A fresh stream of mallory's own: a primer with a new id, none of alice's events.
      expect(got).toMatch(/^id: \S+\nretry: \d+\ndata: \n\n/);
      expect(/^id: (\S+)$/m.exec(got)![1]!.split('_')[0]).not.toBe(primer.split('_')[0]);
      expect(got).not.toContain('list_changed');
      await theirs.cancel();
    } finally {
      await Promise.all([alice.client.close(), mallory.client.close()]);
    }
  });

  it('a failing event store (say, Redis down) does not stall a stream: events go out without ids, the call completes, the failure is reported', async () => {
    const reported: string[] = [];
    const failing = {
      storeEvent: () => Promise.reject(new Error('store unreachable')),
      streamIdOf: () => undefined,
      replayAfter: () => undefined,
    };
    const server = new McpServer({ name: 'one', version: '1.0.0' }, { onError: (e: Error) => void reported.push(e.message) });
    server.tool('chatty', {}, async (_args, ctx) => {
      for (let n = 1; n <= 3; n++) await ctx.notify('notifications/message', { level: 'info', data: `line ${n}` });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    const handle = await serveHttp(server, { gracefulShutdown: false, eventStore: failing });
    handles.push(handle);
    const heard: string[] = [];
    const client = new Client({ name: 'c', version: '1' }, { protocolVersion: '2025-11-25' });
    client.on('log', (m) => heard.push(String(m.data)));
    await client.connect(new StreamableHttpClientTransport(handle.url));
    try {
      const result = await client.callTool('chatty', {});
      expect((result.content[0] as { text: string }).text).toBe('done');
      expect(heard).toEqual(['line 1', 'line 2', 'line 3']);
      expect(reported.filter((m) => m.includes('store unreachable'))).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});
