import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError, McpkitError } from '@mcpkit/protocol';
import { McpServer } from './index.js';
import { connect, createServer } from '../test-support/harness.js';

const ok = () => ({ content: [] });
const read = () => ({ contents: [] });
const messages = () => ({ messages: [] });

function newServer(): McpServer {
  return createServer().server;
}

/** Runs `register` and returns what it threw. */
function thrown(register: () => unknown): unknown {
  try {
    register();
  } catch (error) {
    return error;
  }
  throw new Error('registration was expected to throw');
}

function expectInvalidArgument(register: () => unknown, message?: RegExp): void {
  const error = thrown(register);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toBeInstanceOf(McpkitError);
  expect((error as McpkitError).code).toBe('MCPKIT_INVALID_ARGUMENT');
  if (message) expect((error as Error).message).toMatch(message);
}

describe('registration: duplicates', () => {
  it('rejects a second tool with the same name', () => {
    const server = newServer();
    server.tool('echo', {}, ok);
    expectInvalidArgument(() => server.tool('echo', {}, ok), /echo/);
  });

  it('rejects a second prompt with the same name', () => {
    const server = newServer();
    server.prompt('greet', {}, messages);
    expectInvalidArgument(() => server.prompt('greet', {}, messages), /greet/);
  });

  it('rejects a second resource template with the same name', () => {
    const server = newServer();
    server.resourceTemplate('file', 'file:///{path}', {}, read);
    expectInvalidArgument(() => server.resourceTemplate('file', 'file:///other/{path}', {}, read), /file/);
  });

  it('rejects a second resource with the same URI', () => {
    const server = newServer();
    server.resource('a', 'mem://a', {}, read);
    expectInvalidArgument(() => server.resource('b', 'mem://a', {}, read), /mem:\/\/a/);
  });

  it('allows the same name across kinds', () => {
    const server = newServer();
    server.tool('x', {}, ok);
    server.prompt('x', {}, messages);
    server.resourceTemplate('x', 'x://{id}', {}, read);
    expect(() => server.resource('x', 'x://fixed', {}, read)).not.toThrow();
  });

  it('keeps the first registration when a duplicate is rejected', async () => {
    const server = newServer();
    server.tool('echo', { description: 'first' }, ok);
    expect(() => server.tool('echo', { description: 'second' }, ok)).toThrow(InvalidArgumentError);
    const conn = await connect(server);
    await conn.initialize();
    const { tools } = (await conn.request('tools/list')) as { tools: Array<{ name: string; description?: string }> };
    expect(tools).toEqual([expect.objectContaining({ name: 'echo', description: 'first' })]);
  });

  it('rejects renaming a tool onto another registered name', () => {
    const server = newServer();
    server.tool('a', {}, ok);
    const b = server.tool('b', {}, ok);
    expectInvalidArgument(() => b.update({ name: 'a' }), /"a"/);
  });
});

describe('registration: tool names', () => {
  it.each(['', 'has space', 'slash/name', 'comma,name', 'émoji', 'x'.repeat(129)])('rejects %j', (name) => {
    expectInvalidArgument(() => newServer().tool(name, {}, ok), /tool name/);
  });

  it.each(['a', 'get_weather', 'ns.tool-name', 'A1_b-2.c', 'x'.repeat(128)])('accepts %j', (name) => {
    expect(() => newServer().tool(name, {}, ok)).not.toThrow();
  });

  it('rejects an invalid name given through update()', () => {
    const handle = newServer().tool('fine', {}, ok);
    expectInvalidArgument(() => handle.update({ name: 'not fine' }), /tool name/);
  });
});

describe('registration: inputSchema root', () => {
  it.each([
    ['a JSON Schema of type string', { type: 'string' }],
    ['a JSON Schema of type array', { type: 'array', items: { type: 'string' } }],
    ['a JSON Schema without a type', { properties: { a: { type: 'string' } } }],
    ['a JSON Schema with a type list', { type: ['object', 'null'] }],
  ])('rejects %s', (_label, schema) => {
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /inputSchema must have type "object"/);
  });

  it('rejects a zod schema that is not an object', () => {
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: z.string() }, ok), /type "object"/);
  });

  it('rejects a JSON Schema that does not compile', () => {
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: { type: 'object', properties: { a: { type: 'no-such-type' } } } }, ok), /tool t/);
  });

  it('accepts an object root in each schema form', () => {
    const server = newServer();
    expect(() => server.tool('json', { inputSchema: { type: 'object', properties: {} } }, ok)).not.toThrow();
    expect(() => server.tool('zod', { inputSchema: z.object({ a: z.string() }) }, ok)).not.toThrow();
    expect(() => server.tool('shape', { inputSchema: { a: z.string() } }, ok)).not.toThrow();
  });

  it('does not register a tool whose schema was rejected', () => {
    const server = newServer();
    expect(() => server.tool('bad', { inputSchema: { type: 'string' } }, ok)).toThrow(InvalidArgumentError);
    // The name is still free.
    expect(() => server.tool('bad', {}, ok)).not.toThrow();
  });
});

