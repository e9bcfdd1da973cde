/**
 * Issue 13: the official SDK's `tool()` argument orders beside ours, and handlers that return a string or a
 * plain object. Driven through the public API in both eras.
 */
import { describe, it, expect, expectTypeOf } from 'vitest';
import { z } from 'zod';
import { ErrorCode, InvalidArgumentError, type JsonObject } from '@mcpkit/protocol';
import type { CallToolResult, McpServer, ToolHandler } from './index.js';
import { connect, createServer, sessionWith } from '../test-support/harness.js';

type Listed = { name: string; description?: string; inputSchema: JsonObject; outputSchema?: JsonObject };

async function listTools(setup: (s: McpServer) => void): Promise<Map<string, Listed>> {
  const conn = await sessionWith(setup);
  const { tools } = (await conn.request('tools/list')) as { tools: Listed[] };
  return new Map(tools.map((t) => [t.name, t]));
}

/** Calls a tool in both eras; returns [session result, stateless result without the stateless-only members]. */
async function callBoth(setup: (s: McpServer) => void, name: string, args: JsonObject = {}): Promise<[JsonObject, JsonObject]> {
  const conn = await sessionWith(setup);
  const session = await conn.request('tools/call', { name, arguments: args });
  const { resultType, _meta, ...stateless } = await conn.stateless('tools/call', { name, arguments: args });
  expect(resultType).toBe('complete');
  return [session, stateless];
}

