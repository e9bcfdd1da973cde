/**
 * A 2026-07-28 result is copied before the server adds `resultType` and `_meta` (complete() in execute.ts). A
 * handler's result can be JSON from elsewhere (the gateway relays an upstream's): an own `__proto__` key in it
 * stays a key of the answer and never becomes the copy's prototype.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { LazyAbortController } from '@mcpkit/protocol';
import { McpServer } from '../server.js';
import { createHttpCore } from '../http/handler.js';

const STATELESS = '2026-07-28';

describe('a 2026-07-28 result with a hostile __proto__ key', () => {
  it('is answered with that key as data, and the server still adds resultType and its _meta', async () => {
    const s = new McpServer({ name: 'hostile', version: '1' });
    s.tool('relay', {}, () => JSON.parse('{"content":[{"type":"text","text":"hi"}],"__proto__":{"resultType":"input_required","isError":true}}'));
    const core = createHttpCore(s);
    try {
      const headers: Record<string, string> = {
        host: '127.0.0.1',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': STATELESS,
        'mcp-method': 'tools/call',
        'mcp-name': 'relay',
      };
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'relay', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': STATELESS, 'io.modelcontextprotocol/clientCapabilities': {} } },
      });
      const reply = await core.handle({
        method: 'POST',
        path: '/mcp',
        cancellation: new LazyAbortController(),
        header: (name) => headers[name] ?? null,
        headers: () => ({ ...headers }),
        text: async () => body,
      });
      expect(reply.status).toBe(200);
      const result = JSON.parse(reply.body!).result as Record<string, unknown>;
      expect(result.resultType).toBe('complete');
      expect(result.isError).toBeUndefined();
      expect(Object.hasOwn(result, '__proto__')).toBe(true);
      expect((result._meta as Record<string, unknown>)['io.modelcontextprotocol/serverInfo']).toEqual({ name: 'hostile', version: '1' });
    } finally {
      await core.close();
    }
  });
});
