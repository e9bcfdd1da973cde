/**
 * One handler API for what servers ask of clients: the same handlers answer session-era server-to-client
 * requests, and `applyElicitationDefaults` fills an accepted form from the schema's defaults in both eras.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CallToolResult, ErrorCode, type JsonObject, ProtocolError, type TextContent } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import type { ClientHandlers, InputContext } from './index.js';
import { closeAll, connectTo } from '../test-support/harness.js';

afterEach(closeAll);

const SESSION = { protocolVersion: '2025-11-25' } as const;
const text = (r: CallToolResult): string => (r.content[0] as TextContent).text;

const formSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', default: 'anonymous' },
    age: { type: 'number', default: 30 },
    colour: { type: 'string' },
  },
};

/** A server with tools that ask the client for each kind of input and report what they got. */
function askingServer(onError: (error: Error) => void = () => undefined): McpServer {
  const server = new McpServer({ name: 'asker', version: '1' }, { onError });
  server.tool('form', {}, async (_args, ctx) => {
    const r = await ctx.elicit({ message: 'Tell me', requestedSchema: formSchema });
    return { content: [{ type: 'text', text: JSON.stringify(r) }] };
  });
  server.tool('think', {}, async (_args, ctx) => {
    const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 3 });
    return { content: [{ type: 'text', text: `${r.model}:${(r.content as { text: string }).text}` }] };
  });
  server.tool('roots', {}, async (_args, ctx) => ({ content: [{ type: 'text', text: (await ctx.listRoots()).map((r) => r.uri).join(',') }] }));
  return server;
}

function handlers(): Required<ClientHandlers> & { contexts: InputContext[] } {
  const contexts: InputContext[] = [];
  return {
    contexts,
    elicitation: (_p, ctx) => (contexts.push(ctx), { action: 'accept', content: { age: 41 } }),
    sampling: (_p, ctx) => (contexts.push(ctx), { role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'm1' }),
    roots: (ctx) => (contexts.push(ctx), [{ uri: 'file:///a' }, { uri: 'file:///b' }]),
  };
}

describe('session-era server-to-client requests', () => {
  it('are answered by the same handlers, with era "session"', async () => {
    const h = handlers();
    const { client } = await connectTo(askingServer(), { ...SESSION, handlers: h });
    expect(client.era).toBe('session');
    expect(JSON.parse(text(await client.callTool('form')))).toEqual({ action: 'accept', content: { age: 41 } });
    expect(text(await client.callTool('think'))).toBe('m1:hello');
    expect(text(await client.callTool('roots'))).toBe('file:///a,file:///b');
    expect(h.contexts.map((c) => c.era)).toEqual(['session', 'session', 'session']);
  });

  it('declares the capabilities its handlers imply in initialize', async () => {
    const { session, client } = await connectTo(askingServer(), { ...SESSION, handlers: handlers() });
    expect(session.clientCapabilities).toEqual({ sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } });
    expect(session.clientInfo).toEqual(client.info);
  });

  it('declares nothing without handlers, so the server does not ask', async () => {
    const errors: Error[] = [];
    const { session, client } = await connectTo(askingServer((e) => errors.push(e)), SESSION);
    expect(session.clientCapabilities).toEqual({});
    const result = await client.callTool('think');
    expect(result.isError).toBe(true);
    expect(errors.map((e) => e.name)).toEqual(['MissingCapabilityError']);
  });

  it('answers ping', async () => {
    const { session } = await connectTo(askingServer(), SESSION);
    await expect(session.request('ping', {})).resolves.toEqual({});
  });

  it('answers -32601 for a request it has no handler for', async () => {
    const { session } = await connectTo(askingServer(), { ...SESSION, handlers: { roots: () => [] } });
    const asks: Array<[string, JsonObject]> = [
      ['sampling/createMessage', { messages: [], maxTokens: 1 }],
      ['elicitation/create', { message: 'x', requestedSchema: { type: 'object', properties: {} } }],
      ['tasks/list', {}],
    ];
    for (const [method, params] of asks) {
      const failure = await session.request(method, params).catch((e: unknown) => e);
      expect(failure, method).toBeInstanceOf(ProtocolError);
      expect((failure as ProtocolError).code, method).toBe(ErrorCode.MethodNotFound);
    }
    await expect(session.request('roots/list', {})).resolves.toEqual({ roots: [] });
  });

  it("relays a handler's ProtocolError and hides other errors behind -32603", async () => {
    const { session } = await connectTo(askingServer(), {
      ...SESSION,
      handlers: {
        sampling: () => {
          throw new ProtocolError(-1, 'User rejected sampling request');
        },
        roots: () => {
          throw new Error('secret internals at /home/me');
        },
      },
    });
    await expect(session.request('sampling/createMessage', { messages: [], maxTokens: 1 })).rejects.toMatchObject({ code: -1, message: 'User rejected sampling request' });
    const hidden = await session.request('roots/list', {}).catch((e: unknown) => e as ProtocolError);
    expect(hidden).toMatchObject({ code: ErrorCode.InternalError });
    expect(hidden.message).not.toMatch(/secret/);
  });

  it('aborts the handler signal when the server cancels', async () => {
    let seen: AbortSignal | undefined;
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const { session } = await connectTo(askingServer(), {
      ...SESSION,
      handlers: {
        roots: (ctx) => {
          seen = ctx.signal;
          started();
          return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
        },
      },
    });
    const controller = new AbortController();
    const asking = session.request('roots/list', {}, { signal: controller.signal });
    await running;
    expect(seen?.aborted).toBe(false);
    controller.abort('server gave up');
    await expect(asking).rejects.toThrow();
    await session.request('ping', {}); // the cancellation has reached the client by now
    expect(seen?.aborted).toBe(true);
  });
});

describe('applyElicitationDefaults', () => {
  it.each([
    ['session', SESSION],
    ['stateless', {}],
  ] as const)('fills missing fields of an accepted form from the schema (%s era)', async (era, options) => {
    const { client } = await connectTo(askingServer(), { ...options, handlers: handlers(), applyElicitationDefaults: true });
    expect(client.era).toBe(era);
    const got = JSON.parse(text(await client.callTool('form')));
    expect(got).toEqual({ action: 'accept', content: { name: 'anonymous', age: 41 } });
  });

  it('leaves a decline untouched', async () => {
    const elicitation = vi.fn(() => ({ action: 'decline' as const }));
    const { client } = await connectTo(askingServer(), { handlers: { elicitation }, applyElicitationDefaults: true });
    expect(JSON.parse(text(await client.callTool('form')))).toEqual({ action: 'decline' });
    expect(elicitation).toHaveBeenCalledTimes(1);
  });

  it('keeps values the user gave, even falsy ones', async () => {
    const { client } = await connectTo(askingServer(), {
      handlers: { elicitation: () => ({ action: 'accept', content: { name: '', age: 0 } }) },
      applyElicitationDefaults: true,
    });
    expect(JSON.parse(text(await client.callTool('form'))).content).toEqual({ name: '', age: 0 });
  });

  it('is off by default', async () => {
    const { client } = await connectTo(askingServer(), { handlers: handlers() });
    expect(JSON.parse(text(await client.callTool('form'))).content).toEqual({ age: 41 });
  });
});
