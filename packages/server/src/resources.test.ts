import { describe, it, expect } from 'vitest';
import { ErrorCode, type JsonObject } from '@mcpkit/protocol';
import type { McpServer, TemplateVariables } from './index.js';
import { connect, createServer, sessionWith } from '../test-support/harness.js';

const text = (label: string) => (uri: string) => ({ contents: [{ uri, text: label }] });

describe('resources/read', () => {
  it('serves a fixed resource before a template that also matches its URI', async () => {
    const conn = await sessionWith((s) => {
      s.resourceTemplate('any', 'mem://{name}', {}, text('template'));
      s.resource('special', 'mem://special', {}, text('fixed'));
    });
    expect(await conn.request('resources/read', { uri: 'mem://special' })).toEqual({ contents: [{ uri: 'mem://special', text: 'fixed' }] });
    expect(await conn.request('resources/read', { uri: 'mem://other' })).toEqual({ contents: [{ uri: 'mem://other', text: 'template' }] });
  });

  it('tries templates in registration order', async () => {
    const conn = await sessionWith((s) => {
      s.resourceTemplate('narrow', 'mem://users/{id}', {}, text('narrow'));
      s.resourceTemplate('broad', 'mem://{+path}', {}, text('broad'));
    });
    expect(await conn.request('resources/read', { uri: 'mem://users/7' })).toEqual({ contents: [{ uri: 'mem://users/7', text: 'narrow' }] });
    expect(await conn.request('resources/read', { uri: 'mem://teams/7' })).toEqual({ contents: [{ uri: 'mem://teams/7', text: 'broad' }] });
  });

  it('lets the earlier template win when both match', async () => {
    const conn = await sessionWith((s) => {
      s.resourceTemplate('broad', 'mem://{+path}', {}, text('broad'));
      s.resourceTemplate('narrow', 'mem://users/{id}', {}, text('narrow'));
    });
    expect(await conn.request('resources/read', { uri: 'mem://users/7' })).toEqual({ contents: [{ uri: 'mem://users/7', text: 'broad' }] });
  });

  it('passes the template variables and the URI to the handler', async () => {
    const seen: Array<{ uri: string; variables: TemplateVariables }> = [];
    const conn = await sessionWith((s) =>
      s.resourceTemplate('file', 'repo://{owner}/{repo}/blob/{+path}', {}, (uri, variables) => {
        seen.push({ uri, variables });
        return { contents: [{ uri, text: '' }] };
      }),
    );
    await conn.request('resources/read', { uri: 'repo://acme/widgets/blob/src/main.ts' });
    expect(seen).toEqual([{ uri: 'repo://acme/widgets/blob/src/main.ts', variables: { owner: 'acme', repo: 'widgets', path: 'src/main.ts' } }]);
  });

  it('fills in the requested URI for contents that have none, and keeps URIs that are given', async () => {
    const conn = await sessionWith((s) =>
      s.resource('multi', 'mem://multi', { mimeType: 'text/plain' }, () => ({
        contents: [{ text: 'first' }, { uri: 'mem://multi#part2', text: 'second' }, { blob: 'AAEC', mimeType: 'application/octet-stream' }],
      })),
    );
    expect(await conn.request('resources/read', { uri: 'mem://multi' })).toEqual({
      contents: [
        { uri: 'mem://multi', text: 'first' },
        { uri: 'mem://multi#part2', text: 'second' },
        { uri: 'mem://multi', blob: 'AAEC', mimeType: 'application/octet-stream' },
      ],
    });
  });

  it('answers an unknown URI with -32002 and data.uri in the session era', async () => {
    const conn = await sessionWith((s) => s.resource('a', 'mem://a', {}, text('a')));
    const error = await conn.error('resources/read', { uri: 'mem://missing' });
    expect(error.code).toBe(ErrorCode.ResourceNotFound);
    expect(error.code).toBe(-32002);
    expect(error.data).toEqual({ uri: 'mem://missing' });
  });

  it('answers an unknown URI with -32602 and data.uri in 2026-07-28', async () => {
    const conn = await sessionWith((s) => s.resource('a', 'mem://a', {}, text('a')));
    const error = await conn.statelessError('resources/read', { uri: 'mem://missing' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.data).toEqual({ uri: 'mem://missing' });
  });

  it('reads in the stateless era with resultType and cache hints', async () => {
    const conn = await sessionWith((s) => s.resource('a', 'mem://a', {}, text('a')), { cache: { ttlMs: 5000, scope: 'public' } });
    const result = await conn.stateless('resources/read', { uri: 'mem://a' });
    expect(result).toMatchObject({ contents: [{ uri: 'mem://a', text: 'a' }], resultType: 'complete', ttlMs: 5000, cacheScope: 'public' });
  });

  it('answers a read without a uri with -32602 naming params.uri', async () => {
    const conn = await sessionWith((s) => s.resource('a', 'mem://a', {}, text('a')));
    const error = await conn.error('resources/read', {});
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.uri');
  });

  it('answers a handler result without a contents array with -32603', async () => {
    const conn = await sessionWith((s) => s.resource('bad', 'mem://bad', {}, () => ({}) as unknown as { contents: [] }));
    const error = await conn.error('resources/read', { uri: 'mem://bad' });
    expect(error.code).toBe(ErrorCode.InternalError);
  });
});

describe('resources/list', () => {
  it('lists fixed resources with their metadata, then what templates list', async () => {
    const conn = await sessionWith((s) => {
      s.resource('readme', 'mem://readme', { title: 'Read me', mimeType: 'text/markdown', description: 'start here' }, text(''));
      s.resourceTemplate('items', 'mem://items/{id}', { list: () => [{ uri: 'mem://items/1', name: 'one' }, { uri: 'mem://items/2', name: 'two' }] }, text(''));
      s.resourceTemplate('unlisted', 'mem://hidden/{id}', {}, text(''));
    });
    const { resources } = (await conn.request('resources/list')) as { resources: JsonObject[] };
    expect(resources).toEqual([
      { uri: 'mem://readme', name: 'readme', title: 'Read me', mimeType: 'text/markdown', description: 'start here' },
      { uri: 'mem://items/1', name: 'one' },
      { uri: 'mem://items/2', name: 'two' },
    ]);
  });

  it('asks the template for its list on every request', async () => {
    let items = ['1'];
    const conn = await sessionWith((s) =>
      s.resourceTemplate('items', 'mem://items/{id}', { list: () => items.map((id) => ({ uri: `mem://items/${id}`, name: id })) }, text('')),
    );
    const uris = async () => ((await conn.request('resources/list')).resources as JsonObject[]).map((r) => r.uri);
    expect(await uris()).toEqual(['mem://items/1']);
    items = ['1', '2'];
    expect(await uris()).toEqual(['mem://items/1', 'mem://items/2']);
  });

  it('lists templates with resources/templates/list', async () => {
    const conn = await sessionWith((s) => s.resourceTemplate('items', 'mem://items/{id}', { description: 'an item', mimeType: 'application/json' }, text('')));
    expect(await conn.request('resources/templates/list')).toEqual({
      resourceTemplates: [{ uriTemplate: 'mem://items/{id}', name: 'items', description: 'an item', mimeType: 'application/json' }],
    });
  });
});

describe('resource subscriptions (session era)', () => {
  async function subscribed() {
    const conn = await sessionWith((s: McpServer) => {
      s.resource('a', 'mem://a', {}, text('a'));
      s.resource('b', 'mem://b', {}, text('b'));
    });
    return conn;
  }

  it('sends notifications/resources/updated only for subscribed URIs', async () => {
    const conn = await subscribed();
    expect(await conn.request('resources/subscribe', { uri: 'mem://a' })).toEqual({});
    conn.server.notifyResourceUpdated('mem://a');
    conn.server.notifyResourceUpdated('mem://b');
    await conn.settle();
    expect(conn.received('notifications/resources/updated').map((n) => n.params)).toEqual([{ uri: 'mem://a' }]);
  });

  it('stops after resources/unsubscribe', async () => {
    const conn = await subscribed();
    await conn.request('resources/subscribe', { uri: 'mem://a' });
    conn.server.notifyResourceUpdated('mem://a');
    await conn.settle();
    expect(await conn.request('resources/unsubscribe', { uri: 'mem://a' })).toEqual({});
    conn.server.notifyResourceUpdated('mem://a');
    await conn.settle();
    expect(conn.received('notifications/resources/updated')).toHaveLength(1);
  });

  it('tells each session only about its own subscriptions', async () => {
    const { server } = createServer();
    server.resource('a', 'mem://a', {}, text('a'));
    const one = await connect(server);
    const two = await connect(server);
    await one.initialize();
    await two.initialize();
    await one.request('resources/subscribe', { uri: 'mem://a' });
    server.notifyResourceUpdated('mem://a');
    await one.settle();
    await two.settle();
    expect(one.received('notifications/resources/updated')).toHaveLength(1);
    expect(two.received('notifications/resources/updated')).toEqual([]);
  });

  it('answers subscribe without a uri with -32602', async () => {
    const conn = await subscribed();
    const error = await conn.error('resources/subscribe', {});
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.uri');
  });

  it('answers subscribe with -32601 when the server has no resources', async () => {
    const conn = await sessionWith((s) => s.tool('t', {}, () => ({ content: [] })));
    const error = await conn.error('resources/subscribe', { uri: 'mem://a' });
    expect(error.code).toBe(ErrorCode.MethodNotFound);
  });
});
