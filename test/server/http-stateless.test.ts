/**
 * The stateless era (2026-07-28) over real HTTP: discovery, lists, multi round-trip requests (MRTR),
 * `subscriptions/listen`, progress over SSE, and cancellation by closing the request.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McpServer } from '@mcpkit/server';
import { serveHttp, type HttpServerHandle } from '@mcpkit/server/node';
import { createConformanceServer } from '../fixtures/conformance-server.js';
import {
  type Json,
  SseReader,
  STATELESS,
  deadline,
  errorOf,
  lastMessage,
  postRaw,
  readAll,
  resultOf,
  statelessPost,
  statelessRequest,
} from '../helpers/http.js';

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

let handle: HttpServerHandle;
let url: string;
const streams: Array<{ reader: SseReader; controller: AbortController }> = [];

beforeAll(async () => {
  handle = await serveHttp(createConformanceServer(), { port: 0 });
  url = handle.url;
});

afterEach(async () => {
  for (const s of streams.splice(0)) {
    s.controller.abort();
    await s.reader.cancel();
  }
});

afterAll(async () => {
  await handle?.close();
});

const textOf = (result: Json) => ((result.content as Array<{ text?: string }> | undefined) ?? [])[0]?.text;

/** Opens a `subscriptions/listen` stream; the caller reads it. */
async function listen(id: string, notifications: Json): Promise<{ reader: SseReader; controller: AbortController; response: Response }> {
  const controller = new AbortController();
  const { body, headers } = statelessRequest(id, 'subscriptions/listen', { notifications });
  const response = await postRaw(url, body, headers, controller.signal);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = new SseReader(response.body!);
  streams.push({ reader, controller });
  return { reader, controller, response };
}

async function call(id: number | string, name: string, args: Json = {}, extra: Json = {}, capabilities: Json = {}): Promise<Json> {
  const r = await statelessPost(url, id, 'tools/call', { name, arguments: args, ...extra }, { capabilities });
  return lastMessage(r);
}

describe('discovery and lists', () => {
  it('answers server/discover with versions, capabilities, cache hints and serverInfo', async () => {
    const r = await statelessPost(url, 1, 'server/discover');
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.headers.get('mcp-session-id')).toBeNull();
    const result = resultOf(lastMessage(r));
    expect(result.resultType).toBe('complete');
    expect(result.supportedVersions).toContain(STATELESS);
    expect(result).toMatchObject({
      ttlMs: 300_000,
      cacheScope: 'public',
      instructions: 'The mcpkit conformance fixture.',
      capabilities: { tools: { listChanged: true }, resources: { subscribe: true }, prompts: { listChanged: true } },
      _meta: { [SERVER_INFO]: { name: 'mcpkit-conformance-fixture', version: '0.1.0' } },
    });
  });

  it('answers tools/list with every tool and resultType complete', async () => {
    const result = resultOf(lastMessage(await statelessPost(url, 2, 'tools/list')));
    expect(result.resultType).toBe('complete');
    const names = (result.tools as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['test_simple_text', 'test_tool_with_progress', 'test_input_required_result_multi_round']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('answers a plain tools/call as JSON with resultType complete', async () => {
    const m = await call(3, 'test_simple_text');
    expect(resultOf(m)).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'This is a simple text response for testing.' }] });
  });
});

describe('multi round-trip requests', () => {
  const TOOL = 'test_input_required_result_multi_round';
  const caps = { elicitation: {} };

  async function round(id: string, extra: Json): Promise<Json> {
    return resultOf(await call(id, TOOL, {}, extra, caps));
  }

  it('asks twice, carrying answers in requestState, then completes', async () => {
    const first = await round('r1', {});
    expect(first.resultType).toBe('input_required');
    expect(Object.keys(first.inputRequests as Json)).toEqual(['step1']);
    expect(first.inputRequests).toMatchObject({ step1: { method: 'elicitation/create', params: { message: 'Step 1: What is your name?' } } });
    expect(typeof first.requestState).toBe('string');

    const second = await round('r2', { requestState: first.requestState, inputResponses: { step1: { action: 'accept', content: { name: 'Ada' } } } });
    expect(second.resultType).toBe('input_required');
    expect(Object.keys(second.inputRequests as Json)).toEqual(['step2']);
    expect(second.requestState).not.toBe(first.requestState);

    const done = await round('r3', { requestState: second.requestState, inputResponses: { step2: { action: 'accept', content: { color: 'blue' } } } });
    expect(done.resultType).toBe('complete');
    expect(textOf(done)).toBe('Multi-round complete for Ada who likes blue');
  });

  it('rejects a tampered requestState with -32602 naming params.requestState', async () => {
    const first = await round('t1', {});
    const state = String(first.requestState);
    const dot = state.indexOf('.');
    // Flip one character of the payload: the signature no longer matches.
    const flipped = state[0] === 'A' ? `B${state.slice(1)}` : `A${state.slice(1)}`;
    expect(dot).toBeGreaterThan(0);
    for (const bad of [flipped, `${state.slice(0, dot)}.${'A'.repeat(state.length - dot - 1)}`]) {
      const e = errorOf(await call('t2', TOOL, {}, { requestState: bad, inputResponses: { step1: { action: 'accept', content: { name: 'Eve' } } } }, caps));
      expect(e.code).toBe(-32602);
      expect(e.message).toContain('params.requestState');
    }
  });

  it.each([
    ['no dot', 'garbage'],
    ['invalid base64', 'a.b'],
    ['non-base64url characters', '!!!.???'],
    ['not a string', 42],
  ])('rejects a malformed requestState (%s) with -32602, not an internal error', async (_what, bad) => {
    const e = errorOf(await call('m1', TOOL, {}, { requestState: bad }, caps));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain('params.requestState');
  });

  it('rejects a requestState replayed on another request', async () => {
    const first = await round('x1', {});
    const e = errorOf(await call('x2', 'test_input_required_result_tampered_state', {}, { requestState: first.requestState }, caps));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain('params.requestState');
  });
});

