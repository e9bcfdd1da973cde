/**
 * Resource subscriptions in both eras (session: resources/subscribe; 2026-07-28: one subscriptions/listen
 * stream carrying the union of what is wanted) and `watchLists` for list changes in the stateless era.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type JsonObject, ProtocolError, type RequestId, TimeoutError } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import {
  type FakeHandler,
  closeAll,
  collect,
  connectTo,
  fails,
  modernServer,
  newClient,
  nextEvent,
  peek,
  requestsFor,
} from '../test-support/harness.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

function resourceServer(): McpServer {
  const server = new McpServer({ name: 'r', version: '1' });
  for (const n of ['a', 'b']) server.resource(n, `mem://${n}`, {}, (uri) => ({ contents: [{ uri, text: n }] }));
  return server;
}

describe('session era', () => {
  it('subscribes with resources/subscribe and reports updates until unsubscribed', async () => {
    const server = resourceServer();
    const { client, sent } = await connectTo(server, { protocolVersion: '2025-11-25' });
    const updates = collect(client, 'resourceUpdated');
    await client.subscribeResource('mem://a');
    expect(requestsFor(sent, 'resources/subscribe')[0]!.params).toEqual({ uri: 'mem://a' });
    server.notifyResourceUpdated('mem://a');
    server.notifyResourceUpdated('mem://b');
    await client.ping();
    expect(updates).toEqual([{ uri: 'mem://a' }]);
    await client.unsubscribeResource('mem://a');
    expect(requestsFor(sent, 'resources/unsubscribe')[0]!.params).toEqual({ uri: 'mem://a' });
    server.notifyResourceUpdated('mem://a');
    await client.ping();
    expect(updates).toHaveLength(1);
    expect(requestsFor(sent, 'subscriptions/listen')).toHaveLength(0);
  });

  it('passes on the refusal of a server without resources', async () => {
    const server = new McpServer({ name: 'none', version: '1' });
    server.tool('t', {}, () => ({ content: [] }));
    const { client } = await connectTo(server, { protocolVersion: '2025-11-25' });
    await expect(client.subscribeResource('mem://a')).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
  });
});

describe('stateless era against McpServer', () => {
  it('opens subscriptions/listen, resolves once acknowledged, and delivers updates', async () => {
    const server = resourceServer();
    const { client, sent } = await connectTo(server);
    expect(client.era).toBe('stateless');
    await client.subscribeResource('mem://a');
    const listens = requestsFor(sent, 'subscriptions/listen');
    expect(listens).toHaveLength(1);
    expect(listens[0]!.params).toMatchObject({ notifications: { resourceSubscriptions: ['mem://a'] } });
    const updated = nextEvent(client, 'resourceUpdated');
    server.notifyResourceUpdated('mem://a');
    expect(await updated).toEqual({ uri: 'mem://a' });
  });

  it('reopens the stream with the union, cancels the old one, and drops a URI on unsubscribe', async () => {
    const server = resourceServer();
    const { client, sent } = await connectTo(server);
    const updates = collect(client, 'resourceUpdated');
    await client.subscribeResource('mem://a');
    await client.subscribeResource('mem://b');
    const listens = requestsFor(sent, 'subscriptions/listen');
    expect(listens.map((l) => (l.params?.notifications as JsonObject).resourceSubscriptions)).toEqual([['mem://a'], ['mem://a', 'mem://b']]);
    const cancelled = sent.filter((m) => 'method' in m && m.method === 'notifications/cancelled').map((m) => (m as { params: JsonObject }).params.requestId);
    expect(cancelled).toEqual([listens[0]!.id]);
    server.notifyResourceUpdated('mem://a');
    server.notifyResourceUpdated('mem://b');
    await client.ping();
    // Exactly one of each: the replaced stream no longer delivers.
    expect(updates).toEqual([{ uri: 'mem://a' }, { uri: 'mem://b' }]);
    await client.unsubscribeResource('mem://a');
    server.notifyResourceUpdated('mem://a');
    server.notifyResourceUpdated('mem://b');
    await client.ping();
    expect(updates.slice(2)).toEqual([{ uri: 'mem://b' }]);
  });
});

/** A scripted `subscriptions/listen`: refuses what `refuse` says, acknowledges the rest (unless `silentAck`), stays open until cancelled. */
function listenHandler(options: { refuse?: (filter: JsonObject) => boolean; silentAck?: boolean } = {}): { handler: FakeHandler; open: Map<RequestId, JsonObject> } {
  const open = new Map<RequestId, JsonObject>();
  const handler: FakeHandler = async (params, request, ctx) => {
    const filter = params.notifications as JsonObject;
    if (options.refuse?.(filter)) throw new ProtocolError(ErrorCode.InvalidParams, 'Invalid params: cannot subscribe');
    open.set(request.id, filter);
    const stopped = new Promise<JsonObject>((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        open.delete(request.id);
        resolve({ resultType: 'complete' });
      }),
    );
    if (!options.silentAck) await ctx.notify('notifications/subscriptions/acknowledged', { notifications: filter, _meta: { 'io.modelcontextprotocol/subscriptionId': request.id } });
    return stopped;
  };
  return { handler, open };
}

const uris = (filter: JsonObject | undefined): unknown => filter?.resourceSubscriptions;

