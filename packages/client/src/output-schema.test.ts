/**
 * callTool checks `structuredContent` against the tool's `outputSchema` once listTools has seen it; McpServer
 * always sends valid output, so the broken results come from a scripted server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type JsonObject, ProtocolViolationError } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { closeAll, connectTo, modernServer, newClient } from '../test-support/harness.js';
import type { Client } from './index.js';

afterEach(closeAll);

const countSchema = { type: 'object', properties: { count: { type: 'number' } }, required: ['count'] };

describe('against McpServer', () => {
  it.each([['2025-11-25'], ['2026-07-28']])('valid structuredContent passes (%s)', async (protocolVersion) => {
    const server = new McpServer({ name: 's', version: '1' });
    server.tool('count', { outputSchema: countSchema }, () => ({ content: [{ type: 'text', text: '3' }], structuredContent: { count: 3 } }));
    const { client } = await connectTo(server, { protocolVersion });
    const [tool] = await client.listTools();
    expect(tool?.outputSchema).toMatchObject(countSchema);
    await expect(client.callTool('count')).resolves.toMatchObject({ structuredContent: { count: 3 } });
  });
});

/** A scripted server whose tools return exactly what `results` says. */
async function scriptedTools(tools: Array<{ name: string; outputSchema?: JsonObject; result: JsonObject }>): Promise<Client> {
  const { transport } = await modernServer({
    'tools/list': () => ({ tools: tools.map(({ name, outputSchema }) => ({ name, inputSchema: { type: 'object' }, ...(outputSchema ? { outputSchema } : {}) })) }),
    'tools/call': (params) => tools.find((t) => t.name === params.name)!.result,
  });
  const client = newClient();
  await client.connect(transport);
  return client;
}

const content = [{ type: 'text', text: 'x' }];

describe('against a server that breaks its own schema', () => {
  it('rejects structuredContent of the wrong type, naming the field', async () => {
    const client = await scriptedTools([{ name: 'count', outputSchema: countSchema, result: { content, structuredContent: { count: 'three' } } }]);
    await client.listTools();
    const failure = await client.callTool('count').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolViolationError);
    expect((failure as Error).message).toMatch(/structuredContent\.count: must be number/);
  });

  it('names a nested field by its path and a missing required one by name', async () => {
    const nested = { type: 'object', properties: { stats: { type: 'object', properties: { n: { type: 'integer' } }, required: ['m'] } }, required: ['stats'] };
    const client = await scriptedTools([
      { name: 'wrong', outputSchema: nested, result: { content, structuredContent: { stats: { n: 1.5, m: 1 } } } },
      { name: 'missing', outputSchema: nested, result: { content, structuredContent: { stats: { n: 1 } } } },
    ]);
    await client.listTools();
    const message = (name: string) => client.callTool(name).then(() => 'resolved', (e: Error) => e.message);
    expect(await message('wrong')).toMatch(/structuredContent\.stats\.n: must be integer/);
    expect(await message('missing')).toMatch(/structuredContent\.stats: must have required property 'm'/);
  });

  it('rejects a result without structuredContent', async () => {
    const client = await scriptedTools([{ name: 'count', outputSchema: countSchema, result: { content } }]);
    await client.listTools();
    await expect(client.callTool('count')).rejects.toThrow(/no structuredContent/);
  });

  it('does not validate isError results', async () => {
    const client = await scriptedTools([{ name: 'count', outputSchema: countSchema, result: { content, isError: true } }]);
    await client.listTools();
    await expect(client.callTool('count')).resolves.toMatchObject({ isError: true });
  });

  it('does not validate before listTools has seen the schema', async () => {
    const client = await scriptedTools([{ name: 'count', outputSchema: countSchema, result: { content, structuredContent: { count: 'three' } } }]);
    await expect(client.callTool('count')).resolves.toMatchObject({ structuredContent: { count: 'three' } });
  });

  it('leaves tools without an outputSchema alone', async () => {
    const client = await scriptedTools([{ name: 'free', result: { content, structuredContent: { anything: [1, 'two'] } } }]);
    await client.listTools();
    await expect(client.callTool('free')).resolves.toMatchObject({ structuredContent: { anything: [1, 'two'] } });
  });

  it('checks formats', async () => {
    const schema = { type: 'object', properties: { email: { type: 'string', format: 'email' } } };
    const client = await scriptedTools([
      { name: 'bad', outputSchema: schema, result: { content, structuredContent: { email: 'not an address' } } },
      { name: 'good', outputSchema: schema, result: { content, structuredContent: { email: 'a@example.com' } } },
    ]);
    await client.listTools();
    await expect(client.callTool('bad')).rejects.toThrow(/structuredContent\.email/);
    await expect(client.callTool('good')).resolves.toBeDefined();
  });

  it('understands draft-07 schemas', async () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'number', exclusiveMinimum: 5 } } };
    const client = await scriptedTools([
      { name: 'low', outputSchema: schema, result: { content, structuredContent: { n: 5 } } },
      { name: 'high', outputSchema: schema, result: { content, structuredContent: { n: 6 } } },
    ]);
    await client.listTools();
    await expect(client.callTool('low')).rejects.toThrow(ProtocolViolationError);
    await expect(client.callTool('high')).resolves.toBeDefined();
  });

  it('does not enforce a schema that cannot compile', async () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } };
    const client = await scriptedTools([{ name: 'odd', outputSchema: schema, result: { content, structuredContent: { a: 1 } } }]);
    await client.listTools();
    await expect(client.callTool('odd')).resolves.toMatchObject({ structuredContent: { a: 1 } });
  });
});
