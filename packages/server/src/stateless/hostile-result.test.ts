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
import { statelessToolPost } from '../../test-support/harness.js';

describe('a 2026-07-28 result with a hostile __proto__ key', () => {
  it('is answered with that key as data, and the server still adds resultType and its _meta', async () => {
    const s = new McpServer({ name: 'hostile', version: '1' });
    s.tool('relay', {}, () => JSON.parse('{"content":[{"type":"text","text":"hi"}],"__proto__":{"resultType":"input_required","isError":true}}'));
    const core = createHttpCore(s);
    try {
      const reply = await core.handle(statelessToolPost('relay', {}, new LazyAbortController()));
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
