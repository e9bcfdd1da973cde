import { describe, expect, it } from 'vitest';
import { LazyAbortController, META_CLIENT_CAPABILITIES, META_PROTOCOL_VERSION } from '@mcpkit/protocol';
import { McpServer } from '../server.js';
import { createHttpCore } from './handler.js';
import type { HttpRequestLike } from './request.js';
import { statelessToolPost } from '../../test-support/harness.js';

/** A 2026-07-28 tools/call that asks for progress (so a tool's progress makes the reply SSE). */
function withProgress(name: string): HttpRequestLike {
  const headers: Record<string, string> = {
    host: '127.0.0.1',
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': name,
  };
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 7,
    method: 'tools/call',
    params: { name, arguments: {}, _meta: { [META_PROTOCOL_VERSION]: '2026-07-28', [META_CLIENT_CAPABILITIES]: {}, progressToken: 'p' } },
  });
  return { method: 'POST', path: '/mcp', cancellation: new LazyAbortController(), header: (h) => headers[h] ?? null, headers: () => ({ ...headers }), text: async () => body };
}

function server(reported: unknown[]): McpServer {
  const s = new McpServer({ name: 'stateless-post', version: '1' }, { onError: (error) => reported.push(error) });
  // JSON cannot carry a BigInt: the reply cannot be written, whatever the handler meant.
  s.tool('bigint', {}, () => ({ content: [{ type: 'text', text: 'x' }], structuredContent: { n: 10n as unknown as number } }));
  s.tool('bigint-after-progress', {}, async (_args, ctx) => {
    await ctx.progress(1, 2);
    return { content: [{ type: 'text', text: 'x' }], structuredContent: { n: 10n as unknown as number } };
  });
  s.tool('progresses', {}, async (_args, ctx) => {
    await ctx.progress(1, 2);
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return s;
}

/** The reply, or a failure after `ms` (a reply that never comes is the bug). */
function within<T>(promise: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms))]);
}

/** Collects an SSE reply's text until the stream ends. */
function drain(sse: { attach(sink: { write(text: string): void; end(): void }): void }): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    sse.attach({ write: (t) => (text += t), end: () => resolve(text) });
  });
}

describe('a 2026-07-28 POST whose result cannot be written', () => {
  it('answers 500 Internal error and reports the cause, rather than never answering', async () => {
    const reported: unknown[] = [];
    const core = createHttpCore(server(reported));
    try {
      const reply = await within(core.handle(statelessToolPost('bigint', {}, new LazyAbortController())));
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.body!)).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' } });
      expect(reported.some((e) => e instanceof TypeError && /BigInt/.test(e.message))).toBe(true);
    } finally {
      await core.close();
    }
  });

  it('ends an SSE reply that already carried notifications', async () => {
    const reported: unknown[] = [];
    const core = createHttpCore(server(reported));
    try {
      const reply = await within(core.handle(withProgress('bigint-after-progress')));
      expect(reply.sse).toBeDefined();
      const text = await within(drain(reply.sse!));
      expect(text).toContain('notifications/progress');
      expect(reported.some((e) => e instanceof TypeError)).toBe(true);
    } finally {
      await core.close();
    }
  });

  it('still streams notifications then the result when all is well', async () => {
    const core = createHttpCore(server([]));
    try {
      const reply = await within(core.handle(withProgress('progresses')));
      const events = (await within(drain(reply.sse!))).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
      expect(events.map((e) => e.method ?? 'response')).toEqual(['notifications/progress', 'response']);
      expect(events[1].result.content[0].text).toBe('done');
    } finally {
      await core.close();
    }
  });
});
