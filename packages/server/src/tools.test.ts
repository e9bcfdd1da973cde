import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { ErrorCode, ProtocolError, type JsonObject } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { sessionWith, textOf } from '../test-support/harness.js';

type ToolListing = { tools: Array<{ name: string; inputSchema: JsonObject; outputSchema?: JsonObject }> };

function echoText(args: { text: string }) {
  return { content: [{ type: 'text' as const, text: args.text }] };
}

async function listed(setup: (server: McpServer) => void): Promise<Map<string, ToolListing['tools'][number]>> {
  const conn = await sessionWith(setup);
  const { tools } = (await conn.request('tools/list')) as ToolListing;
  return new Map(tools.map((t) => [t.name, t]));
}

describe('tools: input schemas on the wire', () => {
  it('sends a zod object schema as JSON Schema without the dialect marker', async () => {
    const tools = await listed((s) => s.tool('echo', { inputSchema: z.object({ text: z.string(), n: z.number().optional() }) }, echoText));
    expect(tools.get('echo')?.inputSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string' }, n: { type: 'number' } },
      required: ['text'],
    });
  });

  it('sends a shape of zod schemas as an object whose optional members are not required', async () => {
    const tools = await listed((s) =>
      s.tool('echo', { inputSchema: { text: z.string().describe('what to say'), times: z.number().int().optional() } }, echoText),
    );
    const schema = tools.get('echo')?.inputSchema;
    expect(schema).toMatchObject({ type: 'object', required: ['text'] });
    expect(schema?.properties).toMatchObject({ text: { type: 'string', description: 'what to say' }, times: { type: 'integer' } });
    expect(JSON.stringify(schema)).not.toContain('$schema');
  });

  it('leaves out required when every member of a shape is optional', async () => {
    const tools = await listed((s) => s.tool('opt', { inputSchema: { a: z.string().optional() } }, () => ({ content: [] })));
    expect(tools.get('opt')?.inputSchema).not.toHaveProperty('required');
  });

  it('sends a raw JSON Schema as given', async () => {
    const schema = { type: 'object', properties: { text: { type: 'string', minLength: 1 } }, required: ['text'], additionalProperties: false };
    const tools = await listed((s) => s.tool('echo', { inputSchema: schema }, (args) => ({ content: [{ type: 'text', text: String(args.text) }] })));
    expect(tools.get('echo')?.inputSchema).toEqual(schema);
  });

  it('sends an empty object schema for a tool without inputSchema', async () => {
    const tools = await listed((s) => s.tool('noargs', {}, () => ({ content: [] })));
    expect(tools.get('noargs')?.inputSchema).toEqual({ type: 'object', properties: {} });
  });

  it('sends the outputSchema', async () => {
    const tools = await listed((s) =>
      s.tool('sum', { outputSchema: z.object({ total: z.number() }) }, () => ({ content: [], structuredContent: { total: 1 } })),
    );
    expect(tools.get('sum')?.outputSchema).toMatchObject({ type: 'object', properties: { total: { type: 'number' } }, required: ['total'] });
  });
});