describe('tool(): the argument forms (issue 13)', () => {
  it('takes (name, description, shape, handler), the official SDK order', async () => {
    const setup = (s: McpServer) => s.tool('add', 'Adds two numbers', { a: z.number(), b: z.number() }, ({ a, b }) => String(a + b));
    const tools = await listTools(setup);
    expect(tools.get('add')).toMatchObject({ description: 'Adds two numbers', inputSchema: { type: 'object', required: ['a', 'b'] } });
    for (const result of await callBoth(setup, 'add', { a: 2, b: 3 })) expect(result).toEqual({ content: [{ type: 'text', text: '5' }] });
  });

  it('takes (name, shape, handler) and validates arguments like the config form', async () => {
    const setup = (s: McpServer) => s.tool('shout', { text: z.string().min(1) }, ({ text }) => text.toUpperCase());
    const [session, stateless] = await callBoth(setup, 'shout', { text: '' });
    for (const r of [session, stateless]) {
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toContain('arguments.text');
    }
    const [ok] = await callBoth(setup, 'shout', { text: 'hi' });
    expect(ok).toEqual({ content: [{ type: 'text', text: 'HI' }] });
  });

  it('takes a Standard Schema object or a JSON Schema in the schema position', async () => {
    const tools = await listTools((s) => {
      s.tool('zod', z.object({ q: z.string() }), ({ q }) => q);
      s.tool('json', 'Raw', { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, (args) => String(args.q));
    });
    expect(tools.get('zod')?.inputSchema).toMatchObject({ type: 'object', properties: { q: { type: 'string' } } });
    expect(tools.get('json')).toMatchObject({ description: 'Raw', inputSchema: { required: ['q'] } });
  });

  it('takes (name, description, handler) and (name, handler) for tools without arguments', async () => {
    const tools = await listTools((s) => {
      s.tool('now', 'The time', () => 'noon');
      s.tool('bare', () => 'ok');
    });
    expect(tools.get('now')).toEqual({ name: 'now', description: 'The time', inputSchema: { type: 'object', properties: {} } });
    expect(tools.get('bare')).toEqual({ name: 'bare', inputSchema: { type: 'object', properties: {} } });
  });

  it('reads a shape whose member is called like a config key (description, title) as a shape', async () => {
    const tools = await listTools((s) => s.tool('note', { description: z.string(), title: z.string().optional() }, ({ description }) => description));
    expect(tools.get('note')).toMatchObject({ inputSchema: { properties: { description: { type: 'string' } }, required: ['description'] } });
    expect(tools.get('note')).not.toHaveProperty('description');
  });

  it('reads { inputSchema: <schema> } and { outputSchema: <schema> } as a config, as before', async () => {
    const tools = await listTools((s) => {
      s.tool('a', { inputSchema: z.object({ q: z.string() }) }, ({ q }) => q);
      s.tool('b', { outputSchema: z.object({ n: z.number() }) }, () => ({ n: 1 }));
      s.tool('c', {}, () => 'empty config');
      s.tool('d', 'described', {}, () => 'empty schema');
    });
    expect(tools.get('a')?.inputSchema).toMatchObject({ properties: { q: { type: 'string' } } });
    expect(tools.get('b')?.outputSchema).toMatchObject({ properties: { n: { type: 'number' } } });
    expect(tools.get('c')?.inputSchema).toEqual({ type: 'object', properties: {} });
    expect(tools.get('d')).toMatchObject({ description: 'described', inputSchema: { type: 'object', properties: {} } });
  });

  it('refuses, at registration, what fits no form', () => {
    const { server } = createServer();
    const bad: Array<[string, () => unknown]> = [
      ['a mixed shape', () => (server.tool as (...a: unknown[]) => unknown)('m', { a: z.string(), b: 'x' }, () => 'x')],
      ['annotations with an unknown hint', () => (server.tool as (...a: unknown[]) => unknown)('an', 'd', { readOnlyHint: true, fastHint: true }, () => 'x')],
      ['annotations before the schema', () => (server.tool as (...a: unknown[]) => unknown)('ab', { readOnlyHint: true }, { a: z.string() }, () => 'x')],
      ['a config in the schema position', () => (server.tool as (...a: unknown[]) => unknown)('cfg', 'd', { description: 'x' }, () => 'x')],
      ['a config before annotations', () => (server.tool as (...a: unknown[]) => unknown)('ca', { description: 'x' }, { readOnlyHint: true }, () => 'x')],
      ['no handler', () => (server.tool as (...a: unknown[]) => unknown)('nh', { a: z.string() })],
      ['an array', () => (server.tool as (...a: unknown[]) => unknown)('arr', [], () => 'x')],
      ['too many arguments', () => (server.tool as (...a: unknown[]) => unknown)('many', 'd', {}, {}, {}, () => 'x')],
      ['a JSON Schema without type object', () => server.tool('js', { properties: { a: { type: 'string' } } } as never, () => 'x')],
    ];
    for (const [what, register] of bad) expect(register, what).toThrow(InvalidArgumentError);
    expect(server.core.tools.size).toBe(0);
  });

  it('takes the official SDK\'s positional annotations: after the schema, or alone', async () => {
    const tools = await listTools((s) => {
      s.tool('a1', 'Reads', { path: z.string() }, { readOnlyHint: true, title: 'Read' }, ({ path }) => path);
      s.tool('a2', { path: z.string() }, { destructiveHint: true }, ({ path }) => path);
      s.tool('a3', 'Lists', { readOnlyHint: true }, () => 'x');
      s.tool('a4', { openWorldHint: false }, () => 'x');
      s.tool('a5', 'Titled', { title: 'A title' }, () => 'x');
      // After the name, `{ title }` alone is a config (its title), not annotations.
      s.tool('a6', { title: 'Config title' }, () => 'x');
    });
    expect(tools.get('a1')).toMatchObject({ description: 'Reads', annotations: { readOnlyHint: true, title: 'Read' }, inputSchema: { required: ['path'] } });
    expect(tools.get('a2')).toMatchObject({ annotations: { destructiveHint: true }, inputSchema: { required: ['path'] } });
    expect(tools.get('a3')).toMatchObject({ description: 'Lists', annotations: { readOnlyHint: true }, inputSchema: { properties: {} } });
    expect(tools.get('a4')).toMatchObject({ annotations: { openWorldHint: false } });
    expect(tools.get('a5')).toMatchObject({ description: 'Titled', annotations: { title: 'A title' } });
    expect(tools.get('a6')).toMatchObject({ title: 'Config title' });
    expect(tools.get('a6')).not.toHaveProperty('annotations');
  });

  it('types arguments from the shape in every form', () => {
    const { server } = createServer();
    server.tool('t1', 'd', { n: z.number(), s: z.string().optional() }, (args) => {
      expectTypeOf(args).toEqualTypeOf<{ n: number; s: string | undefined }>();
      return '';
    });
    server.tool('t2', { n: z.number() }, (args) => {
      expectTypeOf(args.n).toEqualTypeOf<number>();
      return '';
    });
    server.tool('t4', 'd', { n: z.number() }, { readOnlyHint: true }, ({ n }) => {
      expectTypeOf(n).toEqualTypeOf<number>();
      return '';
    });
    server.tool('t3', z.object({ q: z.string() }), (args) => {
      expectTypeOf(args).toEqualTypeOf<{ q: string }>();
      return '';
    });
  });
});

describe('tool(): what a handler may return (issue 13)', () => {
  it('turns a string into one text content, in both eras', async () => {
    for (const r of await callBoth((s) => s.tool('hi', () => 'hello'), 'hi')) expect(r).toEqual({ content: [{ type: 'text', text: 'hello' }] });
  });

  it('turns a plain object into structuredContent plus its JSON as text, in both eras', async () => {
    const setup = (s: McpServer) => s.tool('weather', { city: z.string() }, ({ city }) => ({ city, celsius: 21 }));
    for (const r of await callBoth(setup, 'weather', { city: 'Oslo' })) {
      expect(r).toEqual({ content: [{ type: 'text', text: '{"city":"Oslo","celsius":21}' }], structuredContent: { city: 'Oslo', celsius: 21 } });
    }
  });

  it('reads an object with a content array or a structuredContent member as a result, and content that is not an array as data', async () => {
    const conn = await sessionWith((s) => {
      s.tool('result', () => ({ content: [{ type: 'text', text: 'r' }], isError: true }));
      s.tool('structured', () => ({ structuredContent: { a: 1 } }));
      s.tool('data', () => ({ content: 'a document body' }));
    });
    expect(await conn.request('tools/call', { name: 'result' })).toEqual({ content: [{ type: 'text', text: 'r' }], isError: true });
    expect(await conn.request('tools/call', { name: 'structured' })).toEqual({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 1 } });
    expect(await conn.request('tools/call', { name: 'data' })).toEqual({
      content: [{ type: 'text', text: '{"content":"a document body"}' }],
      structuredContent: { content: 'a document body' },
    });
  });

  it('validates a plain object against the outputSchema: a match passes, a mismatch is -32603 naming the field', async () => {
    const out = z.object({ total: z.number() });
    const conn = await sessionWith((s) => {
      s.tool('good', { outputSchema: out }, () => ({ total: 3 }));
      s.tool('bad', { outputSchema: out }, () => ({ total: 'three' }) as never);
      s.tool('text', { outputSchema: out }, () => 'no structure' as never);
    });
    expect(await conn.request('tools/call', { name: 'good' })).toEqual({ content: [{ type: 'text', text: '{"total":3}' }], structuredContent: { total: 3 } });
    for (const era of ['session', 'stateless'] as const) {
      const bad = era === 'session' ? await conn.error('tools/call', { name: 'bad' }) : await conn.statelessError('tools/call', { name: 'bad' });
      expect(bad.code).toBe(ErrorCode.InternalError);
      expect(bad.message).toContain('structuredContent.total');
      const text = era === 'session' ? await conn.error('tools/call', { name: 'text' }) : await conn.statelessError('tools/call', { name: 'text' });
      expect(text.message).toContain('no structuredContent');
    }
  });

  it('refuses undefined, arrays and numbers with -32603', async () => {
    const conn = await sessionWith((s) => {
      s.tool('nothing', (() => undefined) as never);
      s.tool('array', (() => [1, 2]) as never);
    });
    expect((await conn.error('tools/call', { name: 'nothing' })).message).toMatch(/returned nothing/);
    expect((await conn.error('tools/call', { name: 'array' })).message).toMatch(/returned an array/);
  });

  it('types structuredContent against a Standard Schema outputSchema', () => {
    const { server } = createServer();
    const out = { total: z.number(), note: z.string().optional() };
    server.tool('ok1', { outputSchema: out }, () => ({ total: 1 }));
    server.tool('ok2', { outputSchema: out }, () => ({ content: [], structuredContent: { total: 1, note: 'n' } }));
    server.tool('ok3', { outputSchema: out }, () => ({ content: [{ type: 'text', text: 'failed' }], isError: true }));
    // @ts-expect-error a wrong structured object
    server.tool('bad1', { outputSchema: out }, () => ({ totl: 1 }));
    // @ts-expect-error a wrong structuredContent
    server.tool('bad2', { outputSchema: out }, () => ({ content: [], structuredContent: { total: '1' } }));
    // @ts-expect-error a string where structured output is required
    server.tool('bad3', { outputSchema: z.object({ total: z.number() }) }, () => 'x');
    // A helper typed with the plain CallToolResult (untyped structuredContent) is still accepted.
    const helper: ToolHandler<Record<string, unknown>> = (): CallToolResult => ({ content: [], structuredContent: { total: 1 } });
    server.tool('legacy', { outputSchema: out }, helper);
    // An error built by a helper function (its `isError: true` widened to boolean) with no structuredContent is
    // accepted, as the weather server's unknown-city result is; a widened one carrying a wrong one is not.
    const failure = () => ({ isError: true, content: [{ type: 'text' as const, text: 'unknown city' }] });
    server.tool('helperError', { outputSchema: out }, () => (Math.random() > 2 ? { content: [], structuredContent: { total: 1 } } : failure()));
    const wrongFailure = () => ({ isError: true, content: [], structuredContent: { total: 'x' } });
    // @ts-expect-error a widened isError does not excuse a wrong structuredContent
    server.tool('bad4', { outputSchema: out }, () => wrongFailure());
    expect(server.core.tools.size).toBe(9);
  });
});

describe('tool(): registration stays cheap', () => {
  it('compiles the schema once, however the tool was registered', async () => {
    let probes = 0;
    const counted = z.string().transform((s) => {
      probes++;
      return s;
    });
    const { server } = createServer();
    server.tool('once', 'd', { s: counted }, ({ s }) => s);
    const conn = await connect(server);
    await conn.initialize();
    await conn.request('tools/call', { name: 'once', arguments: { s: 'a' } });
    await conn.request('tools/call', { name: 'once', arguments: { s: 'b' } });
    expect(probes).toBe(2);
  });
});
