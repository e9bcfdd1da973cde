/**
 * Every JSON-RPC message the conformance fixture emits (JSON bodies and every SSE `data:` event), in both
 * eras, validates against the official schema.json of the revision it speaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpServer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { createConformanceServer } from '../fixtures/conformance-server.js';
import { type Emitted, type Exchange, SessionClient, StatelessClient, Transcript, type WireMessage, send } from '../helpers/raw-mcp.js';
import { type Revision, labelOf, validateServerMessage } from '../helpers/schema-oracle.js';

const handles: HttpServerHandle[] = [];
let server: McpServer;
let url: string;

beforeAll(async () => {
  server = createConformanceServer();
  const handle = await serveHttp(server, { port: 0 });
  handles.push(handle);
  url = handle.url;
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
});

const obj = (v: unknown): WireMessage => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as WireMessage) : {});
const resultOf = (m: WireMessage): WireMessage => {
  expect(m.error, `expected a result, got ${JSON.stringify(m.error)}`).toBeUndefined();
  return obj(m.result);
};
const firstText = (m: WireMessage): unknown => obj((resultOf(m).content as unknown[] | undefined)?.[0]).text;

/** Coverage: which kinds of message were validated, per revision (checked by the last test). */
const seen = new Set<string>();

function kindOf(e: Emitted): string {
  const m = e.message;
  if (typeof m.method === 'string') return `${'id' in m ? 'request' : 'notification'} ${m.method}`;
  if ('error' in m) return `error ${String(obj(m.error).code)}`;
  return `result ${String(e.answers)}${obj(m.result).resultType === 'input_required' ? ' input_required' : ''}`;
}

/** Validates everything the transcript holds; fails listing every schema error of every message. */
function expectAllValid(transcript: Transcript): void {
  expect(transcript.emitted.length, 'the server sent nothing').toBeGreaterThan(0);
  const problems: string[] = [];
  for (const e of transcript.emitted) {
    seen.add(`${e.revision} ${kindOf(e)}`);
    const errors = validateServerMessage(e.revision, e.message, e.answers);
    if (errors.length > 0) {
      problems.push(`${e.revision} ${labelOf(e.message, e.answers)}: ${errors.join(' | ')} -- ${JSON.stringify(e.message).slice(0, 300)}`);
    }
  }
  expect(problems).toEqual([]);
}

const CONTENT_CALLS: ReadonlyArray<{ name: string; arguments: WireMessage }> = [
  { name: 'test_simple_text', arguments: {} },
  { name: 'test_image_content', arguments: {} },
  { name: 'test_audio_content', arguments: {} },
  { name: 'test_embedded_resource', arguments: {} },
  { name: 'test_multiple_content_types', arguments: {} },
  { name: 'test_error_handling', arguments: {} },
  { name: 'json_schema_2020_12_tool', arguments: { name: 'Ada', email: 'ada@example.com' } },
];

const READS = ['test://static-text', 'test://static-binary', 'test://template/42/data'];

const PROMPTS: ReadonlyArray<{ name: string; arguments: Record<string, string> }> = [
  { name: 'test_simple_prompt', arguments: {} },
  { name: 'test_prompt_with_arguments', arguments: { arg1: 'one', arg2: 'two' } },
  { name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: 'test://embedded' } },
  { name: 'test_prompt_with_image', arguments: {} },
];