describe('stateless era against a scripted server', () => {
  it('rejects at once when the server refuses subscriptions/listen', async () => {
    const { transport } = await modernServer({ 'subscriptions/listen': fails(ErrorCode.MethodNotFound, 'Method not found') });
    const client = newClient();
    await client.connect(transport);
    const failure = await client.subscribeResource('mem://a').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe(ErrorCode.MethodNotFound);
  });

  it('forgets a refused URI and keeps the stream that still works', async () => {
    const listen = listenHandler({ refuse: (f) => (uris(f) as string[]).includes('bad://x') });
    const { server, transport } = await modernServer({ 'subscriptions/listen': listen.handler });
    const client = newClient();
    await client.connect(transport);
    await client.subscribeResource('good://a');
    await expect(client.subscribeResource('bad://x')).rejects.toBeInstanceOf(ProtocolError);
    await client.ping();
    expect([...listen.open.values()].map(uris)).toEqual([['good://a']]);
    await client.subscribeResource('good://b');
    await client.ping();
    expect([...listen.open.values()].map(uris)).toEqual([['good://a', 'good://b']]);
    expect(server.calls('subscriptions/listen').map((r) => uris(r.params?.notifications as JsonObject))).toEqual([['good://a'], ['good://a', 'bad://x'], ['good://a', 'good://b']]);
  });

  it('gives up after 10 s without an acknowledgement, and cancels the stream', async () => {
    vi.useFakeTimers();
    const listen = listenHandler({ silentAck: true });
    const { transport } = await modernServer({ 'subscriptions/listen': listen.handler });
    const client = newClient();
    await client.connect(transport);
    const subscribing = client.subscribeResource('mem://a');
    await vi.advanceTimersByTimeAsync(9_999);
    expect((await peek(subscribing)).state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(subscribing).rejects.toBeInstanceOf(TimeoutError);
    await client.ping();
    expect(listen.open.size).toBe(0);
  });

  it('closes the stream when nothing is left to listen for', async () => {
    const listen = listenHandler();
    const { server, transport } = await modernServer({ 'subscriptions/listen': listen.handler });
    const client = newClient();
    await client.connect(transport);
    await client.subscribeResource('mem://a');
    await client.unsubscribeResource('mem://a');
    await client.ping();
    expect(listen.open.size).toBe(0);
    expect(server.calls('subscriptions/listen')).toHaveLength(1);
  });

  it('ignores unsubscribing a URI it never subscribed to', async () => {
    const listen = listenHandler();
    const { server, transport } = await modernServer({ 'subscriptions/listen': listen.handler });
    const client = newClient();
    await client.connect(transport);
    await client.unsubscribeResource('mem://never');
    expect(server.calls('subscriptions/listen')).toHaveLength(0);
  });

  it('stops the stream on close', async () => {
    const listen = listenHandler();
    const { transport } = await modernServer({ 'subscriptions/listen': listen.handler });
    const client = newClient();
    await client.connect(transport);
    await client.subscribeResource('mem://a');
    expect(listen.open.size).toBe(1);
    await client.close();
    expect(listen.open.size).toBe(0);
  });
});

describe('watchLists', () => {
  function listsServer(): McpServer {
    const server = new McpServer({ name: 'lists', version: '1' });
    server.tool('t', {}, () => ({ content: [] }));
    server.prompt('p', {}, () => ({ messages: [] }));
    server.resource('r', 'mem://r', {}, (uri) => ({ contents: [{ uri, text: '' }] }));
    return server;
  }

  it('opens a listen stream at connect in the stateless era and delivers list changes', async () => {
    const server = listsServer();
    const { client, sent } = await connectTo(server, { watchLists: true });
    expect(requestsFor(sent, 'subscriptions/listen')[0]!.params).toMatchObject({
      notifications: { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true },
    });
    const tools = nextEvent(client, 'toolsChanged');
    server.tool('late', {}, () => ({ content: [] }));
    await tools;
    const prompts = nextEvent(client, 'promptsChanged');
    server.prompt('late', {}, () => ({ messages: [] }));
    await prompts;
    const resources = nextEvent(client, 'resourcesChanged');
    server.resource('late', 'mem://late', {}, (uri) => ({ contents: [{ uri, text: '' }] }));
    await resources;
  });

  it('keeps watching lists after a resource subscription joins the stream', async () => {
    const server = listsServer();
    const { client, sent } = await connectTo(server, { watchLists: true });
    await client.subscribeResource('mem://r');
    expect(requestsFor(sent, 'subscriptions/listen').at(-1)!.params).toMatchObject({
      notifications: { toolsListChanged: true, resourceSubscriptions: ['mem://r'] },
    });
    const tools = nextEvent(client, 'toolsChanged');
    server.tool('late', {}, () => ({ content: [] }));
    await tools;
  });

  it('sends no listen request in the session era, where list changes come anyway', async () => {
    const server = listsServer();
    const { client, sent } = await connectTo(server, { watchLists: true, protocolVersion: '2025-11-25' });
    expect(requestsFor(sent, 'subscriptions/listen')).toHaveLength(0);
    const tools = nextEvent(client, 'toolsChanged');
    server.tool('late', {}, () => ({ content: [] }));
    await tools;
  });
});
