import { describe, it, expect } from 'vitest';
import { ConnectionClosedError, ErrorCode, type JsonObject } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { connect, createServer, deferred, macrotask, sessionWith } from '../test-support/harness.js';

const ok = () => ({ content: [] });
const read = (uri: string) => ({ contents: [{ uri, text: '' }] });

async function fresh(setup: (s: McpServer) => void = (s) => s.tool('t', {}, ok), options = {}) {
  const { server } = createServer(options);
  setup(server);
  return connect(server);
}

describe('session era: lifecycle', () => {
  it.each(['tools/list', 'tools/call', 'logging/setLevel', 'resources/subscribe'])('answers %s before initialize with -32600', async (method) => {
    const conn = await fresh();
    const error = await conn.error(method, { name: 't', level: 'info', uri: 'x' });
    expect(error.code).toBe(ErrorCode.InvalidRequest);
    expect(error.message).toContain('initialize');
  });

  it('answers ping before and after initialize with an empty result', async () => {
    const conn = await fresh();
    expect(await conn.request('ping')).toEqual({});
    await conn.initialize();
    expect(await conn.request('ping')).toEqual({});
  });

  it('answers a second initialize with -32600 and keeps the first negotiation', async () => {
    const conn = await fresh();
    await conn.initialize({ protocolVersion: '2025-06-18' });
    const error = await conn.error('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } });
    expect(error.code).toBe(ErrorCode.InvalidRequest);
    expect(conn.session.protocolVersion).toBe('2025-06-18');
  });

  it('answers initialize without protocolVersion with -32602', async () => {
    const conn = await fresh();
    const error = await conn.error('initialize', { capabilities: {} });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.protocolVersion');
  });

  it('answers an unknown method with -32601', async () => {
    const conn = await fresh();
    await conn.initialize();
    const error = await conn.error('no/such/method');
    expect(error.code).toBe(ErrorCode.MethodNotFound);
  });

  it('returns serverInfo and instructions', async () => {
    const conn = await fresh(undefined, { instructions: 'Use the t tool.' });
    const result = await conn.initialize();
    expect(result.serverInfo).toEqual({ name: 'test-server', version: '1.0.0' });
    expect(result.instructions).toBe('Use the t tool.');
  });

  it('records the client info and capabilities', async () => {
    const conn = await fresh();
    await conn.initialize({ capabilities: { roots: { listChanged: true } } });
    expect(conn.session.clientInfo).toEqual({ name: 'test-client', version: '0.0.0' });
    expect(conn.session.clientCapabilities).toEqual({ roots: { listChanged: true } });
  });
});

describe('session era: version negotiation', () => {
  it.each(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'])('honours a requested %s', async (version) => {
    const conn = await fresh();
    expect((await conn.initialize({ protocolVersion: version })).protocolVersion).toBe(version);
  });

  it.each(['1999-01-01', 'latest', '2026-07-28'])('answers an unknown or stateless %s with the latest session revision', async (version) => {
    const conn = await fresh();
    expect((await conn.initialize({ protocolVersion: version })).protocolVersion).toBe('2025-11-25');
  });

  it('answers with the newest revision the server is configured for', async () => {
    const conn = await fresh(undefined, { revisions: ['2024-11-05', '2025-03-26'] });
    expect((await conn.initialize({ protocolVersion: '2025-11-25' })).protocolVersion).toBe('2025-03-26');
  });
});