const SAMPLING_ANSWER = { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model', stopReason: 'endTurn' };
const ELICIT_ANSWER = { action: 'accept', content: { username: 'ada', email: 'ada@example.com', name: 'Ada', context: 'tests' } };
const ROOTS_ANSWER = { roots: [{ uri: 'file:///tmp/project', name: 'project' }] };
const ANSWERS: Readonly<Record<string, WireMessage>> = {
  'sampling/createMessage': SAMPLING_ANSWER,
  'elicitation/create': ELICIT_ANSWER,
  'roots/list': ROOTS_ANSWER,
};

describe('session era 2025-11-25', () => {
  const rev: Revision = '2025-11-25';
  const connect = (t: Transcript, caps?: WireMessage) => SessionClient.connect(url, rev, t, caps);
  const call = async (s: SessionClient, method: string, params?: WireMessage) => (await s.request(method, params)).response();

  it('initialize, ping and logging/setLevel', async () => {
    const t = new Transcript();
    const s = await connect(t);
    expect(obj(s.initializeResult.result).protocolVersion).toBe(rev);
    expect(resultOf(await call(s, 'ping'))).toEqual({});
    expect(resultOf(await call(s, 'logging/setLevel', { level: 'info' }))).toEqual({});
    await s.close();
    expectAllValid(t);
  });

  it('tools/list, resources/list, resources/templates/list, prompts/list', async () => {
    const t = new Transcript();
    const s = await connect(t);
    expect(resultOf(await call(s, 'tools/list')).tools).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'test_simple_text' })]));
    expect(resultOf(await call(s, 'resources/list')).resources).toHaveLength(3);
    expect(resultOf(await call(s, 'resources/templates/list')).resourceTemplates).toHaveLength(1);
    expect(resultOf(await call(s, 'prompts/list')).prompts).toHaveLength(5);
    await s.close();
    expectAllValid(t);
  });

  it.each(CONTENT_CALLS)('tools/call $name', async (params) => {
    const t = new Transcript();
    const s = await connect(t);
    expect(obj(resultOf(await call(s, 'tools/call', params))).content).toBeInstanceOf(Array);
    await s.close();
    expectAllValid(t);
  });

  it('tools/call test_tool_with_progress streams progress for the token', async () => {
    const t = new Transcript();
    const s = await connect(t);
    const ex = await s.request('tools/call', { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'p-1' } });
    expect(ex.isSse).toBe(true);
    const all = await ex.rest();
    const progress = all.filter((m) => m.method === 'notifications/progress');
    expect(progress.map((m) => obj(m.params).progressToken)).toEqual(['p-1', 'p-1', 'p-1']);
    expect(firstText(all.at(-1)!)).toBe('Progress tool completed');
    await s.close();
    expectAllValid(t);
  });

  it('tools/call test_tool_with_logging streams notifications/message', async () => {
    const t = new Transcript();
    const s = await connect(t);
    const all = await (await s.request('tools/call', { name: 'test_tool_with_logging', arguments: {} })).rest();
    expect(all.filter((m) => m.method === 'notifications/message')).toHaveLength(3);
    await s.close();
    expectAllValid(t);
  });

  it.each([
    { name: 'test_sampling', arguments: { prompt: 'Capital of France?' }, asks: 'sampling/createMessage', says: 'LLM response: Paris' },
    { name: 'test_elicitation', arguments: { message: 'Who are you?' }, asks: 'elicitation/create', says: 'action=accept' },
  ])('$asks from tools/call $name, answered with a POST', async ({ name, arguments: args, asks, says }) => {
    const t = new Transcript();
    const s = await connect(t, { sampling: {}, elicitation: {} });
    const ex = await s.request('tools/call', { name, arguments: args });
    const request = await ex.until((m) => m.method === asks, `a ${asks} request`);
    expect(await s.answer(request.id, ANSWERS[asks]!)).toBe(202);
    expect(String(firstText(await ex.response()))).toContain(says);
    await s.close();
    expectAllValid(t);
  });

  it('elicitation/create from prompts/get test_input_required_result_prompt', async () => {
    const t = new Transcript();
    const s = await connect(t, { elicitation: {} });
    const ex = await s.request('prompts/get', { name: 'test_input_required_result_prompt', arguments: {} });
    const request = await ex.until((m) => m.method === 'elicitation/create', 'an elicitation/create request');
    expect(await s.answer(request.id, ELICIT_ANSWER)).toBe(202);
    expect(resultOf(await ex.response()).messages).toHaveLength(1);
    await s.close();
    expectAllValid(t);
  });

  it.each(READS)('resources/read %s', async (uri) => {
    const t = new Transcript();
    const s = await connect(t);
    expect(resultOf(await call(s, 'resources/read', { uri })).contents).toEqual([expect.objectContaining({ uri })]);
    await s.close();
    expectAllValid(t);
  });

  it.each(PROMPTS)('prompts/get $name', async (params) => {
    const t = new Transcript();
    const s = await connect(t);
    expect(resultOf(await call(s, 'prompts/get', params)).messages).toBeInstanceOf(Array);
    await s.close();
    expectAllValid(t);
  });

  it('completion/complete', async () => {
    const t = new Transcript();
    const s = await connect(t);
    const r = await call(s, 'completion/complete', { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'te' } });
    expect(obj(resultOf(r).completion).values).toEqual(['test', 'testing', 'tested']);
    await s.close();
    expectAllValid(t);
  });

  it('errors: unknown resource (-32002), unknown tool (-32602), unknown method (-32601)', async () => {
    const t = new Transcript();
    const s = await connect(t);
    expect(obj((await call(s, 'resources/read', { uri: 'test://nope' })).error).code).toBe(-32002);
    expect(obj((await call(s, 'tools/call', { name: 'no_such_tool', arguments: {} })).error).code).toBe(-32602);
    expect(obj((await call(s, 'no/such/method', {})).error).code).toBe(-32601);
    await s.close();
    expectAllValid(t);
  });

  it('the GET stream: list_changed of each kind, and resources/updated between subscribe and unsubscribe', async () => {
    const t = new Transcript();
    const s = await connect(t);
    const stream = await s.openStream();
    expect(stream.isSse).toBe(true);
    const on = (method: string) => stream.until((m) => m.method === method, method);
    await call(s, 'tools/call', { name: 'test_trigger_tool_change', arguments: {} });
    await on('notifications/tools/list_changed');
    await call(s, 'tools/call', { name: 'test_trigger_prompt_change', arguments: {} });
    await on('notifications/prompts/list_changed');
    server.notifyListChanged('resources');
    await on('notifications/resources/list_changed');
    expect(resultOf(await call(s, 'resources/subscribe', { uri: 'test://watched-resource' }))).toEqual({});
    server.notifyResourceUpdated('test://watched-resource');
    expect(obj((await on('notifications/resources/updated')).params).uri).toBe('test://watched-resource');
    expect(resultOf(await call(s, 'resources/unsubscribe', { uri: 'test://watched-resource' }))).toEqual({});
    await stream.cancel();
    await s.close();
    expectAllValid(t);
  });
});

