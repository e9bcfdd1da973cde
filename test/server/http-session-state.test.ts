/**
 * Issue 10: session state (log level, resource subscriptions) shared by the replicas of a sealed session, with
 * the in-process store and bus (the Redis ones run in test/redis/replicas-session-state.test.ts). Real HTTP
 * servers behind mcpkit's client, whose fetch picks the replica of each request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { type JsonObject, type SessionMessageBus, type SessionState, type SessionStateStore, McpServer, MemorySessionMessageBus, MemorySessionRevocations, MemorySessionStateStore, SessionSealer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { InvalidArgumentError } from '@mcpkit/protocol';

const KEYS = [{ id: 'k1', secret: 'the-secret-every-replica-shares-0123456789' }];

function replica(index: number): McpServer {
  const server = new McpServer({ name: 'replicated', version: '1.0.0' }, { onError: () => undefined });
  server.tool('chatty', {}, async (_args, ctx) => {
    for (const level of ['debug', 'info', 'warning', 'error'] as const) await ctx.log(level, `r${index} ${level}`);
    return { content: [{ type: 'text', text: `r${index}` }] };
  });
  return server;
}

/** The JSON-RPC method a request body carries (GET and DELETE: none). */
function methodOf(init: RequestInit | undefined): string | undefined {
  return typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }).method : undefined;
}

describe('session state across replicas (memory stores)', () => {
  const handles: HttpServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  async function connect(route: (method: string | undefined) => number): Promise<{ client: Client; heard: string[] }> {
    const client = new Client({ name: 'state', version: '1' }, { protocolVersion: '2025-11-25' });
    const heard: string[] = [];
    client.on('log', (m) => void heard.push(String(m.data)));
    const routed: typeof fetch = (_input, init) => fetch(handles[route(methodOf(init))]!.url, init);
    await client.connect(new StreamableHttpClientTransport('http://balancer.invalid/mcp', { fetch: routed, openStandaloneStream: false }));
    return { client, heard };
  }

  it('a change heard while a replica takes the session over applies after the state it read', async () => {
    const inner = new MemorySessionStateStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const read = new Promise<void>((resolve) => (reading = resolve));
    // Reads the state, then waits: the replica taking over holds what was stored before the next change.
    const slow: SessionStateStore = {
      update: (id, patch, until) => inner.update(id, patch, until),
      async get(id): Promise<SessionState | undefined> {
        const state = await inner.get(id);
        reading();
        await gate;
        return state;
      },
    };
    const sealed = { keys: KEYS, revocations: new MemorySessionRevocations(), bus: new MemorySessionMessageBus(), state: slow };
    for (let i = 0; i < 2; i++) handles.push(await serveHttp(replica(i), { gracefulShutdown: false, sealedSessions: sealed }));
    // tools/call goes to replica 1 (which has not seen the session), everything else to replica 0.
    const { client, heard } = await connect((method) => (method === 'tools/call' ? 1 : 0));
    try {
      await client.setLogLevel('error');
      const call = client.callTool('chatty', {});
      await read;
      await client.setLogLevel('warning');
      release();
      expect(((await call).content[0] as { text: string }).text).toBe('r1');
      expect(heard).toEqual(['r1 warning', 'r1 error']);
    } finally {
      await client.close();
    }
  });

  it('a change is answered only once every replica holding the session has applied it (the bus says when it is heard)', async () => {
    // A bus that delivers 100 ms late, like a loaded Redis subscriber connection; publishHeard waits for delivery.
    const listeners = new Set<(sessionId: string, message: JsonObject) => void>();
    const deliver = (sessionId: string, message: JsonObject) =>
      new Promise<void>((resolve) => setTimeout(() => {
        for (const listener of listeners) listener(sessionId, message);
        resolve();
      }, 100));
    let heardPublishes = 0;
    const late: SessionMessageBus = {
      publish: async (sessionId, message) => void deliver(sessionId, message),
      publishHeard: async (sessionId, message) => {
        heardPublishes++;
        await deliver(sessionId, message);
      },
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const sealed = { keys: KEYS, revocations: new MemorySessionRevocations(), bus: late, state: new MemorySessionStateStore() };
    for (let i = 0; i < 2; i++) handles.push(await serveHttp(replica(i), { gracefulShutdown: false, sealedSessions: sealed }));
    // tools/call goes to replica 1, which holds a live copy after the first call; everything else to replica 0.
    const { client, heard } = await connect((method) => (method === 'tools/call' ? 1 : 0));
    try {
      await client.setLogLevel('error');
      await client.callTool('chatty', {});
      await client.setLogLevel('debug');
      await client.callTool('chatty', {});
      expect(heard).toEqual(['r1 error', 'r1 debug', 'r1 info', 'r1 warning', 'r1 error']);
      expect(heardPublishes).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('a change the store refuses is an error to the client and changes nothing', async () => {
    let fail = false;
    const inner = new MemorySessionStateStore();
    const flaky: SessionStateStore = {
      get: (id) => inner.get(id),
      update: async (id, patch, until) => {
        if (fail) throw new Error('the store is down');
        await inner.update(id, patch, until);
      },
    };
    handles.push(await serveHttp(replica(0), { gracefulShutdown: false, sealedSessions: { keys: KEYS, bus: new MemorySessionMessageBus(), state: flaky } }));
    const { client, heard } = await connect(() => 0);
    try {
      await client.setLogLevel('info');
      fail = true;
      await expect(client.setLogLevel('error')).rejects.toThrow();
      await client.callTool('chatty', {});
      expect(heard).toEqual(['r0 info', 'r0 warning', 'r0 error']);
    } finally {
      await client.close();
    }
  });

  it('a session too big to seal (a local id) hears each resource update once, through its own listener', async () => {
    const server = replica(0);
    server.resource('doc', 'mem://doc', {}, async () => ({ contents: [{ uri: 'mem://doc', text: 'doc' }] }));
    const sealedSessions = { keys: KEYS, bus: new MemorySessionMessageBus(), state: new MemorySessionStateStore(), maxPayloadBytes: 10 };
    handles.push(await serveHttp(server, { gracefulShutdown: false, sealedSessions }));
    const client = new Client({ name: 'local', version: '1' }, { protocolVersion: '2025-11-25' });
    let updates = 0;
    client.on('resourceUpdated', () => void updates++);
    const transport = new StreamableHttpClientTransport(handles[0]!.url);
    await client.connect(transport);
    try {
      expect(SessionSealer.looksSealed(transport.sessionId!)).toBe(false);
      await client.subscribeResource('mem://doc');
      // Raised until one is heard: the GET stream attaches a moment after connect.
      for (let i = 0; i < 50 && updates === 0; i++) {
        server.notifyResourceUpdated('mem://doc');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(updates).toBe(1);
      server.notifyResourceUpdated('mem://doc');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(updates).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('a state store without a bus is refused: live copies on other replicas would never learn a change', () => {
    expect(() => new SessionSealer({ keys: KEYS, state: new MemorySessionStateStore() })).toThrow(InvalidArgumentError);
  });
});