describe('subscriptions/listen', () => {
  it('acknowledges first, then delivers tagged tools/list_changed', async () => {
    const { reader } = await listen('listen-1', { toolsListChanged: true });
    const ack = await deadline(reader.nextMessage(), 10_000, 'the acknowledgement');
    expect(ack).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { toolsListChanged: true }, _meta: { [SUBSCRIPTION_ID]: 'listen-1' } },
    });

    expect(textOf(resultOf(await call('trigger-1', 'test_trigger_tool_change')))).toBe('tools/list_changed sent');
    const note = await deadline(reader.nextMessage(), 10_000, 'tools/list_changed on the listen stream');
    expect(note).toMatchObject({ method: 'notifications/tools/list_changed', params: { _meta: { [SUBSCRIPTION_ID]: 'listen-1' } } });
  });

  it('delivers only what the filter asked for', async () => {
    const { reader } = await listen('listen-prompts', { promptsListChanged: true });
    const ack = await reader.nextMessage();
    expect((ack?.params as Json).notifications).toEqual({ promptsListChanged: true });
    await call('trigger-tools', 'test_trigger_tool_change');
    await call('trigger-prompts', 'test_trigger_prompt_change');
    // Had the tools change leaked, it would arrive first.
    const note = await deadline(reader.nextMessage(), 10_000, 'prompts/list_changed');
    expect(note?.method).toBe('notifications/prompts/list_changed');
  });

  it('rejects a malformed filter with -32602', async () => {
    const { body, headers } = statelessRequest('listen-bad', 'subscriptions/listen', { notifications: 'all' });
    const r = await readAll(await postRaw(url, body, headers));
    const e = errorOf(lastMessage(r));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain('params.notifications');
  });

  it('survives the client closing a listen stream', async () => {
    const closing = await listen('listen-closed', { toolsListChanged: true });
    await closing.reader.nextMessage();
    closing.controller.abort();
    await closing.reader.cancel();
    // Changes after the close must not break anything; the server keeps serving, and a new listener works.
    expect(textOf(resultOf(await call('after-close', 'test_trigger_tool_change')))).toBe('tools/list_changed sent');
    const fresh = await listen('listen-fresh', { toolsListChanged: true });
    await fresh.reader.nextMessage();
    await call('after-close-2', 'test_trigger_tool_change');
    const note = await deadline(fresh.reader.nextMessage(), 10_000, 'tools/list_changed on the new stream');
    expect((note?.params as Json)._meta).toEqual({ [SUBSCRIPTION_ID]: 'listen-fresh' });
  });
});

describe('streaming and cancellation', () => {
  it('streams progress notifications as SSE before the result', async () => {
    const r = await statelessPost(url, 'prog', 'tools/call', { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'tok' } });
    expect(r.contentType).toMatch(/^text\/event-stream/);
    const progress = r.messages.filter((m) => m.method === 'notifications/progress');
    expect(progress.map((m) => (m.params as Json).progress)).toEqual([0, 50, 100]);
    expect(progress.every((m) => (m.params as Json).progressToken === 'tok')).toBe(true);
    const last = r.messages[r.messages.length - 1]!;
    expect(last.id).toBe('prog');
    expect(resultOf(last)).toMatchObject({ resultType: 'complete', content: [{ text: 'Progress tool completed' }] });
  });

  describe('cancellation by closing the request', () => {
    let own: HttpServerHandle;
    let started: () => void;
    let aborted: (reason: unknown) => void;
    let whenStarted: Promise<void>;
    let whenAborted: Promise<unknown>;

    beforeAll(async () => {
      const server = new McpServer({ name: 'slow', version: '0.0.0' });
      server.tool('slow', { description: 'Waits until cancelled' }, (_args, ctx) => {
        started();
        return new Promise((resolve) => {
          const finish = () => {
            aborted(ctx.signal.reason);
            resolve({ content: [{ type: 'text', text: 'cancelled' }] });
          };
          if (ctx.signal.aborted) finish();
          else ctx.signal.addEventListener('abort', finish, { once: true });
        });
      });
      server.tool('fast', { description: 'Answers at once' }, () => ({ content: [{ type: 'text', text: 'fast' }] }));
      own = await serveHttp(server, { port: 0 });
    });

    afterAll(async () => {
      await own?.close();
    });

    it('aborts the handler\'s signal when the client aborts the request', async () => {
      whenStarted = new Promise((resolve) => (started = resolve));
      whenAborted = new Promise((resolve) => (aborted = resolve));
      const controller = new AbortController();
      const { body, headers } = statelessRequest('slow-1', 'tools/call', { name: 'slow', arguments: {} });
      const pending = postRaw(own.url, body, headers, controller.signal).then(
        () => 'answered',
        () => 'aborted',
      );
      await deadline(whenStarted, 10_000, 'the slow tool to start');
      controller.abort();
      expect(await pending).toBe('aborted');
      await deadline(whenAborted, 10_000, 'the handler signal to abort');

      const { body: b2, headers: h2 } = statelessRequest('fast-1', 'tools/call', { name: 'fast', arguments: {} });
      const after = await readAll(await postRaw(own.url, b2, h2));
      expect(textOf(resultOf(lastMessage(after)))).toBe('fast');
    });
  });
});