describe('session era: capabilities', () => {
  async function capabilities(setup: (s: McpServer) => void, protocolVersion?: string): Promise<JsonObject> {
    const conn = await fresh(setup);
    return (await conn.initialize(protocolVersion === undefined ? {} : { protocolVersion })).capabilities as JsonObject;
  }

  it('advertises only logging on an empty server', async () => {
    expect(await capabilities(() => {})).toEqual({ logging: {} });
  });

  it('advertises what is registered', async () => {
    expect(await capabilities((s) => s.tool('t', {}, ok))).toEqual({ logging: {}, tools: { listChanged: true } });
    expect(await capabilities((s) => s.prompt('p', {}, () => ({ messages: [] })))).toEqual({ logging: {}, prompts: { listChanged: true } });
    expect(await capabilities((s) => s.resource('r', 'mem://r', {}, read))).toEqual({ logging: {}, resources: { subscribe: true, listChanged: true } });
    expect(await capabilities((s) => s.resourceTemplate('rt', 'mem://{id}', {}, read))).toEqual({
      logging: {},
      resources: { subscribe: true, listChanged: true },
    });
  });

  it('advertises completions only when a completer is registered', async () => {
    expect(await capabilities((s) => s.prompt('p', {}, () => ({ messages: [] })))).not.toHaveProperty('completions');
    expect(await capabilities((s) => s.prompt('p', { complete: { a: () => [] } }, () => ({ messages: [] })))).toHaveProperty('completions', {});
    expect(await capabilities((s) => s.resourceTemplate('rt', 'mem://{id}', { complete: { id: () => [] } }, read))).toHaveProperty('completions', {});
  });

  it('leaves completions out for 2024-11-05, which predates them', async () => {
    expect(await capabilities((s) => s.prompt('p', { complete: { a: () => [] } }, () => ({ messages: [] })), '2024-11-05')).not.toHaveProperty('completions');
  });

  it('merges configured extra capabilities', async () => {
    const conn = await fresh((s) => s.tool('t', {}, ok), { capabilities: { experimental: { demo: {} }, tools: { extra: true } } });
    const caps = (await conn.initialize()).capabilities;
    expect(caps).toEqual({ logging: {}, tools: { listChanged: true, extra: true }, experimental: { demo: {} } });
  });
});

describe('stateless requests on a session connection', () => {
  it('serves server/discover without initialize', async () => {
    const conn = await fresh();
    const result = await conn.stateless('server/discover');
    expect(result).toMatchObject({ resultType: 'complete', capabilities: { tools: { listChanged: true } } });
    expect(result.supportedVersions).toContain('2026-07-28');
    expect(conn.session.initialized).toBe(false);
  });

  it('answers a stateless request naming a session revision with -32022 listing what is supported', async () => {
    const conn = await fresh();
    const error = await conn.error('tools/list', {
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2025-11-25', 'io.modelcontextprotocol/clientCapabilities': {} },
    });
    expect(error.code).toBe(ErrorCode.UnsupportedProtocolVersion);
    expect(error.data).toMatchObject({ requested: '2025-11-25', supported: expect.arrayContaining(['2026-07-28']) });
  });

  it('answers a stateless request without clientCapabilities with -32602', async () => {
    const conn = await fresh();
    const error = await conn.error('tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('clientCapabilities');
  });

  it.each(['initialize', 'logging/setLevel', 'resources/subscribe'])('answers session-only %s with -32601', async (method) => {
    const conn = await fresh((s) => s.resource('r', 'mem://r', {}, read));
    const error = await conn.statelessError(method, { uri: 'mem://r', level: 'info' });
    expect(error.code).toBe(ErrorCode.MethodNotFound);
  });
});

describe('server.close()', () => {
  it('ends every session: each client sees its connection close', async () => {
    const { server } = createServer();
    server.tool('t', {}, ok);
    const one = await connect(server);
    const two = await connect(server);
    await one.initialize();
    const closed: string[] = [];
    one.client.onClose(() => closed.push('one'));
    two.client.onClose(() => closed.push('two'));
    await server.close();
    await macrotask();
    expect(closed.sort()).toEqual(['one', 'two']);
    expect(one.client.closed).toBe(true);
    await expect(one.client.request('ping', {})).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('rejects a request the client has in flight', async () => {
    const gate = deferred();
    const conn = await sessionWith((s) =>
      s.tool('slow', {}, async () => {
        await gate.promise;
        return { content: [] };
      }),
    );
    const pending = conn.request('tools/call', { name: 'slow' });
    await conn.settle();
    await conn.server.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    gate.resolve();
  });

  it('aborts the signal of a running handler', async () => {
    let signal: AbortSignal | undefined;
    const started = deferred();
    const conn = await sessionWith((s) =>
      s.tool('slow', {}, (_args, ctx) => {
        signal = ctx.signal;
        started.resolve();
        return new Promise(() => {});
      }),
    );
    void conn.request('tools/call', { name: 'slow' }).catch(() => {});
    await started.promise;
    expect(signal?.aborted).toBe(false);
    await conn.server.close();
    expect(signal?.aborted).toBe(true);
  });

  it('leaves a server that can accept new connections', async () => {
    const { server } = createServer();
    server.tool('t', {}, ok);
    const first = await connect(server);
    await first.initialize();
    await server.close();
    const second = await connect(server);
    await second.initialize();
    expect(await second.request('tools/call', { name: 't' })).toEqual({ content: [] });
  });
});
