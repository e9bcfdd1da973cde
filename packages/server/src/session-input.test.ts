import { describe, it, expect } from 'vitest';
import type { JsonObject, JsonRpcRequest } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { sessionWith, textOf } from '../test-support/harness.js';

const form = { message: 'Your name?', requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } } } };

/** A tool per kind of ask, each echoing the client's answer as JSON. */
function asking(s: McpServer): void {
  s.tool('ask-name', {}, async (_args, ctx) => {
    const answer = await ctx.elicit(form);
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  s.tool('ask-url', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({ mode: 'url', message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e1' });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  s.tool('ask-model', {}, async (_args, ctx) => {
    const answer = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 10 });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  s.tool('ask-roots', {}, async (_args, ctx) => {
    const roots = await ctx.listRoots();
    return { content: [{ type: 'text', text: JSON.stringify(roots) }] };
  });
}

function answering(request: JsonRpcRequest): JsonObject {
  switch (request.method) {
    case 'elicitation/create':
      return { action: 'accept', content: { name: 'Ada' } };
    case 'sampling/createMessage':
      return { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' };
    case 'roots/list':
      return { roots: [{ uri: 'file:///work', name: 'work' }] };
    default:
      throw new Error(`unexpected ${request.method}`);
  }
}

const allCapabilities = { elicitation: { form: {}, url: {} }, sampling: {}, roots: {} };

describe('session era: asking the client', () => {
  it('ctx.elicit sends elicitation/create and returns the answer', async () => {
    const conn = await sessionWith(asking, {}, { capabilities: allCapabilities, onRequest: answering });
    const result = await conn.request('tools/call', { name: 'ask-name' });
    expect(JSON.parse(textOf(result))).toEqual({ action: 'accept', content: { name: 'Ada' } });
    expect(conn.serverRequests.map((r) => [r.method, r.params])).toEqual([['elicitation/create', form]]);
  });

  it('ctx.elicit in URL mode sends the URL request', async () => {
    const conn = await sessionWith(asking, {}, { capabilities: allCapabilities, onRequest: () => ({ action: 'accept' }) });
    const result = await conn.request('tools/call', { name: 'ask-url' });
    expect(JSON.parse(textOf(result))).toEqual({ action: 'accept' });
    expect(conn.serverRequests[0]?.params).toMatchObject({ mode: 'url', url: 'https://example.com/login', elicitationId: 'e1' });
  });

  it('ctx.sample sends sampling/createMessage and returns the answer', async () => {
    const conn = await sessionWith(asking, {}, { capabilities: allCapabilities, onRequest: answering });
    const result = await conn.request('tools/call', { name: 'ask-model' });
    expect(JSON.parse(textOf(result))).toEqual({ role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' });
    expect(conn.serverRequests[0]).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 10 } });
  });

  it('ctx.listRoots sends roots/list and returns the roots', async () => {
    const conn = await sessionWith(asking, {}, { capabilities: allCapabilities, onRequest: answering });
    const result = await conn.request('tools/call', { name: 'ask-roots' });
    expect(JSON.parse(textOf(result))).toEqual([{ uri: 'file:///work', name: 'work' }]);
    expect(conn.serverRequests.map((r) => r.method)).toEqual(['roots/list']);
  });

  it('treats an empty elicitation capability as form mode', async () => {
    const conn = await sessionWith(asking, {}, { capabilities: { elicitation: {} }, onRequest: answering });
    const result = await conn.request('tools/call', { name: 'ask-name' });
    expect(result.isError).toBeUndefined();
    const url = await conn.request('tools/call', { name: 'ask-url' });
    expect(url.isError).toBe(true);
    expect(textOf(url)).toContain('elicitation.url');
  });

  it.each([
    ['ask-name', 'elicitation'],
    ['ask-model', 'sampling'],
    ['ask-roots', 'roots'],
  ])('answers %s with an isError result naming the missing %s capability, without asking', async (tool, capability) => {
    const conn = await sessionWith(asking, {}, { capabilities: {}, onRequest: answering });
    const result = await conn.request('tools/call', { name: tool });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`Client does not support ${capability}`);
    expect(conn.serverRequests).toEqual([]);
  });

  it('reports the missing capability as MissingCapabilityError to onError', async () => {
    const conn = await sessionWith(asking, {}, { capabilities: {} });
    await conn.request('tools/call', { name: 'ask-roots' });
    expect(conn.reported.map((r) => r.error.name)).toContain('MissingCapabilityError');
  });

  it('leaves out the mode field of a form elicitation for clients before 2025-11-25', async () => {
    const conn = await sessionWith(
      (s) => s.tool('ask', {}, async (_a, ctx) => ({ content: [{ type: 'text', text: JSON.stringify(await ctx.elicit({ ...form, mode: 'form' })) }] })),
      {},
      { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, onRequest: answering },
    );
    await conn.request('tools/call', { name: 'ask' });
    expect(conn.serverRequests[0]?.params).toEqual(form);
  });
});
