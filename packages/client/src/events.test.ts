/**
 * Client events: list changes, resource updates, log messages (both eras), raw notifications, close, and
 * listeners that throw.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallToolResult } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { closeAll, collect, connectTo, legacyServer, newClient, nextEvent, requestsFor } from '../test-support/harness.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

const SESSION = { protocolVersion: '2025-11-25' } as const;

function server(): McpServer {
  const s = new McpServer({ name: 'ev', version: '1' });
  s.tool('chatty', {}, async (_args, ctx): Promise<CallToolResult> => {
    await ctx.log('info', { step: 1 }, 'worker');
    await ctx.log('error', 'bad thing');
    return { content: [] };
  });
  s.prompt('p', {}, () => ({ messages: [] }));
  s.resource('r', 'mem://r', {}, (uri) => ({ contents: [{ uri, text: '' }] }));
  return s;
}

describe('list changes (session era)', () => {
  it('emits toolsChanged, promptsChanged and resourcesChanged as the server registers and removes', async () => {
    const s = server();
    const { client } = await connectTo(s, SESSION);
    const seen: string[] = [];
    client.on('toolsChanged', () => seen.push('tools'));
    client.on('promptsChanged', () => seen.push('prompts'));
    client.on('resourcesChanged', () => seen.push('resources'));
    const tool = s.tool('late', {}, () => ({ content: [] }));
    s.prompt('late', {}, () => ({ messages: [] }));
    s.resourceTemplate('late', 'mem://late/{id}', {}, (uri) => ({ contents: [{ uri, text: '' }] }));
    await client.ping();
    expect(seen.sort()).toEqual(['prompts', 'resources', 'tools']);
    const removed = nextEvent(client, 'toolsChanged');
    tool.remove();
    await removed;
  });

  it('reports every notification on "notification" too', async () => {
    const s = server();
    const { client } = await connectTo(s, SESSION);
    const methods = collect(client, 'notification');
    s.notifyListChanged('tools');
    await client.ping();
    expect(methods.map((n) => n.method)).toEqual(['notifications/tools/list_changed']);
  });
});

describe('resourceUpdated', () => {
  it('carries the URI', async () => {
    const s = server();
    const { client } = await connectTo(s, SESSION);
    await client.subscribeResource('mem://r');
    const updated = nextEvent(client, 'resourceUpdated');
    s.notifyResourceUpdated('mem://r');
    expect(await updated).toEqual({ uri: 'mem://r' });
  });

  it('ignores an update without a URI', async () => {
    const { server: fake, transport } = await legacyServer();
    const client = newClient();
    await client.connect(transport);
    const updates = collect(client, 'resourceUpdated');
    const all = collect(client, 'notification');
    await fake.notify('notifications/resources/updated', {});
    await client.ping();
    expect(updates).toEqual([]);
    expect(all).toHaveLength(1);
  });
});

describe('log', () => {
  it('session era: server logs reach the client, filtered by setLogLevel', async () => {
    const s = server();
    const { client, sent } = await connectTo(s, SESSION);
    const logs = collect(client, 'log');
    s.log('warning', { disk: 'full' }, 'storage');
    await client.ping();
    expect(logs).toEqual([{ level: 'warning', data: { disk: 'full' }, logger: 'storage' }]);
    await client.setLogLevel('error');
    expect(requestsFor(sent, 'logging/setLevel')[0]!.params).toEqual({ level: 'error' });
    s.log('warning', 'dropped');
    s.log('critical', 'kept');
    await client.ping();
    expect(logs.slice(1)).toEqual([{ level: 'critical', data: 'kept' }]);
  });

  it('stateless era: request logs arrive only once a level is set', async () => {
    const { client } = await connectTo(server());
    expect(client.era).toBe('stateless');
    const logs = collect(client, 'log');
    await client.callTool('chatty');
    expect(logs).toEqual([]);
    await client.setLogLevel('info');
    await client.callTool('chatty');
    expect(logs).toEqual([
      { level: 'info', data: { step: 1 }, logger: 'worker' },
      { level: 'error', data: 'bad thing' },
    ]);
    await client.setLogLevel('error');
    await client.callTool('chatty');
    expect(logs.slice(2)).toEqual([{ level: 'error', data: 'bad thing' }]);
  });
});

describe('listeners', () => {
  it('stop hearing once unsubscribed', async () => {
    const s = server();
    const { client } = await connectTo(s, SESSION);
    const listener = vi.fn();
    const off = client.on('toolsChanged', listener);
    s.notifyListChanged('tools');
    await client.ping();
    off();
    s.notifyListChanged('tools');
    await client.ping();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener does not stop the others and surfaces as "error"', async () => {
    const s = server();
    const { client } = await connectTo(s, SESSION);
    const boom = new Error('listener bug');
    const errors = collect(client, 'error');
    const after = vi.fn();
    client.on('toolsChanged', () => {
      throw boom;
    });
    client.on('toolsChanged', after);
    s.notifyListChanged('tools');
    await client.ping();
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([boom]);
  });

  it('a throwing "error" listener neither recurses nor silences the other listeners', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const s = server();
    const { client } = await connectTo(s, SESSION);
    const errorCalls = vi.fn();
    client.on('error', () => {
      errorCalls();
      throw new Error('error listener bug');
    });
    const otherError = vi.fn();
    client.on('error', otherError);
    const after = vi.fn();
    client.on('toolsChanged', () => {
      throw new Error('listener bug');
    });
    client.on('toolsChanged', after);
    s.notifyListChanged('tools');
    await client.ping();
    expect(after).toHaveBeenCalledTimes(1);
    expect(errorCalls).toHaveBeenCalledTimes(1);
    expect(otherError).toHaveBeenCalledTimes(1);
    // Nowhere left to report it but the console.
    expect(report).toHaveBeenCalled();
  });
});

describe('close', () => {
  it('is emitted when the client closes', async () => {
    const { client } = await connectTo(server(), SESSION);
    const closed = vi.fn();
    client.on('close', closed);
    await client.close();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(client.closed).toBe(true);
  });

  it('is emitted when the server goes away', async () => {
    const s = server();
    const { client } = await connectTo(s);
    const closed = nextEvent(client, 'close');
    await s.close();
    await closed;
    expect(client.closed).toBe(true);
  });
});
