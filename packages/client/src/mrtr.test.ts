/**
 * Multi Round-Trip Requests (2026-07-28 basic/patterns/mrtr) from the client's side: handlers answer
 * `input_required` rounds, the retry echoes `requestState` exactly, and misbehaving servers fail cleanly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CallToolResult,
  type ElicitResult,
  ErrorCode,
  type JsonObject,
  ProtocolError,
  ProtocolViolationError,
  type TextContent,
} from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import type { ClientHandlers, InputContext } from './index.js';
import { type FakeHandler, closeAll, connectTo, modernServer, newClient, requestsFor } from '../test-support/harness.js';

afterEach(closeAll);

const text = (r: CallToolResult): string => (r.content[0] as TextContent).text;

const sampled = { role: 'assistant' as const, content: { type: 'text' as const, text: 'four' }, model: 'test-model' };

/** A server whose tool asks three times in a row: elicitation, then sampling, then roots. */
function askingServer(): McpServer {
  const server = new McpServer({ name: 'asker', version: '1' });
  server.tool('interview', { inputSchema: { type: 'object', properties: { topic: { type: 'string' } } } }, async (args, ctx) => {
    const who = await ctx.elicit({ message: `Name for ${String(args.topic)}?`, requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } });
    const answer = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: '2+2?' } }], maxTokens: 5 });
    const roots = await ctx.listRoots();
    const said = (answer.content as { text?: string }).text;
    return { content: [{ type: 'text', text: `${String(who.content?.name)}|${String(said)}|${roots.map((r) => r.uri).join(',')}` }] };
  });
  server.prompt('greet', {}, async (_args, ctx) => {
    const r = await ctx.elicit({ message: 'Whom?', requestedSchema: { type: 'object', properties: { who: { type: 'string' } } } });
    return { messages: [{ role: 'user', content: { type: 'text', text: `hello ${String(r.content?.who)}` } }] };
  });
  server.resource('secret', 'mem://secret', {}, async (uri, ctx) => {
    const r = await ctx.elicit({ message: 'Password?', requestedSchema: { type: 'object', properties: { pw: { type: 'string' } } } });
    return { contents: [{ uri, text: r.action === 'accept' ? 'the secret' : 'denied' }] };
  });
  return server;
}

function spyHandlers(): ClientHandlers & { seen: Array<{ kind: string; ctx: InputContext }> } {
  const seen: Array<{ kind: string; ctx: InputContext }> = [];
  return {
    seen,
    elicitation: (params, ctx): ElicitResult => {
      seen.push({ kind: 'elicitation', ctx });
      return params.message === 'Password?' ? { action: 'accept', content: { pw: 'x' } } : { action: 'accept', content: { name: 'Ada', who: 'world' } };
    },
    sampling: (_params, ctx) => {
      seen.push({ kind: 'sampling', ctx });
      return sampled;
    },
    roots: (ctx) => {
      seen.push({ kind: 'roots', ctx });
      return [{ uri: 'file:///work' }];
    },
  };
}

