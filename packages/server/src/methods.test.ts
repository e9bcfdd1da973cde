/**
 * Issue 13: custom request methods (`server.method()`), in both eras, over the in-memory transport and HTTP.
 */
import { describe, it, expect, expectTypeOf } from 'vitest';
import { z } from 'zod';
import { ErrorCode, InvalidArgumentError } from '@mcpkit/protocol';
import { type McpServer, createHttpHandler } from './index.js';
import { STATELESS, connect, createServer, sessionWith, statelessMeta } from '../test-support/harness.js';

function reindex(s: McpServer): void {
  s.method('acme/reindex', { index: z.string(), full: z.boolean().optional() }, async ({ index, full }, ctx) => {
    expectTypeOf(index).toEqualTypeOf<string>();
    await ctx.progress(1, 1);
    return { reindexed: index, full: full ?? false, era: ctx.era, caller: ctx.principal?.id ?? null };
  });
}

describe('custom methods (issue 13)', () => {
  it('answers in the session era after initialize, with validated params', async () => {
    const conn = await sessionWith(reindex);
    expect(await conn.request('acme/reindex', { index: 'docs', full: true })).toEqual({ reindexed: 'docs', full: true, era: 'session', caller: null });
  });

  it('answers in the 2026-07-28 era with resultType and serverInfo like any result; _meta is not part of the params', async () => {
    const conn = await sessionWith(reindex);
    const result = await conn.stateless('acme/reindex', { index: 'docs' });
    expect(result).toMatchObject({ reindexed: 'docs', full: false, era: 'stateless', resultType: 'complete' });
    expect(result._meta).toHaveProperty(['io.modelcontextprotocol/serverInfo']);
  });

  it('refuses a 2026-07-28 request without _meta like other requests (-32602)', async () => {
    const { server } = createServer();
    reindex(server);
    const handler = createHttpHandler(server, { allowedHosts: false });
    const res = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': STATELESS, 'mcp-method': 'acme/reindex' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'acme/reindex', params: { index: 'x' } }),
      }),
    );
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(ErrorCode.InvalidParams);
    expect(body.error.message).toContain('_meta');
    await server.close();
  });

  it('answers invalid params with -32602 naming the field, in both eras', async () => {
    const conn = await sessionWith(reindex);
    for (const error of [await conn.error('acme/reindex', { index: 7 }), await conn.statelessError('acme/reindex', {})]) {
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toContain('params.index');
    }
  });

  it('is served over HTTP in the stateless era (Mcp-Method header) and over an HTTP session', async () => {
    const { server } = createServer();
    reindex(server);
    const handler = createHttpHandler(server, { allowedHosts: false });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const stateless = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { ...headers, 'mcp-protocol-version': STATELESS, 'mcp-method': 'acme/reindex' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'acme/reindex', params: { index: 'web', _meta: statelessMeta() } }),
      }),
    );
    expect(((await stateless.json()) as { result: object }).result).toMatchObject({ reindexed: 'web', resultType: 'complete' });
    const init = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      }),
    );
    const sid = init.headers.get('mcp-session-id')!;
    await init.text();
    const call = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { ...headers, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'acme/reindex', params: { index: 'session' } }),
      }),
    );
    expect(((await call.json()) as { result: object }).result).toMatchObject({ reindexed: 'session', era: 'session' });
    await server.close();
  });

  it('goes through middleware like MCP methods', async () => {
    const seen: string[] = [];
    const conn = await sessionWith((s) => {
      reindex(s);
      s.use(async (request, next) => {
        seen.push(`${request.era}:${request.method}`);
        return next();
      });
    });
    await conn.request('acme/reindex', { index: 'a' });
    await conn.stateless('acme/reindex', { index: 'b' });
    expect(seen).toContain('session:acme/reindex');
    expect(seen).toContain('stateless:acme/reindex');
  });

  it('cannot ask the client for input in the 2026-07-28 era (only tools, resources and prompts can), but can in a session', async () => {
    const conn = await sessionWith(
      (s) =>
        s.method('acme/ask', {}, async (_p, ctx) => {
          const r = await ctx.elicit({ message: 'ok?', requestedSchema: { type: 'object', properties: {} } });
          return { action: r.action };
        }),
      {},
      { capabilities: { elicitation: {} }, onRequest: () => ({ action: 'accept', content: {} }) },
    );
    expect(await conn.request('acme/ask', {})).toEqual({ action: 'accept' });
    const error = await conn.statelessError('acme/ask', {}, { capabilities: { elicitation: {} } });
    expect(error.code).toBe(ErrorCode.InternalError);
  });

  it('is -32601 once removed, and while disabled', async () => {
    const { server } = createServer();
    const handle = server.method('acme/ping', {}, () => ({ pong: true }));
    const live = await connect(server);
    await live.initialize();
    expect(await live.request('acme/ping')).toEqual({ pong: true });
    handle.disable();
    expect((await live.error('acme/ping')).code).toBe(ErrorCode.MethodNotFound);
    handle.enable();
    handle.remove();
    expect((await live.statelessError('acme/ping')).code).toBe(ErrorCode.MethodNotFound);
  });

  it('refuses, at registration, names MCP uses or may use, JSON-RPC reserved names and duplicates', () => {
    const { server } = createServer();
    for (const name of ['tools/call', 'initialize', 'ping', 'sampling/createMessage', 'tasks/get', 'tools/anything', 'notifications/acme', 'rpc.discover', '', 'has space']) {
      expect(() => server.method(name, {}, () => ({})), name).toThrow(InvalidArgumentError);
    }
    server.method('acme/one', {}, () => ({}));
    expect(() => server.method('acme/one', {}, () => ({}))).toThrow(/already registered/);
  });
});
