import { describe, it, expect } from 'vitest';
import { ErrorCode, type JsonObject } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { connect, createServer, sessionWith, type Connection } from '../test-support/harness.js';

const ok = () => ({ content: [] });
const read = (uri: string) => ({ contents: [{ uri, text: 'x' }] });
const messages = () => ({ messages: [] });

async function names(conn: Connection, method: string, key: string, field = 'name'): Promise<string[]> {
  const result = await conn.request(method);
  return (result[key] as JsonObject[]).map((item) => String(item[field]));
}

/** Clears what the client has received so far, so a test counts only what its own change caused. */
async function quiet(conn: Connection): Promise<void> {
  await conn.settle();
  conn.notifications.length = 0;
}

describe('runtime changes: tools', () => {
  async function threeTools() {
    let handles!: ReturnType<McpServer['tool']>[];
    const conn = await sessionWith((s) => {
      handles = ['a', 'b', 'c'].map((n) => s.tool(n, { description: `tool ${n}` }, ok));
    });
    await quiet(conn);
    const [a, b, c] = handles as [ReturnType<McpServer['tool']>, ReturnType<McpServer['tool']>, ReturnType<McpServer['tool']>];
    return { conn, a, b, c };
  }

  it('disable hides a tool, enable brings it back in its place, each with one notification', async () => {
    const { conn, b } = await threeTools();
    b.disable();
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a', 'c']);
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
    b.enable();
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a', 'b', 'c']);
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(2);
  });

  it('a disabled tool cannot be called', async () => {
    const { conn, b } = await threeTools();
    b.disable();
    const error = await conn.error('tools/call', { name: 'b' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.name');
  });

  it('disabling twice notifies once', async () => {
    const { conn, b } = await threeTools();
    b.disable();
    await conn.settle();
    b.disable();
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
  });

  it('update changes the listing and the handler', async () => {
    const { conn, b } = await threeTools();
    b.update({ description: 'new words', handler: () => ({ content: [{ type: 'text', text: 'v2' }] }) });
    const { tools } = (await conn.request('tools/list')) as { tools: JsonObject[] };
    expect(tools[1]).toMatchObject({ name: 'b', description: 'new words' });
    expect(await conn.request('tools/call', { name: 'b' })).toEqual({ content: [{ type: 'text', text: 'v2' }] });
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
  });

  it('an update of the name keeps the tool in its place in the list', async () => {
    const { conn, a } = await threeTools();
    a.update({ name: 'a2' });
    const error = await conn.error('tools/call', { name: 'a' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(await conn.request('tools/call', { name: 'a2' })).toEqual({ content: [] });
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a2', 'b', 'c']);
  });

  it('a disabled tool stays disabled through an update', async () => {
    const { conn, b } = await threeTools();
    b.disable();
    b.update({ description: 'still hidden' });
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a', 'c']);
  });

  it('remove drops the tool and frees its name', async () => {
    const { conn, b } = await threeTools();
    b.remove();
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a', 'c']);
    expect((await conn.error('tools/call', { name: 'b' })).code).toBe(ErrorCode.InvalidParams);
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
    conn.server.tool('b', {}, ok);
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a', 'c', 'b']);
  });

  it('an update after remove does not bring the tool back', async () => {
    const { conn, b } = await threeTools();
    b.remove();
    try {
      b.update({ description: 'ghost' });
    } catch {
      // Refusing the update is as good as ignoring it; the tool must stay gone either way.
    }
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['a', 'c']);
    expect((await conn.error('tools/call', { name: 'b' })).code).toBe(ErrorCode.InvalidParams);
  });

  it('many changes in one tick send one notification', async () => {
    const { conn, a, b, c } = await threeTools();
    conn.server.tool('d', {}, ok);
    conn.server.tool('e', {}, ok);
    a.disable();
    b.update({ description: 'changed' });
    c.remove();
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
    expect(await names(conn, 'tools/list', 'tools')).toEqual(['b', 'd', 'e']);
  });

  it('changes in separate ticks send one notification each', async () => {
    const { conn, a } = await threeTools();
    a.disable();
    await conn.settle();
    a.enable();
    await conn.settle();
    conn.server.tool('d', {}, ok);
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(3);
  });

  it('notifyListChanged sends one notification on demand', async () => {
    const { conn } = await threeTools();
    conn.server.notifyListChanged('tools');
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
  });
});

describe('runtime changes: handles', () => {
  it.each([
    ['tool', (s: McpServer) => s.tool('t', {}, ok)],
    ['resource', (s: McpServer) => s.resource('r', 'mem://r', {}, read)],
    ['resource template', (s: McpServer) => s.resourceTemplate('rt', 'mem://rt/{id}', {}, read)],
    ['prompt', (s: McpServer) => s.prompt('p', {}, messages)],
  ])('the %s handle reports whether it is enabled', (_kind, register) => {
    const handle = register(createServer().server);
    expect(handle.enabled).toBe(true);
    handle.disable();
    expect(handle.enabled).toBe(false);
    handle.enable();
    expect(handle.enabled).toBe(true);
  });
});

describe('runtime changes: who is told', () => {
  it('does not notify a session that has not sent notifications/initialized', async () => {
    const { server } = createServer();
    server.tool('a', {}, ok);
    const conn = await connect(server);
    await conn.initialize({ initialized: false });
    server.tool('b', {}, ok);
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toEqual([]);
    // …and once it has, it is told.
    await conn.client.notify('notifications/initialized');
    await conn.settle();
    server.tool('c', {}, ok);
    await conn.settle();
    expect(conn.received('notifications/tools/list_changed')).toHaveLength(1);
  });

  it('notifies every initialized session', async () => {
    const { server } = createServer();
    server.tool('a', {}, ok);
    const one = await connect(server);
    const two = await connect(server);
    await one.initialize();
    await two.initialize();
    await one.settle();
    await two.settle();
    server.tool('b', {}, ok);
    await one.settle();
    await two.settle();
    expect(one.received('notifications/tools/list_changed')).toHaveLength(1);
    expect(two.received('notifications/tools/list_changed')).toHaveLength(1);
  });

  it('sends one notification per kind when several kinds change in one tick', async () => {
    const conn = await sessionWith((s) => {
      s.tool('t', {}, ok);
      s.prompt('p', {}, messages);
      s.resource('r', 'mem://r', {}, read);
    });
    await quiet(conn);
    conn.server.tool('t2', {}, ok);
    conn.server.prompt('p2', {}, messages);
    conn.server.resource('r2', 'mem://r2', {}, read);
    conn.server.resourceTemplate('tpl', 'mem://items/{id}', {}, read);
    await conn.settle();
    expect(conn.notifications.map((n) => n.method).sort()).toEqual([
      'notifications/prompts/list_changed',
      'notifications/resources/list_changed',
      'notifications/tools/list_changed',
    ]);
  });
});

describe('runtime changes: resources and templates', () => {
  it('disable, enable, update and remove of a resource change resources/list and notify', async () => {
    let handle!: ReturnType<McpServer['resource']>;
    const conn = await sessionWith((s) => {
      s.resource('first', 'mem://first', {}, read);
      handle = s.resource('second', 'mem://second', { description: 'before' }, read);
      s.resource('third', 'mem://third', {}, read);
    });
    await quiet(conn);
    const count = async () => {
      await conn.settle();
      return conn.received('notifications/resources/list_changed').length;
    };

    handle.disable();
    expect(await names(conn, 'resources/list', 'resources', 'uri')).toEqual(['mem://first', 'mem://third']);
    const error = await conn.error('resources/read', { uri: 'mem://second' });
    expect(error.code).toBe(ErrorCode.ResourceNotFound);
    expect(await count()).toBe(1);

    handle.enable();
    expect(await names(conn, 'resources/list', 'resources', 'uri')).toEqual(['mem://first', 'mem://second', 'mem://third']);
    expect(await count()).toBe(2);

    handle.update({ description: 'after' });
    const { resources } = (await conn.request('resources/list')) as { resources: JsonObject[] };
    expect(resources[1]).toMatchObject({ uri: 'mem://second', name: 'second', description: 'after' });
    expect(await count()).toBe(3);

    handle.remove();
    expect(await names(conn, 'resources/list', 'resources', 'uri')).toEqual(['mem://first', 'mem://third']);
    expect(await count()).toBe(4);
  });

  it('an update of the URI serves the resource at the new URI and keeps its place in the list', async () => {
    let handle!: ReturnType<McpServer['resource']>;
    const conn = await sessionWith((s) => {
      s.resource('first', 'mem://first', {}, read);
      handle = s.resource('second', 'mem://second', {}, read);
      s.resource('third', 'mem://third', {}, read);
    });
    handle.update({ uri: 'mem://second-moved' });
    expect((await conn.error('resources/read', { uri: 'mem://second' })).code).toBe(ErrorCode.ResourceNotFound);
    expect(await conn.request('resources/read', { uri: 'mem://second-moved' })).toEqual({ contents: [{ uri: 'mem://second-moved', text: 'x' }] });
    expect(await names(conn, 'resources/list', 'resources', 'uri')).toEqual(['mem://first', 'mem://second-moved', 'mem://third']);
  });

  it('disable, enable, update and remove of a template change resources/templates/list and notify', async () => {
    let handle!: ReturnType<McpServer['resourceTemplate']>;
    const conn = await sessionWith((s) => {
      handle = s.resourceTemplate('items', 'mem://items/{id}', { description: 'before' }, read);
      s.resourceTemplate('users', 'mem://users/{id}', {}, read);
    });
    await quiet(conn);
    const templates = () => names(conn, 'resources/templates/list', 'resourceTemplates');
    const count = async () => {
      await conn.settle();
      return conn.received('notifications/resources/list_changed').length;
    };

    handle.disable();
    expect(await templates()).toEqual(['users']);
    expect((await conn.error('resources/read', { uri: 'mem://items/1' })).code).toBe(ErrorCode.ResourceNotFound);
    expect(await count()).toBe(1);

    handle.enable();
    expect(await templates()).toEqual(['items', 'users']);
    expect(await count()).toBe(2);

    handle.update({ description: 'after' });
    const { resourceTemplates } = (await conn.request('resources/templates/list')) as { resourceTemplates: JsonObject[] };
    expect(resourceTemplates[0]).toMatchObject({ name: 'items', description: 'after', uriTemplate: 'mem://items/{id}' });
    expect(await count()).toBe(3);

    handle.remove();
    expect(await templates()).toEqual(['users']);
    expect(await count()).toBe(4);
  });

  it('an update of a template name keeps its place in the list', async () => {
    let handle!: ReturnType<McpServer['resourceTemplate']>;
    const conn = await sessionWith((s) => {
      handle = s.resourceTemplate('items', 'mem://items/{id}', {}, read);
      s.resourceTemplate('users', 'mem://users/{id}', {}, read);
    });
    handle.update({ name: 'things' });
    expect(await names(conn, 'resources/templates/list', 'resourceTemplates')).toEqual(['things', 'users']);
  });
});

describe('runtime changes: prompts', () => {
  it('disable, enable, update and remove change prompts/list and notify', async () => {
    let handle!: ReturnType<McpServer['prompt']>;
    const conn = await sessionWith((s) => {
      handle = s.prompt('greet', { description: 'before' }, messages);
      s.prompt('farewell', {}, messages);
    });
    await quiet(conn);
    const prompts = () => names(conn, 'prompts/list', 'prompts');
    const count = async () => {
      await conn.settle();
      return conn.received('notifications/prompts/list_changed').length;
    };

    handle.disable();
    expect(await prompts()).toEqual(['farewell']);
    expect((await conn.error('prompts/get', { name: 'greet' })).code).toBe(ErrorCode.InvalidParams);
    expect(await count()).toBe(1);

    handle.enable();
    expect(await prompts()).toEqual(['greet', 'farewell']);
    expect(await count()).toBe(2);

    handle.update({ description: 'after' });
    const { prompts: listed } = (await conn.request('prompts/list')) as { prompts: JsonObject[] };
    expect(listed[0]).toMatchObject({ name: 'greet', description: 'after' });
    expect(await count()).toBe(3);

    handle.remove();
    expect(await prompts()).toEqual(['farewell']);
    expect(await count()).toBe(4);
  });

  it('an update of the name keeps the prompt in its place in the list', async () => {
    let handle!: ReturnType<McpServer['prompt']>;
    const conn = await sessionWith((s) => {
      handle = s.prompt('greet', {}, messages);
      s.prompt('farewell', {}, messages);
    });
    handle.update({ name: 'hello' });
    expect((await conn.error('prompts/get', { name: 'greet' })).code).toBe(ErrorCode.InvalidParams);
    expect(await conn.request('prompts/get', { name: 'hello' })).toEqual({ messages: [] });
    expect(await names(conn, 'prompts/list', 'prompts')).toEqual(['hello', 'farewell']);
  });
});