describe.each(['2025-06-18', '2025-03-26', '2024-11-05'] as const)('session era %s', (rev) => {
  it('initialize and the lists', async () => {
    const t = new Transcript();
    const s = await SessionClient.connect(url, rev, t);
    expect(obj(s.initializeResult.result).protocolVersion).toBe(rev);
    for (const method of ['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list']) resultOf(await (await s.request(method)).response());
    await s.close();
    expectAllValid(t);
  });

  it.each([
    ...CONTENT_CALLS,
    { name: 'test_tool_with_logging', arguments: {} },
    { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 7 } },
  ])('tools/call $name', async (params) => {
    const t = new Transcript();
    const s = await SessionClient.connect(url, rev, t);
    resultOf(await (await s.request('tools/call', params)).response());
    await s.close();
    expectAllValid(t);
  });
});

describe('stateless era 2026-07-28', () => {
  const client = (t: Transcript) => new StatelessClient(url, t);

  it('server/discover and the lists', async () => {
    const t = new Transcript();
    const c = client(t);
    expect(resultOf(await (await c.request('server/discover')).response()).supportedVersions).toContain('2026-07-28');
    for (const method of ['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list']) {
      expect(resultOf(await (await c.request(method)).response()).resultType).toBe('complete');
    }
    expectAllValid(t);
  });

  it.each(READS)('resources/read %s', async (uri) => {
    const t = new Transcript();
    expect(resultOf(await (await client(t).request('resources/read', { uri })).response()).contents).toEqual([expect.objectContaining({ uri })]);
    expectAllValid(t);
  });

  it.each(PROMPTS)('prompts/get $name', async (params) => {
    const t = new Transcript();
    expect(resultOf(await (await client(t).request('prompts/get', params)).response()).messages).toBeInstanceOf(Array);
    expectAllValid(t);
  });

  it('completion/complete', async () => {
    const t = new Transcript();
    const params = { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'te' } };
    expect(obj(resultOf(await (await client(t).request('completion/complete', params)).response()).completion).values).toHaveLength(3);
    expectAllValid(t);
  });

  it.each(CONTENT_CALLS)('tools/call $name', async (params) => {
    const t = new Transcript();
    expect(resultOf(await (await client(t).request('tools/call', params)).response()).content).toBeInstanceOf(Array);
    expectAllValid(t);
  });

  it('tools/call test_tool_with_progress and test_tool_with_logging stream their notifications', async () => {
    const t = new Transcript();
    const c = client(t);
    const progress = await c.request('tools/call', { name: 'test_tool_with_progress', arguments: {} }, { meta: { progressToken: 'p-2' } });
    expect(progress.isSse).toBe(true);
    expect((await progress.rest()).filter((m) => m.method === 'notifications/progress')).toHaveLength(3);
    const logging = await c.request('tools/call', { name: 'test_tool_with_logging', arguments: {} }, { meta: { 'io.modelcontextprotocol/logLevel': 'info' } });
    expect((await logging.rest()).filter((m) => m.method === 'notifications/message')).toHaveLength(3);
    expectAllValid(t);
  });

  const ALL_CAPS = { elicitation: {}, sampling: {}, roots: {} };
  it.each([
    { method: 'tools/call', name: 'test_input_required_result_elicitation', keys: ['user_name'] },
    { method: 'tools/call', name: 'test_input_required_result_sampling', keys: ['capital_question'] },
    { method: 'tools/call', name: 'test_input_required_result_list_roots', keys: ['client_roots'] },
    { method: 'tools/call', name: 'test_input_required_result_multiple_inputs', keys: ['client_roots', 'greeting', 'user_name'] },
    { method: 'prompts/get', name: 'test_input_required_result_prompt', keys: ['user_context'] },
  ])('$method $name: input_required, then complete on retry', async ({ method, name, keys }) => {
    const t = new Transcript();
    const c = client(t);
    const params = { name, arguments: {} };
    const first = resultOf(await (await c.request(method, params, { capabilities: ALL_CAPS })).response());
    expect(first.resultType).toBe('input_required');
    const requests = obj(first.inputRequests);
    expect(Object.keys(requests).sort()).toEqual(keys);
    const inputResponses = Object.fromEntries(Object.entries(requests).map(([k, r]) => [k, ANSWERS[String(obj(r).method)]]));
    const retry = { ...params, inputResponses, requestState: first.requestState };
    expect(resultOf(await (await c.request(method, retry, { capabilities: ALL_CAPS })).response()).resultType).toBe('complete');
    expectAllValid(t);
  });

  it('subscriptions/listen: acknowledgement, each notification, and the final result when the server ends it', async () => {
    const own = createConformanceServer();
    const handle = await serveHttp(own, { port: 0 });
    handles.push(handle);
    const t = new Transcript();
    const c = new StatelessClient(handle.url, t);
    const notifications = { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true, resourceSubscriptions: ['test://watched-resource'] };
    const listen = await c.request('subscriptions/listen', { notifications });
    expect(listen.isSse).toBe(true);
    expect((await listen.next())?.method).toBe('notifications/subscriptions/acknowledged');
    const on = (method: string) => listen.until((m) => m.method === method, method);
    await (await c.request('tools/call', { name: 'test_trigger_tool_change', arguments: {} })).response();
    await on('notifications/tools/list_changed');
    await (await c.request('tools/call', { name: 'test_trigger_prompt_change', arguments: {} })).response();
    await on('notifications/prompts/list_changed');
    own.notifyListChanged('resources');
    await on('notifications/resources/list_changed');
    own.notifyResourceUpdated('test://watched-resource');
    await on('notifications/resources/updated');
    await handle.handler.close();
    expect(resultOf(await listen.response()).resultType).toBe('complete');
    expectAllValid(t);
  });

  it('typed errors: -32020, -32021, -32022, and -32601, -32602', async () => {
    const t = new Transcript();
    const c = client(t);
    const code = async (ex: Promise<Exchange>) => obj((await (await ex).response()).error).code;
    expect(await code(c.request('tools/call', { name: 'test_simple_text', arguments: {} }, { headers: { 'mcp-name': 'test_image_content' } }))).toBe(-32020);
    expect(await code(c.request('tools/call', { name: 'test_missing_capability', arguments: {} }, { capabilities: {} }))).toBe(-32021);
    expect(await code(c.request('tools/list', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': '1900-01-01' } }))).toBe(-32022);
    expect(await code(c.request('no/such/method'))).toBe(-32601);
    expect(await code(c.request('tools/call', { name: 'no_such_tool', arguments: {} }))).toBe(-32602);
    expect(await code(c.request('resources/read', { uri: 'test://nope' }))).toBe(-32602);
    expectAllValid(t);
  });
});

describe('transport-level errors', () => {
  it('a body that is not JSON gets -32700 in either era', async () => {
    const t = new Transcript();
    const s = await SessionClient.connect(url, '2025-11-25', t);
    const inSession = await send(url, '{"jsonrpc":', { revision: '2025-11-25', transcript: t, headers: s.headers() });
    const stateless = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' };
    const inStateless = await send(url, '{"jsonrpc":', { revision: '2026-07-28', transcript: t, headers: stateless });
    for (const ex of [inSession, inStateless]) {
      expect(ex.status).toBe(400);
      expect(obj((await ex.next())?.error).code).toBe(-32700);
    }
    await s.close();
    expectAllValid(t);
  });
});

describe('coverage', () => {
  const session = ['result initialize', 'result tools/list', 'result tools/call', 'result resources/list', 'result resources/templates/list', 'result prompts/list'];
  const expected: Readonly<Record<Revision, readonly string[]>> = {
    '2024-11-05': [...session, 'notification notifications/progress', 'notification notifications/message'],
    '2025-03-26': [...session, 'notification notifications/progress', 'notification notifications/message'],
    '2025-06-18': [...session, 'notification notifications/progress', 'notification notifications/message'],
    '2025-11-25': [
      ...session,
      ...['ping', 'logging/setLevel', 'resources/read', 'prompts/get', 'completion/complete', 'resources/subscribe', 'resources/unsubscribe'].map((m) => `result ${m}`),
      ...['progress', 'message', 'tools/list_changed', 'prompts/list_changed', 'resources/list_changed', 'resources/updated'].map((n) => `notification notifications/${n}`),
      'request sampling/createMessage',
      'request elicitation/create',
      ...[-32002, -32602, -32601, -32700].map((c) => `error ${c}`),
    ],
    '2026-07-28': [
      ...['server/discover', 'tools/list', 'resources/list', 'resources/templates/list', 'resources/read', 'prompts/list', 'prompts/get'].map((m) => `result ${m}`),
      ...['completion/complete', 'tools/call', 'subscriptions/listen', 'tools/call input_required', 'prompts/get input_required'].map((m) => `result ${m}`),
      ...['progress', 'message', 'subscriptions/acknowledged', 'tools/list_changed', 'prompts/list_changed', 'resources/list_changed', 'resources/updated'].map(
        (n) => `notification notifications/${n}`,
      ),
      ...[-32020, -32021, -32022, -32601, -32602, -32700].map((c) => `error ${c}`),
    ],
  };

  it('every kind of message the fixture emits was validated, in every revision', () => {
    const missing = Object.entries(expected).flatMap(([rev, kinds]) => kinds.map((k) => `${rev} ${k}`)).filter((k) => !seen.has(k));
    expect(missing).toEqual([]);
  });
});
