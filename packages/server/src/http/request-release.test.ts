/**
 * A finished HTTP request leaves nothing registered on its cancellation. node:http keeps the response object
 * (and the request's 'close' listener on it) for a while after the reply; anything registered there stays
 * reachable with it, and V8 then sees a whole request's objects survive and starts allocating them in the old
 * generation (issue 14: the 2026-07-28 rows lost 40% after session-era load).
 * @module
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, type JsonObject, LazyAbortController, ProtocolError } from '@mcpkit/protocol';
import { McpServer } from '../server.js';
import { createHttpCore } from './handler.js';
import { statelessToolPost } from '../../test-support/harness.js';

/** Counts registrations not yet forgotten. */
class CountingCancellation extends LazyAbortController {
  live = 0;
  override onAbort(callback: (reason: unknown) => void): () => void {
    const forget = super.onAbort(callback);
    this.live += 1;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.live -= 1;
      }
      forget();
    };
  }
}

function server(): McpServer {
  const s = new McpServer({ name: 'release', version: '1' });
  s.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => ({ content: [{ type: 'text', text: String(args.text) }] }));
  s.tool('slow', {}, async () => {
    await new Promise((r) => setTimeout(r, 5));
    return { content: [{ type: 'text', text: 'late' }] };
  });
  s.tool('refuse', {}, async () => {
    throw new ProtocolError(ErrorCode.InvalidParams, 'Invalid params: no');
  });
  s.tool('ask', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }, { key: 'name' });
    return { content: [{ type: 'text', text: String(answer.content?.name) }] };
  });
  return s;
}

const statelessCall = (name: string, args: JsonObject = {}) => statelessToolPost(name, args, new CountingCancellation(), { elicitation: {} });

describe('a finished HTTP request', () => {
  it('leaves nothing on its cancellation after a 2026-07-28 tool call, sync, async, refused or unknown', async () => {
    const core = createHttpCore(server());
    try {
      for (const name of ['echo', 'slow']) {
        const request = statelessCall(name, { text: 'hi' });
        const reply = await core.handle(request);
        expect(reply.status).toBe(200);
        expect(JSON.parse(reply.body!).result.content[0].text).toBe(name === 'echo' ? 'hi' : 'late');
        expect(request.cancellation.live).toBe(0);
      }
      const refused = statelessCall('refuse');
      const reply = await core.handle(refused);
      expect(JSON.parse(reply.body!).error.code).toBe(ErrorCode.InvalidParams);
      expect(refused.cancellation.live).toBe(0);
      // An unknown tool is refused before any handler runs (tools/call throws as it is called).
      const unknown = statelessCall('nope');
      expect(JSON.parse((await core.handle(unknown)).body!).error.code).toBe(ErrorCode.InvalidParams);
      expect(unknown.cancellation.live).toBe(0);
    } finally {
      await core.close();
    }
  });

  it('leaves nothing on its cancellation when the call ends asking for input', async () => {
    const core = createHttpCore(server());
    try {
      const request = statelessCall('ask');
      const reply = await core.handle(request);
      expect(JSON.parse(reply.body!).result.resultType).toBe('input_required');
      expect(request.cancellation.live).toBe(0);
    } finally {
      await core.close();
    }
  });

  it('still cancels a call whose client leaves while it runs, and forgets it after', async () => {
    const s = new McpServer({ name: 'release', version: '1' });
    let aborted = false;
    s.tool('hang', {}, (_args, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => ((aborted = true), resolve({ content: [] })))));
    const core = createHttpCore(s);
    try {
      const request = statelessCall('hang');
      const pending = core.handle(request);
      await new Promise((r) => setTimeout(r, 5));
      expect(request.cancellation.live).toBe(1);
      request.cancellation.abort(new Error('client disconnected'));
      await pending;
      expect(aborted).toBe(true);
      expect(request.cancellation.live).toBe(0);
    } finally {
      await core.close();
    }
  });
});
