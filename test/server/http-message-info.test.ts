/**
 * What a handler sees of its HTTP request through `ctx.info`, in each path that builds it: the session era
 * with and without an event store (the store adds `closeStream` to the same info), and 2026-07-28. The info
 * is a class instance whose `headers` getter lives on the prototype; a spread or a copy of it would lose the
 * headers, which these tests would see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, McpServer } from '@mcpkit/server';
import { serveHttp, type HttpServerHandle } from '@mcpkit/server/node';
import { type Json, HttpSession, lastMessage, post, resultOf, statelessRequest } from '../helpers/http.js';

function probeServer(): McpServer {
  const server = new McpServer({ name: 'info-probe', version: '0.0.0' });
  server.tool('probe', { inputSchema: { type: 'object', properties: {} } }, (_args, ctx) => {
    const info = ctx.info;
    const seen = {
      probe: info?.headers?.['x-probe'] ?? null,
      // The getter copies once: a second read is the same object.
      stable: info?.headers === info?.headers,
      closeStream: typeof info?.closeStream,
      principal: ctx.principal?.id ?? null,
      keys: Object.keys(info?.headers ?? {}).includes('x-probe'),
    };
    return { content: [{ type: 'text', text: JSON.stringify(seen) }] };
  });
  return server;
}

const seenOf = (m: Json) => JSON.parse(((resultOf(m).content as Array<{ text: string }>)[0]!).text) as Json;

describe.each([
  ['without an event store', false],
  ['with an event store', true],
])('session era, %s', (_name, withStore) => {
  let handle: HttpServerHandle;
  beforeAll(async () => {
    handle = await serveHttp(probeServer(), { port: 0, ...(withStore ? { eventStore: new InMemoryEventStore() } : {}) });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('a tool reads the request headers through ctx.info, and closeStream exists only with a store', async () => {
    const session = await HttpSession.open(handle.url);
    const r = await session.request(1, 'tools/call', { name: 'probe', arguments: {} });
    // The session helper sends no x-probe: a second request with it must see it, the first must not.
    expect(seenOf(lastMessage(r))).toMatchObject({ probe: null, stable: true, closeStream: withStore ? 'function' : 'undefined', principal: null });
    const r2 = await post(handle.url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'probe', arguments: {} } }, session.headers({ 'x-probe': 'abc' }));
    expect(seenOf(lastMessage(r2))).toMatchObject({ probe: 'abc', stable: true, keys: true, closeStream: withStore ? 'function' : 'undefined' });
  });
});

describe('2026-07-28', () => {
  let handle: HttpServerHandle;
  beforeAll(async () => {
    handle = await serveHttp(probeServer(), { port: 0 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('a tool reads the request headers through ctx.info', async () => {
    const { body, headers } = statelessRequest(1, 'tools/call', { name: 'probe', arguments: {} });
    const r = await post(handle.url, body, { ...headers, 'x-probe': 'xyz' });
    expect(seenOf(lastMessage(r))).toMatchObject({ probe: 'xyz', stable: true, keys: true, closeStream: 'undefined', principal: null });
  });
});
