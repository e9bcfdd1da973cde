import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { ErrorCode, ProtocolError, type JsonObject } from '@mcpkit/protocol';
import type { McpRequest, McpServer } from './index.js';
import { connect, createServer, sessionWith, textOf } from '../test-support/harness.js';

function withEcho(server: McpServer): void {
  server.tool('echo', { inputSchema: { text: z.string() } }, (args) => ({ content: [{ type: 'text', text: args.text }] }));
  server.tool('secret', { description: 'not for everyone' }, () => ({ content: [{ type: 'text', text: 's3cret' }] }));
  server.prompt('greet', { arguments: [{ name: 'who' }] }, (args) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `hello ${String(args.who)}` } }],
  }));
  server.resource('readme', 'demo://readme', {}, (uri) => ({ contents: [{ uri, text: 'read me' }] }));
}

describe('server.use(): one chain around every request, both eras', () => {
  it('sees method, target, arguments and era for session-era requests, outermost first', async () => {
    const seen: string[] = [];
    const conn = await sessionWith((s) => {
      withEcho(s);
      s.use(async (request, next) => {
        seen.push(`outer ${request.era} ${request.method} ${request.target ?? '-'} ${JSON.stringify(request.arguments ?? null)}`);
        const result = await next();
        seen.push(`outer done ${request.method}`);
        return result;
      });
      s.use(async (request, next) => {
        seen.push(`inner ${request.method}`);
        return next();
      });
    });
    await conn.request('tools/call', { name: 'echo', arguments: { text: 'hi' } });
    await conn.request('prompts/get', { name: 'greet', arguments: { who: 'ann' } });
    await conn.request('resources/read', { uri: 'demo://readme' });
    // initialize and notifications/initialized were sent before; initialize went through the chain too.
    expect(seen.filter((l) => !l.includes('initialize') && !l.includes('ping'))).toEqual([
      'outer session tools/call echo {"text":"hi"}',
      'inner tools/call',
      'outer done tools/call',
      'outer session prompts/get greet {"who":"ann"}',
      'inner prompts/get',
      'outer done prompts/get',
      'outer session resources/read demo://readme null',
      'inner resources/read',
      'outer done resources/read',
    ]);
    expect(seen[0]).toContain('initialize');
  });

  it('sees stateless requests with their revision, including server/discover', async () => {
    const { server } = createServer();
    withEcho(server);
    const seen: Array<[string, string, string | undefined]> = [];
    server.use(async (r, next) => {
      seen.push([r.era, r.method, r.protocolVersion]);
      return next();
    });
    const conn = await connect(server);
    await conn.stateless('server/discover');
    const result = await conn.stateless('tools/call', { name: 'echo', arguments: { text: 'x' } });
    expect(textOf(result)).toBe('x');
    expect(seen).toEqual([
      ['stateless', 'server/discover', '2026-07-28'],
      ['stateless', 'tools/call', '2026-07-28'],
    ]);
  });

  it('refuses with the ProtocolError a middleware throws, and the handler never runs', async () => {
    let ran = 0;
    const conn = await sessionWith((s) => {
      s.tool('secret', {}, () => {
        ran += 1;
        return { content: [] };
      });
      s.use((request, next) => {
        if (request.target === 'secret') throw new ProtocolError(ErrorCode.InvalidRequest, 'Forbidden: secret needs scope admin');
        return next();
      });
    });
    const error = await conn.error('tools/call', { name: 'secret', arguments: {} });
    expect(error.code).toBe(ErrorCode.InvalidRequest);
    expect(error.message).toContain('needs scope admin');
    expect(ran).toBe(0);
  });

  it('rewrites params before the handler and results after it, without touching the cached list', async () => {
    const conn = await sessionWith((s) => {
      withEcho(s);
      s.use(async (request, next) => {
        if (request.method === 'tools/call') request.params = { ...request.params, arguments: { text: 'rewritten' } };
        const result = await next();
        if (request.method === 'tools/list') {
          const tools = (result.tools as JsonObject[]).filter((t) => t.name !== 'secret');
          return { ...result, tools };
        }
        return result;
      });
    });
    expect(textOf(await conn.request('tools/call', { name: 'echo', arguments: { text: 'original' } }))).toBe('rewritten');
    const first = (await conn.request('tools/list')) as { tools: JsonObject[] };
    const second = (await conn.request('tools/list')) as { tools: JsonObject[] };
    expect(first.tools.map((t) => t.name)).toEqual(['echo']);
    expect(second.tools.map((t) => t.name)).toEqual(['echo']);
  });

  it('observes errors and durations: an unknown tool reaches middleware as the -32602 the client gets', async () => {
    const outcomes: Array<{ method: string; code?: number; ms: number }> = [];
    const conn = await sessionWith((s) => {
      withEcho(s);
      s.use(async (request, next) => {
        try {
          const result = await next();
          outcomes.push({ method: request.method, ms: performance.now() - request.startedAt });
          return result;
        } catch (error) {
          outcomes.push({ method: request.method, code: (error as ProtocolError).code, ms: performance.now() - request.startedAt });
          throw error;
        }
      });
    });
    outcomes.length = 0;
    const error = await conn.error('tools/call', { name: 'nope', arguments: {} });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ method: 'tools/call', code: ErrorCode.InvalidParams });
    expect(outcomes[0]!.ms).toBeGreaterThanOrEqual(0);
  });

  it('answers with a middleware result without calling next, and refuses a second next()', async () => {
    let ran = 0;
    const conn = await sessionWith((s) => {
      s.tool('cached', {}, () => {
        ran += 1;
        return { content: [{ type: 'text', text: 'fresh' }] };
      });
      s.use(async (request, next) => {
        if (request.method === 'tools/call' && request.arguments?.twice) {
          await next();
          return next();
        }
        if (request.method === 'tools/call') return { content: [{ type: 'text', text: 'from cache' }] };
        return next();
      });
    });
    expect(textOf(await conn.request('tools/call', { name: 'cached', arguments: {} }))).toBe('from cache');
    expect(ran).toBe(0);
    const error = await conn.error('tools/call', { name: 'cached', arguments: { twice: true } });
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(ran).toBe(1);
  });

  it('a stateless MRTR round passes the chain once per attempt and the final answer comes through', async () => {
    const { server } = createServer();
    const methods: string[] = [];
    server.tool('ask', {}, async (_args, ctx) => {
      const answer = await ctx.elicit({ message: 'name?', requestedSchema: { type: 'object', properties: { n: { type: 'string' } } } });
      return { content: [{ type: 'text', text: String((answer.content as JsonObject | undefined)?.n) }] };
    });
    server.use(async (r: McpRequest, next) => {
      const result = await next();
      methods.push(`${r.method}:${String(result.resultType ?? 'complete')}`);
      return result;
    });
    const conn = await connect(server);
    const caps = { capabilities: { elicitation: { form: {} } } };
    const first = await conn.stateless('tools/call', { name: 'ask', arguments: {} }, caps);
    expect(first.resultType).toBe('input_required');
    const key = Object.keys(first.inputRequests as JsonObject)[0]!;
    const second = await conn.stateless(
      'tools/call',
      { name: 'ask', arguments: {}, requestState: first.requestState, inputResponses: { [key]: { action: 'accept', content: { n: 'ada' } } } },
      caps,
    );
    expect(textOf(second)).toBe('ada');
    expect(methods).toEqual(['tools/call:input_required', 'tools/call:complete']);
  });

  it('rejects something that is not a function', () => {
    const { server } = createServer();
    expect(() => server.use('nope' as never)).toThrow(TypeError);
  });
});
