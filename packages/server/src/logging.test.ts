import { describe, it, expect } from 'vitest';
import { ErrorCode, type JsonObject, type LoggingLevel, type Progress } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { connect, createServer, sessionWith } from '../test-support/harness.js';

const ALL: LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** A tool that logs once at every level. */
function chatty(s: McpServer): void {
  s.tool('chatty', {}, async (_args, ctx) => {
    for (const level of ALL) await ctx.log(level, { at: level }, 'chatty');
    return { content: [] };
  });
}

function levels(params: Array<JsonObject | undefined>): unknown[] {
  return params.map((p) => p?.level);
}

describe('logging: session era', () => {
  it('sends every level before logging/setLevel', async () => {
    const conn = await sessionWith(chatty);
    await conn.request('tools/call', { name: 'chatty' });
    await conn.settle();
    const logs = conn.received('notifications/message');
    expect(levels(logs.map((n) => n.params))).toEqual(ALL);
    expect(logs[0]?.params).toEqual({ level: 'debug', data: { at: 'debug' }, logger: 'chatty' });
  });

  it('filters ctx.log below the level set with logging/setLevel', async () => {
    const conn = await sessionWith(chatty);
    expect(await conn.request('logging/setLevel', { level: 'error' })).toEqual({});
    await conn.request('tools/call', { name: 'chatty' });
    await conn.settle();
    expect(levels(conn.received('notifications/message').map((n) => n.params))).toEqual(['error', 'critical', 'alert', 'emergency']);
  });

  it.each([['verbose'], [3], [null]])('answers logging/setLevel %j with -32602 naming params.level', async (level) => {
    const conn = await sessionWith(chatty);
    const error = await conn.error('logging/setLevel', { level });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.level');
  });

  it('keeps the previous level after an invalid logging/setLevel', async () => {
    const conn = await sessionWith(chatty);
    await conn.request('logging/setLevel', { level: 'alert' });
    await conn.error('logging/setLevel', { level: 'loud' });
    await conn.request('tools/call', { name: 'chatty' });
    await conn.settle();
    expect(levels(conn.received('notifications/message').map((n) => n.params))).toEqual(['alert', 'emergency']);
  });

  it('server.log() reaches every initialized session at or above its level', async () => {
    const { server } = createServer();
    chatty(server);
    const quietOne = await connect(server);
    const loud = await connect(server);
    const fresh = await connect(server);
    await quietOne.initialize();
    await loud.initialize();
    await quietOne.request('logging/setLevel', { level: 'warning' });
    server.log('info', 'hello', 'app');
    server.log('error', { code: 7 });
    for (const c of [quietOne, loud, fresh]) await c.settle();
    expect(loud.received('notifications/message').map((n) => n.params)).toEqual([
      { level: 'info', data: 'hello', logger: 'app' },
      { level: 'error', data: { code: 7 } },
    ]);
    expect(quietOne.received('notifications/message').map((n) => n.params)).toEqual([{ level: 'error', data: { code: 7 } }]);
    expect(fresh.received('notifications/message')).toEqual([]);
  });
});

describe('logging: stateless era', () => {
  it('sends no log notifications without a logLevel in _meta', async () => {
    const conn = await sessionWith(chatty);
    await conn.stateless('tools/call', { name: 'chatty' });
    await conn.settle();
    expect(conn.received('notifications/message')).toEqual([]);
  });

  it('sends log notifications at or above the logLevel in _meta', async () => {
    const conn = await sessionWith(chatty);
    await conn.stateless('tools/call', { name: 'chatty' }, { logLevel: 'critical' });
    await conn.settle();
    expect(levels(conn.received('notifications/message').map((n) => n.params))).toEqual(['critical', 'alert', 'emergency']);
  });

  it('is not affected by the session-era level', async () => {
    const conn = await sessionWith(chatty);
    await conn.request('logging/setLevel', { level: 'emergency' });
    await conn.stateless('tools/call', { name: 'chatty' }, { logLevel: 'debug' });
    await conn.settle();
    expect(levels(conn.received('notifications/message').map((n) => n.params))).toEqual(ALL);
  });

  it('answers an invalid logLevel in _meta with -32602', async () => {
    const conn = await sessionWith(chatty);
    const error = await conn.statelessError('tools/call', { name: 'chatty' }, { logLevel: 'loud' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('logLevel');
  });
});

describe('progress', () => {
  function counting(s: McpServer): void {
    s.tool('work', {}, async (_args, ctx) => {
      await ctx.progress(1, 3, 'first');
      await ctx.progress(2, 3);
      await ctx.progress(3);
      return { content: [] };
    });
  }

  it('sends notifications/progress with the token the client gave', async () => {
    const conn = await sessionWith(counting);
    await conn.request('tools/call', { name: 'work', _meta: { progressToken: 'tok-1' } });
    await conn.settle();
    expect(conn.received('notifications/progress').map((n) => n.params)).toEqual([
      { progressToken: 'tok-1', progress: 1, total: 3, message: 'first' },
      { progressToken: 'tok-1', progress: 2, total: 3 },
      { progressToken: 'tok-1', progress: 3 },
    ]);
  });

  it('routes progress to the requester through a numeric token', async () => {
    const conn = await sessionWith(counting);
    const seen: Progress[] = [];
    await conn.request('tools/call', { name: 'work' }, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3]);
  });

  it('sends nothing when the request has no progress token', async () => {
    const conn = await sessionWith(counting);
    await conn.request('tools/call', { name: 'work' });
    await conn.request('tools/call', { name: 'work', _meta: {} });
    await conn.settle();
    expect(conn.received('notifications/progress')).toEqual([]);
  });

  it('ignores a progress token that is neither a string nor a number', async () => {
    const conn = await sessionWith(counting);
    await conn.request('tools/call', { name: 'work', _meta: { progressToken: { nested: true } } });
    await conn.settle();
    expect(conn.received('notifications/progress')).toEqual([]);
  });

  it('sends progress in the stateless era only with a token in _meta', async () => {
    const conn = await sessionWith(counting);
    await conn.stateless('tools/call', { name: 'work' });
    await conn.settle();
    expect(conn.received('notifications/progress')).toEqual([]);
    await conn.stateless('tools/call', { name: 'work' }, { extra: { progressToken: 42 } });
    await conn.settle();
    expect(conn.received('notifications/progress').map((n) => n.params?.progressToken)).toEqual([42, 42, 42]);
  });
});
