/**
 * Lists: auto-pagination, and the cache — kept for `ttlMs` where the server gives one (2026-07-28), until
 * `list_changed` where the server promises it (session era), never when `cache: false`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProtocolViolationError } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { closeAll, connectTo, legacyServer, modernServer, newClient, nextEvent, requestsFor } from '../test-support/harness.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

const SESSION = { protocolVersion: '2025-11-25' } as const;

function toolServer(options: ConstructorParameters<typeof McpServer>[1] = {}, names = ['a', 'b', 'c', 'd', 'e']): McpServer {
  const server = new McpServer({ name: 'tools', version: '1' }, options);
  for (const n of names) server.tool(n, {}, () => ({ content: [] }));
  return server;
}

describe('pagination', () => {
  it.each([['2025-11-25'], ['2026-07-28']])('follows nextCursor over every page (%s)', async (protocolVersion) => {
    const { client, sent } = await connectTo(toolServer({ pageSize: 2 }), { protocolVersion });
    expect((await client.listTools()).map((t) => t.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const cursors = requestsFor(sent, 'tools/list').map((r) => r.params?.cursor);
    expect(cursors).toHaveLength(3);
    expect(cursors[0]).toBeUndefined();
    expect(new Set(cursors).size).toBe(3);
  });

  it('paginates prompts, resources and resource templates the same way', async () => {
    const server = new McpServer({ name: 'all', version: '1' }, { pageSize: 1 });
    for (const n of ['p1', 'p2']) server.prompt(n, {}, () => ({ messages: [] }));
    for (const n of ['r1', 'r2', 'r3']) server.resource(n, `mem://${n}`, {}, (uri) => ({ contents: [{ uri, text: n }] }));
    for (const n of ['t1', 't2']) server.resourceTemplate(n, `mem://${n}/{id}`, {}, (uri) => ({ contents: [{ uri, text: n }] }));
    const { client } = await connectTo(server);
    expect((await client.listPrompts()).map((p) => p.name)).toEqual(['p1', 'p2']);
    expect((await client.listResources()).map((r) => r.uri)).toEqual(['mem://r1', 'mem://r2', 'mem://r3']);
    expect((await client.listResourceTemplates()).map((t) => t.uriTemplate)).toEqual(['mem://t1/{id}', 'mem://t2/{id}']);
  });

  it('stops when the server repeats a cursor', async () => {
    const { server, transport } = await modernServer({ 'tools/list': () => ({ tools: [{ name: 'x', inputSchema: { type: 'object' } }], nextCursor: 'same' }) });
    const client = newClient();
    await client.connect(transport);
    expect(await client.listTools()).toHaveLength(2);
    expect(server.calls('tools/list')).toHaveLength(2);
  });

  it('refuses a page without the list array', async () => {
    const { transport } = await modernServer({ 'prompts/list': () => ({ items: [] }) });
    const client = newClient();
    await client.connect(transport);
    await expect(client.listPrompts()).rejects.toThrow(ProtocolViolationError);
  });
});

describe('session era: cached until list_changed', () => {
  it('serves a repeat from the cache, every page of it', async () => {
    const { client, sent } = await connectTo(toolServer({ pageSize: 2 }), SESSION);
    await client.listTools();
    const first = requestsFor(sent, 'tools/list').length;
    expect((await client.listTools()).map((t) => t.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(requestsFor(sent, 'tools/list')).toHaveLength(first);
  });

  it('sees a tool registered at runtime on the next listTools', async () => {
    const server = toolServer();
    const { client, sent } = await connectTo(server, SESSION);
    expect(await client.listTools()).toHaveLength(5);
    const changed = nextEvent(client, 'toolsChanged');
    server.tool('late', {}, () => ({ content: [] }));
    await changed;
    expect((await client.listTools()).map((t) => t.name)).toContain('late');
    expect(requestsFor(sent, 'tools/list')).toHaveLength(2);
  });

  it('drops resources and resource templates on resources/list_changed', async () => {
    const server = new McpServer({ name: 'r', version: '1' });
    server.resource('one', 'mem://one', {}, (uri) => ({ contents: [{ uri, text: '1' }] }));
    server.resourceTemplate('item', 'mem://item/{id}', {}, (uri) => ({ contents: [{ uri, text: 'i' }] }));
    const { client, sent } = await connectTo(server, SESSION);
    await client.listResources();
    await client.listResourceTemplates();
    const changed = nextEvent(client, 'resourcesChanged');
    server.resourceTemplate('other', 'mem://other/{id}', {}, (uri) => ({ contents: [{ uri, text: 'o' }] }));
    await changed;
    expect(await client.listResourceTemplates()).toHaveLength(2);
    await client.listResources();
    expect(requestsFor(sent, 'resources/list')).toHaveLength(2);
    expect(requestsFor(sent, 'resources/templates/list')).toHaveLength(2);
  });

  it('does not keep a page when list_changed arrived while it was in flight', async () => {
    let version = 0;
    const { server, transport } = await legacyServer(
      {
        'tools/list': async () => {
          const tools = [{ name: `v${version}`, inputSchema: { type: 'object' } }];
          if (version++ === 0) await server.notify('notifications/tools/list_changed');
          return { tools };
        },
      },
      { capabilities: { tools: { listChanged: true } } },
    );
    const client = newClient();
    await client.connect(transport);
    expect((await client.listTools()).map((t) => t.name)).toEqual(['v0']);
    expect((await client.listTools()).map((t) => t.name)).toEqual(['v1']);
    // v1 arrived with no change in flight: it is kept.
    expect((await client.listTools()).map((t) => t.name)).toEqual(['v1']);
    expect(server.calls('tools/list')).toHaveLength(2);
  });

  it('does not cache when the server does not promise list_changed', async () => {
    const { server, transport } = await legacyServer({ 'tools/list': () => ({ tools: [] }) }, { capabilities: { tools: {} } });
    const client = newClient();
    await client.connect(transport);
    await client.listTools();
    await client.listTools();
    expect(server.calls('tools/list')).toHaveLength(2);
  });

  it('never caches with cache: false', async () => {
    const { client, sent } = await connectTo(toolServer(), { ...SESSION, cache: false });
    await client.listTools();
    await client.listTools();
    expect(requestsFor(sent, 'tools/list')).toHaveLength(2);
  });
});

describe('stateless era: cached for ttlMs', () => {
  it('refetches every time under the default ttlMs 0', async () => {
    const { client, sent } = await connectTo(toolServer());
    await client.listTools();
    await client.listTools();
    expect(requestsFor(sent, 'tools/list')).toHaveLength(2);
  });

  it('keeps a result for ttlMs, then asks again', async () => {
    vi.useFakeTimers();
    const { client, sent } = await connectTo(toolServer({ cache: { ttlMs: 60_000 } }));
    await client.listTools();
    vi.advanceTimersByTime(59_999);
    await client.listTools();
    expect(requestsFor(sent, 'tools/list')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await client.listTools();
    expect(requestsFor(sent, 'tools/list')).toHaveLength(2);
  });

  it('does not keep results with a negative or missing ttlMs, even when listChanged is promised', async () => {
    let n = 0;
    const { server, transport } = await modernServer(
      { 'tools/list': () => (n++ % 2 === 0 ? { tools: [], ttlMs: -5 } : { tools: [] }) },
      { tools: { listChanged: true } },
    );
    const client = newClient();
    await client.connect(transport);
    for (let i = 0; i < 3; i++) await client.listTools();
    expect(server.calls('tools/list')).toHaveLength(3);
  });

  it('never caches with cache: false', async () => {
    const { client, sent } = await connectTo(toolServer({ cache: { ttlMs: 60_000 } }), { cache: false });
    await client.listTools();
    await client.listTools();
    expect(requestsFor(sent, 'tools/list')).toHaveLength(2);
  });

  it('drops cached results on list_changed (watchLists)', async () => {
    const server = toolServer({ cache: { ttlMs: 60_000 } });
    const { client, sent } = await connectTo(server, { watchLists: true });
    expect(await client.listTools()).toHaveLength(5);
    const changed = nextEvent(client, 'toolsChanged');
    server.tool('late', {}, () => ({ content: [] }));
    await changed;
    expect((await client.listTools()).map((t) => t.name)).toContain('late');
    expect(requestsFor(sent, 'tools/list')).toHaveLength(2);
  });
});

it('starts with an empty cache on every connect', async () => {
  const { client, sent } = await connectTo(toolServer(), SESSION);
  await client.listTools();
  await client.close();
  const { server: fake, transport } = await legacyServer({ 'tools/list': () => ({ tools: [{ name: 'other', inputSchema: { type: 'object' } }] }) }, { capabilities: { tools: { listChanged: true } } });
  await client.connect(transport);
  expect((await client.listTools()).map((t) => t.name)).toEqual(['other']);
  expect(fake.calls('tools/list')).toHaveLength(1);
  expect(requestsFor(sent, 'tools/list')).toHaveLength(1);
});