describe('tools: argument validation', () => {
  const forms: Array<[string, (s: McpServer) => void]> = [
    ['a zod object', (s) => s.tool('echo', { inputSchema: z.object({ text: z.string() }) }, echoText)],
    ['a shape of zod schemas', (s) => s.tool('echo', { inputSchema: { text: z.string() } }, echoText)],
    [
      'a JSON Schema',
      (s) =>
        s.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, (a) => ({
          content: [{ type: 'text', text: String(a.text) }],
        })),
    ],
  ];

  it.each(forms)('passes valid arguments to the handler (%s)', async (_label, setup) => {
    const conn = await sessionWith(setup);
    const result = await conn.request('tools/call', { name: 'echo', arguments: { text: 'hi' } });
    expect(result).toEqual({ content: [{ type: 'text', text: 'hi' }] });
  });

  it.each(forms)('answers a wrong type with an isError result naming arguments.text (%s)', async (_label, setup) => {
    const conn = await sessionWith(setup);
    const result = await conn.request('tools/call', { name: 'echo', arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('arguments.text');
    expect(textOf(result)).toContain('echo');
  });

  it.each(forms)('answers a missing argument with an isError result naming arguments.text (%s)', async (_label, setup) => {
    const conn = await sessionWith(setup);
    const result = await conn.request('tools/call', { name: 'echo' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('arguments.text');
  });

  it('names nested fields with their path', async () => {
    const conn = await sessionWith((s) =>
      s.tool('deep', { inputSchema: z.object({ items: z.array(z.object({ id: z.string() })) }) }, () => ({ content: [] })),
    );
    const result = await conn.request('tools/call', { name: 'deep', arguments: { items: [{ id: 'a' }, { id: 7 }] } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('arguments.items[1].id');
  });

  it('passes the parsed value (with zod transforms and defaults) to the handler', async () => {
    let received: unknown;
    const conn = await sessionWith((s) =>
      s.tool('t', { inputSchema: z.object({ n: z.coerce.number(), tag: z.string().default('none') }) }, (args) => {
        received = args;
        return { content: [] };
      }),
    );
    await conn.request('tools/call', { name: 't', arguments: { n: '5' } });
    expect(received).toEqual({ n: 5, tag: 'none' });
  });

  it('rejects non-object arguments with -32602', async () => {
    const conn = await sessionWith((s) => s.tool('echo', { inputSchema: { text: z.string() } }, echoText));
    const error = await conn.error('tools/call', { name: 'echo', arguments: ['hi'] });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.arguments');
  });
});

describe('tools: handler failures', () => {
  it('turns a thrown Error into an isError result with its message and no stack trace', async () => {
    const conn = await sessionWith((s) =>
      s.tool('fail', {}, () => {
        throw new Error('disk is full');
      }),
    );
    const result = await conn.request('tools/call', { name: 'fail' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('disk is full');
    const wire = JSON.stringify(result);
    expect(wire).not.toMatch(/\bat .*\(|\.ts:\d+|\.js:\d+/);
    expect(wire).not.toContain('Error: disk is full');
  });

  it('reports the thrown error to onError, not to the client', async () => {
    const conn = await sessionWith((s) =>
      s.tool('fail', {}, async () => {
        throw new Error('secret detail');
      }),
    );
    await conn.request('tools/call', { name: 'fail' });
    expect(conn.reported.map((r) => r.error.message)).toContain('secret detail');
  });

  it('gives a generic message when the thrown error has none', async () => {
    const conn = await sessionWith((s) =>
      s.tool('fail', {}, () => {
        throw new Error('');
      }),
    );
    const result = await conn.request('tools/call', { name: 'fail' });
    expect(result.isError).toBe(true);
    expect(textOf(result).length).toBeGreaterThan(0);
  });

  it('turns a thrown ProtocolError into a JSON-RPC error with its code, message and data', async () => {
    const conn = await sessionWith((s) =>
      s.tool('strict', {}, () => {
        throw new ProtocolError(-32099, 'custom failure', { why: 'because' });
      }),
    );
    const error = await conn.error('tools/call', { name: 'strict' });
    expect(error.code).toBe(-32099);
    expect(error.message).toBe('custom failure');
    expect(error.data).toEqual({ why: 'because' });
  });
});

describe('tools: output schema', () => {
  const setup = (structured: unknown) => (s: McpServer) =>
    s.tool('count', { outputSchema: { count: z.number().int() } }, () => ({ content: [{ type: 'text', text: 'ok' }], ...(structured === undefined ? {} : { structuredContent: structured as JsonObject }) }));

  it('passes structuredContent that matches', async () => {
    const conn = await sessionWith(setup({ count: 3 }));
    const result = await conn.request('tools/call', { name: 'count' });
    expect(result).toEqual({ content: [{ type: 'text', text: 'ok' }], structuredContent: { count: 3 } });
  });

  it('answers structuredContent that does not match with -32603 naming the problem', async () => {
    const conn = await sessionWith(setup({ count: 'three' }));
    const error = await conn.error('tools/call', { name: 'count' });
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(error.message).toContain('structuredContent.count');
    expect(error.message).toContain('outputSchema');
  });

  it('answers missing structuredContent with -32603', async () => {
    const conn = await sessionWith(setup(undefined));
    const error = await conn.error('tools/call', { name: 'count' });
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(error.message).toContain('structuredContent');
  });

  it('validates against a raw JSON Schema outputSchema too', async () => {
    const conn = await sessionWith((s) =>
      s.tool('js', { outputSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }, () => ({
        content: [],
        structuredContent: { ok: 'yes' },
      })),
    );
    const error = await conn.error('tools/call', { name: 'js' });
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(error.message).toContain('structuredContent.ok');
  });

  it('does not check an isError result against the outputSchema', async () => {
    const conn = await sessionWith((s) =>
      s.tool('e', { outputSchema: { count: z.number() } }, () => ({ content: [{ type: 'text', text: 'nope' }], isError: true })),
    );
    const result = await conn.request('tools/call', { name: 'e' });
    expect(result).toEqual({ content: [{ type: 'text', text: 'nope' }], isError: true });
  });

  it('adds a JSON text block when a result has structuredContent but no content', async () => {
    const conn = await sessionWith((s) =>
      s.tool('data', {}, () => ({ structuredContent: { a: 1, b: ['x'] } }) as unknown as { content: [] }),
    );
    const result = await conn.request('tools/call', { name: 'data' });
    expect(result.structuredContent).toEqual({ a: 1, b: ['x'] });
    expect(result.content).toEqual([{ type: 'text', text: expect.any(String) }]);
    expect(JSON.parse(textOf(result))).toEqual({ a: 1, b: ['x'] });
  });
});

describe('tools: unknown or missing names', () => {
  it('answers an unknown tool with -32602 naming params.name', async () => {
    const conn = await sessionWith((s) => s.tool('known', {}, () => ({ content: [] })));
    const error = await conn.error('tools/call', { name: 'unknown' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.name');
    expect(error.message).toContain('unknown');
  });

  it('answers a call without a name with -32602 naming params.name', async () => {
    const conn = await sessionWith((s) => s.tool('known', {}, () => ({ content: [] })));
    const error = await conn.error('tools/call', { arguments: {} });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.name');
  });

  it('answers tools/list with -32601 when the server has no tools', async () => {
    const conn = await sessionWith(() => {});
    const error = await conn.error('tools/list');
    expect(error.code).toBe(ErrorCode.MethodNotFound);
  });
});