describe('against McpServer in the stateless era', () => {
  it('answers elicitation, sampling and roots over three rounds', async () => {
    const handlers = spyHandlers();
    const { client, sent } = await connectTo(askingServer(), { handlers });
    expect(client.era).toBe('stateless');
    const result = await client.callTool('interview', { topic: 'tests' });
    expect(text(result)).toBe('Ada|four|file:///work');
    expect(handlers.seen.map((s) => s.kind)).toEqual(['elicitation', 'sampling', 'roots']);
    expect(handlers.seen.every((s) => s.ctx.era === 'stateless')).toBe(true);
    const calls = requestsFor(sent, 'tools/call');
    expect(calls).toHaveLength(4);
    for (const c of calls) expect(c.params).toMatchObject({ name: 'interview', arguments: { topic: 'tests' } });
    expect(calls[0]!.params).not.toHaveProperty('requestState');
    for (const c of calls.slice(1)) expect(typeof c.params?.requestState).toBe('string');
    // Each retry is a new JSON-RPC request.
    expect(new Set(calls.map((c) => c.id)).size).toBe(4);
  });

  it('plays rounds for prompts/get and resources/read too', async () => {
    const { client } = await connectTo(askingServer(), { handlers: spyHandlers() });
    const prompt = await client.getPrompt('greet');
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'hello world' });
    const read = await client.readResource('mem://secret');
    expect(read.contents[0]).toMatchObject({ uri: 'mem://secret', text: 'the secret' });
  });

  it('fails the call with -32601 when the client has no handler for what the server asks', async () => {
    // The server sees elicitation declared, but the handler is not there for sampling: declare it by hand.
    const { client } = await connectTo(askingServer(), {
      handlers: { elicitation: () => ({ action: 'accept', content: { name: 'Ada' } }) },
      capabilities: { sampling: {} },
    });
    const failure = await client.callTool('interview', { topic: 'x' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe(ErrorCode.MethodNotFound);
    expect((failure as Error).message).toMatch(/sampling\/createMessage/);
    // The connection is fine afterwards.
    expect(client.closed).toBe(false);
    await expect(client.readResource('mem://secret')).resolves.toMatchObject({ contents: [{ text: 'the secret' }] });
  });
});

/** A tools/call handler that runs `rounds` in order, then completes. */
function scripted(rounds: JsonObject[], final: JsonObject = { content: [{ type: 'text', text: 'done' }] }): FakeHandler {
  let i = 0;
  return () => (i < rounds.length ? rounds[i++]! : final);
}

const elicit = (message: string): JsonObject => ({ method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties: {} } } });

