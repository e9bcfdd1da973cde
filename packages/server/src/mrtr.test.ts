import { afterEach, describe, it, expect, vi } from 'vitest';
import { z } from 'zod';
import { ErrorCode, type ElicitParams, type JsonObject } from '@mcpkit/protocol';
import type { McpServer, McpServerOptions } from './index.js';
import { sessionWith, textOf } from '../test-support/harness.js';

const elicitCaps = { elicitation: {} };
const allCaps = { elicitation: { form: {}, url: {} }, sampling: {}, roots: {} };
const formFor = (message: string): ElicitParams => ({ message, requestedSchema: { type: 'object', properties: { value: { type: 'string' } } } });
const accept = (value: string) => ({ action: 'accept', content: { value } });

type InputRequired = { resultType: 'input_required'; inputRequests: Record<string, { method: string; params: JsonObject }>; requestState: string };

function expectInputRequired(result: JsonObject): InputRequired {
  expect(result.resultType).toBe('input_required');
  expect(typeof result.requestState).toBe('string');
  expect(typeof result.inputRequests).toBe('object');
  return result as unknown as InputRequired;
}

/** A server with tools that ask in the ways the tests need; `runs` counts handler attempts per tool. */
async function mrtrServer(options: McpServerOptions = {}) {
  const runs: Record<string, number> = {};
  const count = (name: string) => (runs[name] = (runs[name] ?? 0) + 1);
  const conn = await sessionWith((s: McpServer) => {
    s.tool('confirm', { inputSchema: { item: z.string() } }, async ({ item }, ctx) => {
      count('confirm');
      const answer = await ctx.elicit(formFor(`Delete ${item}?`), { key: 'confirm' });
      return { content: [{ type: 'text', text: `${item}: ${answer.action} ${JSON.stringify(answer.content ?? null)}` }] };
    });
    s.tool('unkeyed', {}, async (_args, ctx) => {
      const answer = await ctx.elicit(formFor('Name?'));
      return { content: [{ type: 'text', text: String(answer.content?.value) }] };
    });
    s.tool('two-rounds', {}, async (_args, ctx) => {
      count('two-rounds');
      const first = await ctx.elicit(formFor('First?'), { key: 'first' });
      const second = await ctx.elicit(formFor('Second?'), { key: 'second' });
      return { content: [{ type: 'text', text: `${String(first.content?.value)}+${String(second.content?.value)}` }] };
    });
    s.tool('together', {}, async (_args, ctx) => {
      const [a, b, roots] = await Promise.all([ctx.elicit(formFor('A?')), ctx.sample({ messages: [], maxTokens: 5 }), ctx.listRoots()]);
      return { content: [{ type: 'text', text: JSON.stringify([a.content?.value, b.model, roots.length]) }] };
    });
    s.tool('sample', {}, async (_args, ctx) => {
      const r = await ctx.sample({ messages: [], maxTokens: 5 }, { key: 's' });
      return { content: [{ type: 'text', text: r.model }] };
    });
    s.tool('roots', {}, async (_args, ctx) => {
      const r = await ctx.listRoots({ key: 'r' });
      return { content: [{ type: 'text', text: String(r.length) }] };
    });
    s.tool('url', {}, async (_args, ctx) => {
      await ctx.elicit({ mode: 'url', message: 'Sign in', url: 'https://example.com', elicitationId: 'x' }, { key: 'u' });
      return { content: [] };
    });
    s.resource('secret', 'mem://secret', {}, async (uri, ctx) => {
      const answer = await ctx.elicit(formFor('Password?'), { key: 'pw' });
      return { contents: [{ uri, text: answer.content?.value === 'open sesame' ? 'the secret' : 'denied' }] };
    });
  }, options);
  return { conn, runs };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('MRTR: input_required', () => {
  it('ends the attempt with the input request under the given key', async () => {
    const { conn } = await mrtrServer();
    const result = expectInputRequired(await conn.stateless('tools/call', { name: 'confirm', arguments: { item: 'a.txt' } }, { capabilities: elicitCaps }));
    expect(result.inputRequests).toEqual({ confirm: { method: 'elicitation/create', params: formFor('Delete a.txt?') } });
    expect(conn.serverRequests).toEqual([]);
  });

  it('completes when the retry carries the answer and the requestState', async () => {
    const { conn, runs } = await mrtrServer();
    const params = { name: 'confirm', arguments: { item: 'a.txt' } };
    const first = expectInputRequired(await conn.stateless('tools/call', params, { capabilities: elicitCaps }));
    const second = await conn.stateless('tools/call', { ...params, requestState: first.requestState, inputResponses: { confirm: accept('yes') } }, { capabilities: elicitCaps });
    expect(second.resultType).toBe('complete');
    expect(textOf(second)).toBe('a.txt: accept {"value":"yes"}');
    expect(runs.confirm).toBe(2);
    expect(conn.reported).toEqual([]);
  });

  it('generates distinct keys when the handler gives none, and accepts answers under them', async () => {
    const { conn } = await mrtrServer();
    const first = expectInputRequired(await conn.stateless('tools/call', { name: 'together' }, { capabilities: allCaps }));
    const keys = Object.keys(first.inputRequests);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    for (const k of keys) expect(k.length).toBeGreaterThan(0);
    const answers: Record<string, JsonObject> = {};
    for (const [k, req] of Object.entries(first.inputRequests)) {
      if (req.method === 'elicitation/create') answers[k] = accept('A');
      else if (req.method === 'sampling/createMessage') answers[k] = { role: 'assistant', content: { type: 'text', text: '' }, model: 'm1' };
      else answers[k] = { roots: [{ uri: 'file:///r' }] };
    }
    const done = await conn.stateless('tools/call', { name: 'together', requestState: first.requestState, inputResponses: answers }, { capabilities: allCaps });
    expect(JSON.parse(textOf(done))).toEqual(['A', 'm1', 1]);
  });

  it('asks made together with Promise.all arrive in one round', async () => {
    const { conn } = await mrtrServer();
    const first = expectInputRequired(await conn.stateless('tools/call', { name: 'together' }, { capabilities: allCaps }));
    expect(Object.values(first.inputRequests).map((r) => r.method).sort()).toEqual(['elicitation/create', 'roots/list', 'sampling/createMessage']);
  });

  it('a generated key works for a single unkeyed ask', async () => {
    const { conn } = await mrtrServer();
    const first = expectInputRequired(await conn.stateless('tools/call', { name: 'unkeyed' }, { capabilities: elicitCaps }));
    const [key] = Object.keys(first.inputRequests);
    const done = await conn.stateless('tools/call', { name: 'unkeyed', requestState: first.requestState, inputResponses: { [key!]: accept('Ada') } }, { capabilities: elicitCaps });
    expect(textOf(done)).toBe('Ada');
  });

  it('carries earlier answers across rounds in requestState', async () => {
    const { conn, runs } = await mrtrServer();
    const caps = { capabilities: elicitCaps };
    const r1 = expectInputRequired(await conn.stateless('tools/call', { name: 'two-rounds' }, caps));
    expect(Object.keys(r1.inputRequests)).toEqual(['first']);
    const r2 = expectInputRequired(await conn.stateless('tools/call', { name: 'two-rounds', requestState: r1.requestState, inputResponses: { first: accept('one') } }, caps));
    expect(Object.keys(r2.inputRequests)).toEqual(['second']);
    // The third attempt carries only the new answer: the first comes back from requestState.
    const r3 = await conn.stateless('tools/call', { name: 'two-rounds', requestState: r2.requestState, inputResponses: { second: accept('two') } }, caps);
    expect(r3.resultType).toBe('complete');
    expect(textOf(r3)).toBe('one+two');
    expect(runs['two-rounds']).toBe(3);
  });

  it('works for resources/read', async () => {
    const { conn } = await mrtrServer();
    const first = expectInputRequired(await conn.stateless('resources/read', { uri: 'mem://secret' }, { capabilities: elicitCaps }));
    expect(Object.keys(first.inputRequests)).toEqual(['pw']);
    const done = await conn.stateless('resources/read', { uri: 'mem://secret', requestState: first.requestState, inputResponses: { pw: accept('open sesame') } }, { capabilities: elicitCaps });
    expect(done.contents).toEqual([{ uri: 'mem://secret', text: 'the secret' }]);
  });
});

describe('MRTR: requestState integrity', () => {
  async function firstRound(options: McpServerOptions = {}) {
    const { conn } = await mrtrServer(options);
    const params = { name: 'confirm', arguments: { item: 'a.txt' } };
    const first = expectInputRequired(await conn.stateless('tools/call', params, { capabilities: elicitCaps }));
    return { conn, params, state: first.requestState };
  }

  async function rejected(conn: Awaited<ReturnType<typeof firstRound>>['conn'], params: JsonObject) {
    const error = await conn.statelessError('tools/call', params, { capabilities: elicitCaps });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.requestState');
    return error;
  }

  it('rejects a requestState whose body was altered', async () => {
    const { conn, params, state } = await firstRound();
    // Carry an answer the server never saw, under the original signature.
    const [body, sig] = state.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as JsonObject;
    payload.answers = { confirm: accept('forged') };
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    await rejected(conn, { ...params, requestState: forged });
  });

  it.each([
    ['garbage', 'not-a-state'],
    ['a bad signature', 'e30.AAAA'],
    ['non-base64url text', '%%%.%%%'],
  ])('rejects %s', async (_label, requestState) => {
    const { conn, params } = await firstRound();
    await rejected(conn, { ...params, requestState });
  });

  it('answers a non-string requestState with -32602', async () => {
    const { conn, params } = await firstRound();
    await rejected(conn, { ...params, requestState: 42 });
  });

  it('rejects a requestState after its TTL', async () => {
    const { conn, params, state } = await firstRound();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const error = await rejected(conn, { ...params, requestState: state, inputResponses: { confirm: accept('late') } });
    expect(error.message).toContain('expired');
  });

  it('honours requestStateTtlMs', async () => {
    const { conn, params, state } = await firstRound({ requestStateTtlMs: 1 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5);
    await rejected(conn, { ...params, requestState: state, inputResponses: { confirm: accept('late') } });
  });

  it('accepts a requestState within its TTL', async () => {
    const { conn, params, state } = await firstRound();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 9 * 60_000);
    const done = await conn.stateless('tools/call', { ...params, requestState: state, inputResponses: { confirm: accept('ok') } }, { capabilities: elicitCaps });
    expect(done.resultType).toBe('complete');
  });

  it('rejects a requestState from a call with different arguments', async () => {
    const { conn, state } = await firstRound();
    await rejected(conn, { name: 'confirm', arguments: { item: 'b.txt' }, requestState: state, inputResponses: { confirm: accept('yes') } });
  });

  it('rejects a requestState from another tool', async () => {
    const { conn, state } = await firstRound();
    await rejected(conn, { name: 'unkeyed', requestState: state, inputResponses: { confirm: accept('yes') } });
  });

  it('rejects a requestState signed by another server', async () => {
    const { state } = await firstRound({ requestStateSecret: 'a'.repeat(32) });
    const other = await firstRound({ requestStateSecret: 'b'.repeat(32) });
    await rejected(other.conn, { ...other.params, requestState: state, inputResponses: { confirm: accept('yes') } });
  });

  it('accepts a requestState signed by a replica with the same secret', async () => {
    const secret = 's'.repeat(32);
    const { state, params } = await firstRound({ requestStateSecret: secret });
    const replica = await firstRound({ requestStateSecret: secret });
    const done = await replica.conn.stateless('tools/call', { ...params, requestState: state, inputResponses: { confirm: accept('yes') } }, { capabilities: elicitCaps });
    expect(done.resultType).toBe('complete');
  });
});

describe('MRTR: inputResponses shapes', () => {
  it.each([
    ['a string', 'yes', 'params.inputResponses'],
    ['an array', [accept('x')], 'params.inputResponses'],
  ])('rejects inputResponses that is %s with -32602', async (_label, inputResponses, field) => {
    const { conn } = await mrtrServer();
    const error = await conn.statelessError('tools/call', { name: 'confirm', arguments: { item: 'a' }, inputResponses }, { capabilities: elicitCaps });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain(field);
  });

  it.each([
    ['confirm', 'a non-object answer', 'yes', 'params.inputResponses.confirm'],
    ['confirm', 'an elicitation answer with an unknown action', { action: 'maybe' }, 'params.inputResponses.confirm.action'],
    ['confirm', 'an elicitation answer with non-object content', { action: 'accept', content: 'x' }, 'params.inputResponses.confirm.content'],
    ['sample', 'a sampling answer without a model', { role: 'assistant', content: { type: 'text', text: '' } }, 'params.inputResponses.s'],
    ['roots', 'a roots answer without a roots array', { roots: 'file:///' }, 'params.inputResponses.r.roots'],
  ])('%s: rejects %s with -32602 naming the key', async (tool, _label, answer, field) => {
    const { conn } = await mrtrServer();
    const key = tool === 'confirm' ? 'confirm' : tool === 'sample' ? 's' : 'r';
    const error = await conn.statelessError('tools/call', { name: tool, arguments: { item: 'a' }, inputResponses: { [key]: answer } }, { capabilities: allCaps });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain(field);
  });
});

describe('MRTR: missing client capabilities', () => {
  it.each([
    ['confirm', { elicitation: { form: {} } }],
    ['sample', { sampling: {} }],
    ['roots', { roots: {} }],
    ['url', { elicitation: { url: {} } }],
  ])('%s answers -32021 with data.requiredCapabilities', async (tool, required) => {
    const { conn } = await mrtrServer();
    const capabilities = tool === 'url' ? { elicitation: { form: {} } } : {};
    const error = await conn.statelessError('tools/call', { name: tool, arguments: { item: 'a' } }, { capabilities });
    expect(error.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect(error.code).toBe(-32021);
    expect((error.data as JsonObject).requiredCapabilities).toEqual(required);
  });
});