describe('registration: x-mcp-header annotations', () => {
  const withHeader = (props: Record<string, unknown>) => ({ type: 'object', properties: props });

  // spec 2026-07-28: only properties reached through `properties` alone may carry x-mcp-header.
  it.each([
    ['the root', { type: 'object', 'x-mcp-header': 'Root', properties: {} }],
    ['items', { type: 'object', properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } } }],
    ['anyOf', { type: 'object', properties: { v: { anyOf: [{ type: 'string', 'x-mcp-header': 'Any' }] } } }],
    ['$defs', { type: 'object', $defs: { d: { type: 'string', 'x-mcp-header': 'Def' } }, properties: { v: { $ref: '#/$defs/d' } } }],
    ['additionalProperties', { type: 'object', additionalProperties: { type: 'string', 'x-mcp-header': 'Extra' } }],
  ])('rejects an x-mcp-header under %s', (_where, schema) => {
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /not on a property reachable through properties alone/);
  });

  it('accepts string, integer and boolean properties with token names', () => {
    const server = newServer();
    const schema = withHeader({
      region: { type: 'string', 'x-mcp-header': 'Region' },
      count: { type: 'integer', 'x-mcp-header': 'Count' },
      dry: { type: 'boolean', 'x-mcp-header': "Dry-Run_1.x~!#$%&'*+^`|" },
      nested: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
    });
    expect(() => server.tool('t', { inputSchema: schema }, ok)).not.toThrow();
  });

  it.each([
    ['an empty name', ''],
    ['a space', 'Bad Header'],
    ['a colon', 'Region:'],
    ['a non-ASCII letter', 'Régión'],
    ['a number instead of a string', 42],
  ])('rejects %s', (_label, header) => {
    const schema = withHeader({ region: { type: 'string', 'x-mcp-header': header } });
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /x-mcp-header on region must be a non-empty HTTP token/);
  });

  it.each(['number', 'object', 'array', 'null'])('rejects a property of type %s', (type) => {
    const schema = withHeader({ v: { type, 'x-mcp-header': 'Value' } });
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /x-mcp-header on v needs type string, integer or boolean/);
  });

  it('rejects a property without a type', () => {
    const schema = withHeader({ v: { 'x-mcp-header': 'Value' } });
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /needs type/);
  });

  it('rejects the same header twice, compared case-insensitively', () => {
    const schema = withHeader({
      a: { type: 'string', 'x-mcp-header': 'Region' },
      b: { type: 'string', 'x-mcp-header': 'REGION' },
    });
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /"REGION" is declared twice/);
  });

  it('rejects a duplicate declared in a nested object', () => {
    const schema = withHeader({
      a: { type: 'string', 'x-mcp-header': 'zone' },
      outer: { type: 'object', properties: { b: { type: 'string', 'x-mcp-header': 'Zone' } } },
    });
    expectInvalidArgument(() => newServer().tool('t', { inputSchema: schema }, ok), /declared twice/);
  });

  it('checks annotations that come from a zod schema', () => {
    const good = z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }) });
    expect(() => newServer().tool('good', { inputSchema: good }, ok)).not.toThrow();
    const bad = z.object({ n: z.number().meta({ 'x-mcp-header': 'N' }) });
    expectInvalidArgument(() => newServer().tool('bad', { inputSchema: bad }, ok), /needs type string, integer or boolean/);
  });

  it('a rejected update leaves the tool as it was, and later updates still work', async () => {
    const server = newServer();
    const handle = server.tool('t', { description: 'v1' }, ok);
    expect(() => handle.update({ inputSchema: { type: 'string' } })).toThrow(InvalidArgumentError);
    expect(() => handle.update({ description: 'v2' })).not.toThrow();
    const conn = await connect(server);
    await conn.initialize();
    const { tools } = (await conn.request('tools/list')) as { tools: Array<{ name: string; description?: string; inputSchema: unknown }> };
    expect(tools).toEqual([{ name: 't', description: 'v2', inputSchema: { type: 'object', properties: {} } }]);
  });

  it('rejects an invalid annotation given through update()', () => {
    const handle = newServer().tool('t', {}, ok);
    expectInvalidArgument(() => handle.update({ inputSchema: withHeader({ v: { type: 'number', 'x-mcp-header': 'V' } }) }), /needs type/);
  });
});
