/**
 * 2026-07-28 routing headers on the client: value encoding (the spec's own table), Mcp-Method / Mcp-Name /
 * Mcp-Param-* building, and the x-mcp-header checks that exclude a tool.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonRpcMessage } from '@mcpkit/protocol';
import { buildMcpHeaders, encodeHeaderValue, validateHeaderAnnotations } from './mcp-headers.js';

describe('encodeHeaderValue', () => {
  it.each([
    ['us-west1', 'us-west1'],
    ['Hello, 世界', '=?base64?SGVsbG8sIOS4lueVjA==?='],
    [' padded ', '=?base64?IHBhZGRlZCA=?='],
    ['line1\nline2', '=?base64?bGluZTEKbGluZTI=?='],
    ['=?base64?literal?=', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?='],
  ])('encodes %j as in the spec table', (value, header) => {
    expect(encodeHeaderValue(value)).toBe(header);
  });

  it('keeps inner spaces, empty values and look-alikes that are not the exact sentinel', () => {
    expect(encodeHeaderValue('us west 1')).toBe('us west 1');
    expect(encodeHeaderValue('')).toBe('');
    expect(encodeHeaderValue('=?BASE64?x?=')).toBe('=?BASE64?x?=');
    expect(encodeHeaderValue('=?base64?no-suffix')).toBe('=?base64?no-suffix');
  });

  it('encodes tabs at the edges or inside, DEL and other control characters', () => {
    for (const v of ['\tlead', 'trail\t', 'in\tside', 'del\u007f', 'nul\u0000', 'cr\r']) {
      const out = encodeHeaderValue(v);
      expect(out.startsWith('=?base64?') && out.endsWith('?=')).toBe(true);
      const b64 = out.slice(9, -2);
      expect(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))).toBe(v);
    }
  });

  it('encodes a long non-ASCII value without overflowing the call stack', () => {
    const value = 'é'.repeat(200_000);
    const out = encodeHeaderValue(value);
    expect(new TextDecoder().decode(Uint8Array.from(atob(out.slice(9, -2)), (c) => c.charCodeAt(0)))).toBe(value);
  });
});

const request = (method: string, params?: JsonObject): JsonRpcMessage => ({ jsonrpc: '2.0', id: 1, method, ...(params ? { params } : {}) });

describe('buildMcpHeaders', () => {
  it('sends Mcp-Method on every request and Mcp-Name for the methods that name a target', () => {
    expect(buildMcpHeaders(request('tools/list', {}))).toEqual({ 'Mcp-Method': 'tools/list' });
    expect(buildMcpHeaders(request('tools/call', { name: 'get_weather' }))).toEqual({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'get_weather' });
    expect(buildMcpHeaders(request('prompts/get', { name: 'greet' }))).toEqual({ 'Mcp-Method': 'prompts/get', 'Mcp-Name': 'greet' });
    expect(buildMcpHeaders(request('resources/read', { uri: 'file:///projects/myapp/config.json' }))).toEqual({
      'Mcp-Method': 'resources/read',
      'Mcp-Name': 'file:///projects/myapp/config.json',
    });
    for (const m of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      expect(buildMcpHeaders(request(m, { taskId: 't-1' }))).toEqual({ 'Mcp-Method': m, 'Mcp-Name': 't-1' });
    }
    expect(buildMcpHeaders(request('server/discover', {}))).toEqual({ 'Mcp-Method': 'server/discover' });
  });

  it('encodes an unsafe Mcp-Name and adds nothing to notifications or responses', () => {
    expect(buildMcpHeaders(request('resources/read', { uri: 'file:///données.txt' }))['Mcp-Name']).toBe(encodeHeaderValue('file:///données.txt'));
    expect(buildMcpHeaders({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })).toEqual({});
    expect(buildMcpHeaders({ jsonrpc: '2.0', id: 1, result: {} })).toEqual({});
  });

  const schema: JsonObject = {
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      count: { type: 'integer', 'x-mcp-header': 'Count' },
      dryRun: { type: 'boolean', 'x-mcp-header': 'Dry-Run' },
      target: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
      query: { type: 'string' },
    },
  };
  const lookup = (name: string) => (name === 'execute_sql' ? schema : undefined);
  const call = (args: JsonObject) => buildMcpHeaders(request('tools/call', { name: 'execute_sql', arguments: args }), lookup);

  it('mirrors annotated arguments, nested ones through properties included', () => {
    expect(call({ region: 'us-west1', count: -7, dryRun: false, target: { zone: 'b' }, query: 'SELECT 1' })).toEqual({
      'Mcp-Method': 'tools/call',
      'Mcp-Name': 'execute_sql',
      'Mcp-Param-Region': 'us-west1',
      'Mcp-Param-Count': '-7',
      'Mcp-Param-Dry-Run': 'false',
      'Mcp-Param-Zone': 'b',
    });
  });

  it('omits absent and null arguments, and values that have no header form', () => {
    expect(call({ region: null, target: {} })).toEqual({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'execute_sql' });
    expect(call({ count: 1.5, dryRun: 'yes', region: 42 })).toEqual({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'execute_sql' });
    expect(call({ count: 2 ** 53 })).toEqual({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'execute_sql' });
  });

  it('base64-encodes argument values by the sentinel rules', () => {
    expect(call({ region: ' padded ' })['Mcp-Param-Region']).toBe('=?base64?IHBhZGRlZCA=?=');
    expect(call({ region: '=?base64?literal?=' })['Mcp-Param-Region']).toBe('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
    expect(call({ region: '' })['Mcp-Param-Region']).toBe('');
  });

  it('sends no Mcp-Param-* for an unknown tool or one whose annotations are invalid', () => {
    expect(buildMcpHeaders(request('tools/call', { name: 'other', arguments: { region: 'x' } }), lookup)).toEqual({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'other' });
    const bad = { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' }, n: { type: 'number', 'x-mcp-header': 'N' } } };
    expect(buildMcpHeaders(request('tools/call', { name: 't', arguments: { region: 'x', n: 1 } }), () => bad)).toEqual({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 't' });
  });
});

describe('validateHeaderAnnotations', () => {
  const prop = (extra: JsonObject) => ({ type: 'object', properties: { p: { type: 'string', ...extra } } });

  it('accepts valid annotations, nested ones included, and schemas without any', () => {
    expect(validateHeaderAnnotations({ type: 'object' })).toEqual([]);
    expect(validateHeaderAnnotations(prop({ 'x-mcp-header': 'Method' }))).toEqual([]);
    expect(
      validateHeaderAnnotations({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'integer', 'x-mcp-header': "X_y.z~1!#$%&'*+^`|" } } } } }),
    ).toEqual([]);
  });

  it.each(['', 'My Region', 'Region:Primary', 'Région', 'Region\t1', 'a\r\nb'])('rejects the non-token name %j', (name) => {
    expect(validateHeaderAnnotations(prop({ 'x-mcp-header': name }))).toEqual([expect.stringContaining('not a non-empty HTTP token')]);
  });

  it('rejects a non-string annotation', () => {
    expect(validateHeaderAnnotations(prop({ 'x-mcp-header': 5 }))).toHaveLength(1);
  });

  it.each([['number'], ['object'], ['array'], ['null'], [['string', 'null']], [undefined]])('rejects the property type %j', (type) => {
    const schema = { type: 'object', properties: { p: { 'x-mcp-header': 'P', ...(type === undefined ? {} : { type }) } } };
    expect(validateHeaderAnnotations(schema)).toEqual([expect.stringContaining('type must be')]);
  });

  it('rejects names that repeat case-insensitively', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', 'x-mcp-header': 'Region' }, b: { type: 'object', properties: { c: { type: 'string', 'x-mcp-header': 'REGION' } } } },
    };
    expect(validateHeaderAnnotations(schema)).toEqual([expect.stringContaining('repeats the one on a')]);
  });

  it.each([
    ['items', { type: 'object', properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'L' } } } }],
    ['prefixItems', { type: 'object', properties: { list: { type: 'array', prefixItems: [{ type: 'string', 'x-mcp-header': 'L' }] } } }],
    ['anyOf', { type: 'object', anyOf: [{ properties: { a: { type: 'string', 'x-mcp-header': 'A' } } }] }],
    ['allOf', { type: 'object', properties: { a: { allOf: [{ type: 'string', 'x-mcp-header': 'A' }] } } }],
    ['not', { type: 'object', not: { properties: { a: { type: 'string', 'x-mcp-header': 'A' } } } }],
    ['then', { type: 'object', if: {}, then: { properties: { a: { type: 'string', 'x-mcp-header': 'A' } } } }],
    ['$defs', { type: 'object', $defs: { a: { type: 'string', 'x-mcp-header': 'A' } }, properties: { a: { $ref: '#/$defs/a' } } }],
    ['additionalProperties', { type: 'object', additionalProperties: { type: 'string', 'x-mcp-header': 'A' } }],
    ['patternProperties', { type: 'object', patternProperties: { '^a': { type: 'string', 'x-mcp-header': 'A' } } }],
    ['the root', { type: 'object', 'x-mcp-header': 'Root' }],
  ])('rejects an annotation reached through %s', (_where, schema) => {
    expect(validateHeaderAnnotations(schema as JsonObject)).toEqual([expect.stringContaining('only be reached from the root through "properties"')]);
  });

  it('does not mistake instance data or a property named x-mcp-header for an annotation', () => {
    expect(
      validateHeaderAnnotations({
        type: 'object',
        default: { 'x-mcp-header': 'NotOne' },
        examples: [{ 'x-mcp-header': 'NotOne' }],
        properties: { 'x-mcp-header': { type: 'object', const: { 'x-mcp-header': 'X' } } },
      }),
    ).toEqual([]);
  });
});
