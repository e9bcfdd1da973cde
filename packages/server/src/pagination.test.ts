import { describe, it, expect } from 'vitest';
import { ErrorCode, type JsonObject } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { sessionWith, type Connection } from '../test-support/harness.js';

const ok = () => ({ content: [] });
const read = (uri: string) => ({ contents: [{ uri, text: '' }] });
const messages = () => ({ messages: [] });
const seven = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'];

/** Follows nextCursor until it is absent; returns every page's items by `field`. */
async function walk(conn: Connection, method: string, key: string, field: string, params: JsonObject = {}): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const result = await conn.request(method, cursor === undefined ? params : { ...params, cursor });
    pages.push((result[key] as JsonObject[]).map((item) => String(item[field])));
    if (result.nextCursor === undefined) return pages;
    expect(typeof result.nextCursor).toBe('string');
    cursor = result.nextCursor as string;
  }
  throw new Error('nextCursor never ended');
}

const lists: Array<[string, string, string, string, (s: McpServer) => void]> = [
  ['tools/list', 'tools', 'name', 'tool', (s) => seven.forEach((n) => s.tool(n, {}, ok))],
  ['prompts/list', 'prompts', 'name', 'prompt', (s) => seven.forEach((n) => s.prompt(n, {}, messages))],
  ['resources/list', 'resources', 'uri', 'resource', (s) => seven.forEach((n) => s.resource(n, `mem://${n}`, {}, read))],
  [
    'resources/templates/list',
    'resourceTemplates',
    'name',
    'template',
    (s) => seven.forEach((n) => s.resourceTemplate(n, `mem://${n}/{id}`, {}, read)),
  ],
];

describe('pagination', () => {
  it.each(lists)('%s chains nextCursor through every item in registration order', async (method, key, field, _kind, setup) => {
    const conn = await sessionWith(setup, { pageSize: 3 });
    const pages = await walk(conn, method, key, field);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const expected = field === 'uri' ? seven.map((n) => `mem://${n}`) : seven;
    expect(pages.flat()).toEqual(expected);
  });

  it.each(lists)('%s gives the same pages when walked twice', async (method, key, field, _kind, setup) => {
    const conn = await sessionWith(setup, { pageSize: 2 });
    expect(await walk(conn, method, key, field)).toEqual(await walk(conn, method, key, field));
  });

  it('ends without nextCursor when the items fill the last page exactly', async () => {
    const conn = await sessionWith((s) => ['a', 'b', 'c', 'd'].forEach((n) => s.tool(n, {}, ok)), { pageSize: 2 });
    const pages = await walk(conn, 'tools/list', 'tools', 'name');
    expect(pages).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('a pageSize of 0 never yields an endless cursor chain', async () => {
    let conn: Connection;
    try {
      conn = await sessionWith((s) => ['a', 'b'].forEach((n) => s.tool(n, {}, ok)), { pageSize: 0 });
    } catch {
      // Refusing the option at construction is as good as treating it sensibly.
      return;
    }
    const pages = await walk(conn, 'tools/list', 'tools', 'name');
    expect(pages.flat()).toEqual(['a', 'b']);
  });

  it('lists everything in one page without pageSize', async () => {
    const conn = await sessionWith((s) => seven.forEach((n) => s.tool(n, {}, ok)));
    const result = await conn.request('tools/list');
    expect(result.nextCursor).toBeUndefined();
    expect((result.tools as unknown[]).length).toBe(7);
  });

  it('paginates resources/list when templates contribute listed resources', async () => {
    const conn = await sessionWith(
      (s) => {
        s.resource('fixed', 'mem://fixed', {}, read);
        s.resourceTemplate('items', 'mem://items/{id}', { list: () => ['1', '2', '3', '4'].map((id) => ({ uri: `mem://items/${id}`, name: `item ${id}` })) }, read);
      },
      { pageSize: 2 },
    );
    const pages = await walk(conn, 'resources/list', 'resources', 'uri');
    expect(pages).toEqual([
      ['mem://fixed', 'mem://items/1'],
      ['mem://items/2', 'mem://items/3'],
      ['mem://items/4'],
    ]);
  });

  it.each([
    ['a string this server never issued', 'not-a-cursor'],
    ['a cursor past the end', 'c999'],
    ['an empty string', ''],
    ['a number', 3],
  ])('answers %s with -32602 naming params.cursor', async (_label, cursor) => {
    const conn = await sessionWith((s) => seven.forEach((n) => s.tool(n, {}, ok)), { pageSize: 3 });
    const error = await conn.error('tools/list', { cursor });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.cursor');
  });

  it('paginates stateless-era lists the same way', async () => {
    const conn = await sessionWith((s) => seven.forEach((n) => s.tool(n, {}, ok)), { pageSize: 4 });
    const first = await conn.stateless('tools/list');
    expect((first.tools as JsonObject[]).map((t) => t.name)).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(first.resultType).toBe('complete');
    const second = await conn.stateless('tools/list', { cursor: first.nextCursor as string });
    expect((second.tools as JsonObject[]).map((t) => t.name)).toEqual(['n4', 'n5', 'n6']);
    expect(second.nextCursor).toBeUndefined();
    const error = await conn.statelessError('tools/list', { cursor: 'forged' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
  });
});