describe('against a scripted server', () => {
  it('echoes requestState exactly and sends only this round\'s answers beside the original params', async () => {
    const state1 = 'opaque.state/1+ü==';
    const state2 = '  spaces and "quotes" kept  ';
    const { server, transport } = await modernServer({
      'tools/call': scripted([
        { resultType: 'input_required', inputRequests: { first: elicit('one?') }, requestState: state1 },
        { resultType: 'input_required', inputRequests: { second: elicit('two?') }, requestState: state2 },
      ]),
    });
    const messages: string[] = [];
    const client = newClient({ handlers: { elicitation: (p) => (messages.push(p.message), { action: 'accept', content: { said: p.message } }) } });
    await client.connect(transport);
    const result = await client.callTool('t', { a: 1 });
    expect(text(result)).toBe('done');
    expect(messages).toEqual(['one?', 'two?']);
    const [c0, c1, c2] = server.calls('tools/call').map((r) => {
      const { _meta, ...rest } = r.params ?? {};
      return rest;
    });
    expect(c0).toEqual({ name: 't', arguments: { a: 1 } });
    expect(c1).toEqual({ name: 't', arguments: { a: 1 }, inputResponses: { first: { action: 'accept', content: { said: 'one?' } } }, requestState: state1 });
    expect(c2).toEqual({ name: 't', arguments: { a: 1 }, inputResponses: { second: { action: 'accept', content: { said: 'two?' } } }, requestState: state2 });
  });

  it('retries without requestState when the round carried none', async () => {
    const { server, transport } = await modernServer({ 'tools/call': scripted([{ resultType: 'input_required', inputRequests: { r: { method: 'roots/list', params: {} } } }]) });
    const client = newClient({ handlers: { roots: () => [{ uri: 'file:///a' }] } });
    await client.connect(transport);
    await client.callTool('t');
    const retry = server.calls('tools/call')[1]!.params!;
    expect(retry).not.toHaveProperty('requestState');
    expect(retry.inputResponses).toEqual({ r: { roots: [{ uri: 'file:///a' }] } });
  });

  it('gives up with ProtocolViolationError after maxInputRounds, without answering a round it cannot send', async () => {
    const endless: FakeHandler = () => ({ resultType: 'input_required', inputRequests: { again: elicit('again?') }, requestState: 's' });
    const { server, transport } = await modernServer({ 'tools/call': endless });
    const elicitation = vi.fn(() => ({ action: 'decline' as const }));
    const client = newClient({ handlers: { elicitation }, maxInputRounds: 3 });
    await client.connect(transport);
    await expect(client.callTool('loop')).rejects.toThrow(ProtocolViolationError);
    expect(server.calls('tools/call')).toHaveLength(4);
    expect(elicitation).toHaveBeenCalledTimes(3);
  });

  it('uses 10 rounds by default', async () => {
    const { server, transport } = await modernServer({ 'tools/call': () => ({ resultType: 'input_required', inputRequests: {}, requestState: 's' }) });
    const client = newClient();
    await client.connect(transport);
    await expect(client.callTool('loop')).rejects.toThrow(/after 10 rounds/);
    expect(server.calls('tools/call')).toHaveLength(11);
  });

  it('refuses input_required on a method that may not ask (tools/list)', async () => {
    const { server, transport } = await modernServer({ 'tools/list': () => ({ resultType: 'input_required', inputRequests: { x: elicit('?') } }) });
    const elicitation = vi.fn(() => ({ action: 'decline' as const }));
    const client = newClient({ handlers: { elicitation } });
    await client.connect(transport);
    await expect(client.listTools()).rejects.toThrow(ProtocolViolationError);
    expect(elicitation).not.toHaveBeenCalled();
    expect(server.calls('tools/list')).toHaveLength(1);
  });

  it('refuses an unknown resultType', async () => {
    const { transport } = await modernServer({ 'tools/call': () => ({ resultType: 'teleported', content: [] }) });
    const client = newClient();
    await client.connect(transport);
    await expect(client.callTool('t')).rejects.toThrow(/unknown resultType "teleported"/);
  });

  it.each([
    ['inputRequests that is an array', { resultType: 'input_required', inputRequests: [elicit('?')] }],
    ['an input request without a method', { resultType: 'input_required', inputRequests: { k: { params: {} } } }],
    ['a requestState that is not a string', { resultType: 'input_required', inputRequests: {}, requestState: 42 }],
  ])('refuses a round with %s', async (_what, round) => {
    const { server, transport } = await modernServer({ 'tools/call': scripted([round as JsonObject]) });
    const client = newClient({ handlers: { elicitation: () => ({ action: 'decline' }) } });
    await client.connect(transport);
    await expect(client.callTool('t')).rejects.toBeInstanceOf(ProtocolViolationError);
    expect(server.calls('tools/call')).toHaveLength(1);
  });

  it('answers every request of one round before retrying once', async () => {
    const { server, transport } = await modernServer({
      'tools/call': scripted([
        {
          resultType: 'input_required',
          inputRequests: { e: elicit('?'), s: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } }, r: { method: 'roots/list' } },
          requestState: 'st',
        },
      ]),
    });
    const client = newClient({ handlers: { elicitation: () => ({ action: 'cancel' }), sampling: () => sampled, roots: () => [] } });
    await client.connect(transport);
    await client.callTool('t');
    const calls = server.calls('tools/call');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.params!.inputResponses).toEqual({ e: { action: 'cancel' }, s: sampled, r: { roots: [] } });
  });

  it('a handler that throws fails the call with its error', async () => {
    const { transport } = await modernServer({ 'tools/call': scripted([{ resultType: 'input_required', inputRequests: { e: elicit('?') } }]) });
    const client = newClient({ handlers: { elicitation: () => Promise.reject(new Error('user closed the dialog')) } });
    await client.connect(transport);
    await expect(client.callTool('t')).rejects.toThrow('user closed the dialog');
  });

  it('rejects malformed sampling params with -32602 before calling the handler', async () => {
    const { transport } = await modernServer({ 'tools/call': scripted([{ resultType: 'input_required', inputRequests: { s: { method: 'sampling/createMessage', params: { messages: 'no' } } } }]) });
    const sampling = vi.fn(() => sampled);
    const client = newClient({ handlers: { sampling } });
    await client.connect(transport);
    await expect(client.callTool('t')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    expect(sampling).not.toHaveBeenCalled();
  });
});
