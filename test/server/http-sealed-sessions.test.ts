/**
 * Issue 10: session-era MCP behind a round-robin balancer with no stickiness. Three real HTTP servers share a
 * sealing key, revocations and a message bus; mcpkit's client sends every HTTP request to the next server in
 * turn. The session opened on one is served by all, and an elicitation asked on one is answered through another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { type JsonObject, McpServer, MemorySessionMessageBus, MemorySessionRevocations } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { z } from 'zod';

const SECRET = 'the-secret-every-replica-shares-0123456789';

function replica(name: string): McpServer {
  const server = new McpServer({ name: 'replicated', version: '1.0.0' });
  server.tool('where', {}, async () => ({ content: [{ type: 'text', text: name }] }));
  server.tool('ask', { inputSchema: { question: z.string() } }, async ({ question }, ctx) => {
    const answer = await ctx.elicit({ message: question, requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } });
    return { content: [{ type: 'text', text: `${name} asked; ${answer.action}: ${JSON.stringify(answer.content ?? {})}` }] };
  });
  return server;
}

describe('three replicas behind a round-robin balancer (session era)', () => {
  const handles: HttpServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  async function cluster(relayStandalone?: boolean): Promise<{ urls: string[]; hits: string[]; fetch: typeof fetch; servers: McpServer[]; relayed: JsonObject[] }> {
    const revocations = new MemorySessionRevocations();
    const memory = new MemorySessionMessageBus();
    // The bus, with a record of the SSE events relayed on it (answers are JSON-RPC responses instead).
    const relayed: JsonObject[] = [];
    const bus = {
      publish: (sessionId: string, message: JsonObject) => {
        if ('mcpkitStream' in message) relayed.push(message);
        return memory.publish(sessionId, message);
      },
      subscribe: (listener: (sessionId: string, message: JsonObject) => void) => memory.subscribe(listener),
    };
    const servers = ['r0', 'r1', 'r2'].map(replica);
    for (const server of servers) {
      handles.push(await serveHttp(server, { gracefulShutdown: false, sealedSessions: { keys: [{ id: 'k1', secret: SECRET }], revocations, bus, ...(relayStandalone === undefined ? {} : { relayStandalone }) } }));
    }
    const urls = handles.map((h) => h.url);
    const hits: string[] = [];
    let next = 0;
    // The balancer: every request (POST, GET, DELETE) goes to the next replica.
    const roundRobin: typeof fetch = (input, init) => {
      const i = next++ % urls.length;
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }) : undefined;
      hits.push(`${init?.method ?? 'GET'} r${i} ${body === undefined ? '' : (body.method ?? 'answer')}`.trim());
      return fetch(urls[i]!, init);
    };
    return { urls, hits, fetch: roundRobin, servers, relayed };
  }

  it('serves one session from every replica, without re-initializing', async () => {
    const { hits, fetch } = await cluster();
    const client = new Client({ name: 'rr', version: '1' }, { protocolVersion: '2025-11-25' });
    await client.connect(new StreamableHttpClientTransport('http://balancer.invalid/mcp', { fetch }));
    try {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const result = await client.callTool('where', {});
        seen.add((result.content[0] as { text: string }).text);
      }
      expect([...seen].sort()).toEqual(['r0', 'r1', 'r2']);
      expect(hits.filter((h) => h.startsWith('POST')).length).toBeGreaterThanOrEqual(8);
      expect(client.server?.protocolVersion).toBe('2025-11-25');
      expect(hits.filter((h) => h.endsWith('initialize'))).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('an elicitation asked on one replica is answered through another', async () => {
    const { hits, fetch } = await cluster();
    const asked: string[] = [];
    const client = new Client(
      { name: 'rr', version: '1' },
      {
        protocolVersion: '2025-11-25',
        handlers: {
          elicitation: async (params) => {
            asked.push(params.message);
            return { action: 'accept', content: { name: 'Ada' } };
          },
        },
      },
    );
    await client.connect(new StreamableHttpClientTransport('http://balancer.invalid/mcp', { fetch }));
    try {
      for (let i = 0; i < 3; i++) {
        const before = hits.length;
        const result = await client.callTool('ask', { question: `name ${i}?` });
        const text = (result.content[0] as { text: string }).text;
        expect(text).toMatch(/^r[012] asked; accept: \{"name":"Ada"\}$/);
        // The call's POST and the answer's POST went to two different replicas.
        const call = hits.slice(before).find((h) => h.endsWith('tools/call'))!;
        const answer = hits.slice(before).find((h) => h.endsWith('answer'))!;
        expect(call).toMatch(/^POST r[012] tools\/call$/);
        expect(answer).toMatch(/^POST r[012] answer$/);
        expect(call.split(' ')[1]).not.toBe(answer.split(' ')[1]);
      }
      expect(asked).toEqual(['name 0?', 'name 1?', 'name 2?']);
    } finally {
      await client.close();
    }
  });

  it('closing the session on one replica ends it on all', async () => {
    const { urls, fetch } = await cluster();
    const client = new Client({ name: 'rr', version: '1' }, { protocolVersion: '2025-11-25' });
    const transport = new StreamableHttpClientTransport('http://balancer.invalid/mcp', { fetch });
    await client.connect(transport);
    await client.callTool('where', {});
    await client.callTool('where', {});
    const id = transport.sessionId!;
    await client.close(); // DELETE, to whichever replica is next
    for (const url of urls) {
      const res = await globalThis.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(res.status).toBe(404);
    }
    expect(handles.map((h) => h.handler.sessionCount)).toEqual([0, 0, 0]);
  });

  it('a message raised outside any request on a replica without the GET stream goes to the others over the bus, unless relayStandalone is off', async () => {
    for (const relayStandalone of [undefined, false]) {
      const { fetch, servers, relayed } = await cluster(relayStandalone);
      const client = new Client({ name: 'rr', version: '1' }, { protocolVersion: '2025-11-25' });
      await client.connect(new StreamableHttpClientTransport('http://balancer.invalid/mcp', { fetch, openStandaloneStream: false }));
      try {
        // Live, and initialized, on every replica.
        for (let i = 0; i < 4; i++) await client.callTool('where', {});
        relayed.length = 0;
        for (const server of servers) server.tool('added', {}, async () => ({ content: [] }));
        // No event store: nothing awaits between the registration's microtask and the relay.
        await new Promise((resolve) => setImmediate(resolve));
        const methods = relayed.map((m) => (m.message as { method?: string }).method);
        expect(methods, `relayStandalone: ${String(relayStandalone)}`).toEqual(relayStandalone === false ? [] : Array(3).fill('notifications/tools/list_changed'));
      } finally {
        await client.close();
        await Promise.all(handles.splice(0).map((h) => h.close()));
      }
    }
  });

  it('a DELETE whose revocation fails (say, Redis down) fails with 500 and leaves the session whole', async () => {
    let down = true;
    const memory = new MemorySessionRevocations();
    const revocations = {
      revoke: (id: string, until: number) => (down ? Promise.reject(new Error('revocations unreachable')) : memory.revoke(id, until)),
      isRevoked: (id: string) => memory.isRevoked(id),
    };
    const handle = await serveHttp(replica('only'), { gracefulShutdown: false, sealedSessions: { keys: [{ id: 'k1', secret: SECRET }], revocations } });
    handles.push(handle);
    const client = new Client({ name: 'del', version: '1' }, { protocolVersion: '2025-11-25' });
    const transport = new StreamableHttpClientTransport(handle.url);
    await client.connect(transport);
    const headers = { 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25' };
    const failed = await fetch(handle.url, { method: 'DELETE', headers });
    expect(failed.status).toBe(500);
    // Still the live session, not dropped (and left unclosed) to be restored from its id on the next request.
    expect(handle.handler.sessionCount).toBe(1);
    expect(((await client.callTool('where', {})).content[0] as { text: string }).text).toBe('only');
    down = false;
    const deleted = await fetch(handle.url, { method: 'DELETE', headers });
    expect(deleted.status).toBe(200);
    expect(handle.handler.sessionCount).toBe(0);
    await client.close();
  });
});
