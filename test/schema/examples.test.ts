/**
 * The official 2026-07-28 examples (../shared/mcp-spec/2026-07-28/examples/<Definition>/*.json): each one
 * validates against its definition, every JSON-RPC example parses, the server accepts every request example,
 * and the server accepts the example results it consumes as MRTR input responses. Also checks that the
 * schema oracle can fail.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorResponse, isResponse, parseMessage } from '@mcpkit/protocol';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { createConformanceServer } from '../fixtures/conformance-server.js';
import { StatelessClient, Transcript, type WireMessage, send, statelessHeaders } from '../helpers/raw-mcp.js';
import { SPEC_DIR, hasDefinition, resultDefinitionFor, validateDefinition, validateServerMessage } from '../helpers/schema-oracle.js';

const REV = '2026-07-28';
const EXAMPLES_DIR = join(SPEC_DIR, REV, 'examples');

interface Example {
  readonly def: string;
  readonly label: string;
  readonly value: WireMessage;
}

const examples: Example[] = readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(EXAMPLES_DIR, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ def: d.name, label: `${d.name}/${f}`, value: JSON.parse(readFileSync(join(EXAMPLES_DIR, d.name, f), 'utf8')) as WireMessage })),
  )
  .sort((a, b) => a.label.localeCompare(b.label));

const obj = (v: unknown): WireMessage => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as WireMessage) : {});
const ofDef = (...defs: string[]) => examples.filter((e) => defs.includes(e.def));

/** Methods whose result an example's definition describes: `CallToolResult` and `CallToolResultResponse` → tools/call. */
const METHODS = [
  'server/discover', 'tools/list', 'tools/call', 'resources/list', 'resources/templates/list', 'resources/read',
  'prompts/list', 'prompts/get', 'completion/complete', 'subscriptions/listen',
];
const methodForResult = (def: string): string | undefined =>
  METHODS.find((m) => resultDefinitionFor(m) === def || `${resultDefinitionFor(m)}Response` === def);

/**
 * The one result example the 2026 schema accepts only through its loose InputRequiredResult branch: it has
 * no ttlMs/cacheScope, which ReadResourceResult requires.
 */
const READ_QUIRK = 'ReadResourceResultResponse/read-resource-result-response.json';

describe('the examples validate against their own definitions', () => {
  it('every example directory names a definition of the 2026-07-28 schema', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect([...new Set(examples.map((e) => e.def))].filter((d) => !hasDefinition(REV, d))).toEqual([]);
  });

  it.each(examples)('$label', ({ def, value }) => {
    expect(validateDefinition(REV, def, value)).toEqual([]);
  });

  it.each(examples.filter((e) => methodForResult(e.def) !== undefined))('$label is a valid result of its method for the oracle', ({ def, label, value }) => {
    const message = 'jsonrpc' in value ? value : { jsonrpc: '2.0', id: 1, result: value };
    const errors = validateServerMessage(REV, message, methodForResult(def));
    if (label === READ_QUIRK) {
      // The quirk: valid as ReadResourceResultResponse, invalid as the ReadResourceResult it means to be.
      expect(validateDefinition(REV, 'ReadResourceResult', value.result)).not.toEqual([]);
      expect(errors.join('\n')).toMatch(/ttlMs/);
      expect(errors.join('\n')).toMatch(/cacheScope/);
    } else {
      expect(errors).toEqual([]);
    }
  });

  it.each(ofDef('CreateMessageRequest', 'ElicitRequest', 'ListRootsRequest'))('$label has no jsonrpc: it is an InputRequest', ({ value }) => {
    expect('jsonrpc' in value).toBe(false);
    expect(validateDefinition(REV, 'InputRequest', value)).toEqual([]);
  });
});

describe('every JSON-RPC example parses', () => {
  it.each(examples.filter((e) => 'jsonrpc' in e.value))('$label', ({ value }) => {
    expect(parseMessage(value)).toBe(value);
  });

  /**
   * Results the server sends are what @mcpkit/client will consume. The client does not exist yet, so for
   * now they are only checked to be JSON-RPC result responses that parseMessage classifies as such (and,
   * above, to validate as the result of their method). Client-side result parsing is a later issue.
   */
  it.each(examples.filter((e) => e.def.endsWith('ResultResponse')))('$label is a result response', ({ value }) => {
    const message = parseMessage(value);
    expect(isResponse(message) && !isErrorResponse(message)).toBe(true);
  });
});

describe('the server accepts every request example, and the example results it consumes', () => {
  let handle: HttpServerHandle;
  beforeAll(async () => {
    handle = await serveHttp(createConformanceServer(), { port: 0 });
  });
  afterAll(async () => {
    await handle.close();
  });

  /** Request examples, plus request-params examples wrapped in the request they belong to. */
  const PARAMS_METHODS: Readonly<Record<string, readonly string[]>> = {
    CallToolRequestParams: ['tools/call'],
    CompleteRequestParams: ['completion/complete'],
    GetPromptRequestParams: ['prompts/get'],
    PaginatedRequestParams: ['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list'],
  };
  const requests = [
    ...examples.filter((e) => 'jsonrpc' in e.value && 'method' in e.value && 'id' in e.value).map((e) => ({ label: e.label, request: e.value })),
    ...Object.entries(PARAMS_METHODS).flatMap(([def, methods]) =>
      ofDef(def).flatMap((e) => methods.map((method) => ({ label: `${e.label} as ${method}`, request: { jsonrpc: '2.0', id: `${e.label}|${method}`, method, params: e.value } }))),
    ),
  ];

  /**
   * What a -32602 answer must name for the request still to count as accepted: the example's own tool,
   * prompt, resource or cursor, which this server does not have. Anything else is a structural rejection.
   */
  function foreignReference(params: WireMessage): string | undefined {
    if (typeof params.name === 'string') return params.name;
    if (typeof params.uri === 'string') return params.uri;
    if (typeof obj(params.ref).name === 'string') return String(obj(params.ref).name);
    if (params.cursor !== undefined) return 'params.cursor';
    return undefined;
  }

  it('covers a request example of every method the server implements', () => {
    expect([...new Set(requests.map((r) => String(r.request.method)))].sort()).toEqual([...METHODS].sort());
  });

  it.each(requests)('$label', async ({ request }) => {
    const method = String(request.method);
    const params = obj(request.params);
    const t = new Transcript();
    const ex = await send(handle.url, JSON.stringify(request), {
      revision: REV,
      transcript: t,
      headers: statelessHeaders(method, params),
      request: { id: request.id as string | number, method },
    });
    if (method === 'subscriptions/listen') {
      // The listen stream stays open; its first message is the acknowledgement.
      expect((await ex.next())?.method).toBe('notifications/subscriptions/acknowledged');
      await ex.cancel();
    } else {
      const answer = await ex.response();
      if ('error' in answer) {
        const error = obj(answer.error);
        const reference = foreignReference(params);
        expect(error.code, `rejected: ${JSON.stringify(error)}`).toBe(-32602);
        expect(reference, `rejected: ${JSON.stringify(error)}`).toBeDefined();
        expect(String(error.message)).toContain(reference);
      } else {
        expect(obj(answer.result).resultType).toBe('complete');
      }
    }
    for (const e of t.emitted) expect(validateServerMessage(REV, e.message, e.answers)).toEqual([]);
  });

  it.each(ofDef('CancelledNotification'))('$label (a client notification) is accepted with 202', async ({ value }) => {
    const t = new Transcript();
    const headers = { 'mcp-protocol-version': REV, 'mcp-method': String(value.method) };
    const ex = await send(handle.url, JSON.stringify(value), { revision: REV, transcript: t, headers });
    expect(ex.status).toBe(202);
    expect(await ex.rest()).toEqual([]);
  });

  /** Results a client sends and the server consumes: each example works as the input response of an MRTR round. */
  const CONSUMED: ReadonlyArray<{ def: string; tool: string; key: string }> = [
    { def: 'ElicitResult', tool: 'test_input_required_result_elicitation', key: 'user_name' },
    { def: 'CreateMessageResult', tool: 'test_input_required_result_sampling', key: 'capital_question' },
    { def: 'ListRootsResult', tool: 'test_input_required_result_list_roots', key: 'client_roots' },
  ];
  it.each(CONSUMED.flatMap((c) => ofDef(c.def).map((e) => ({ ...c, label: e.label, value: e.value }))))(
    '$label completes $tool as an input response',
    async ({ tool, key, value }) => {
      const t = new Transcript();
      const c = new StatelessClient(handle.url, t);
      const caps = { capabilities: { elicitation: {}, sampling: {}, roots: {} } };
      const answer = await (await c.request('tools/call', { name: tool, arguments: {}, inputResponses: { [key]: value } }, caps)).response();
      expect(answer.error).toBeUndefined();
      expect(obj(answer.result).resultType).toBe('complete');
      for (const e of t.emitted) expect(validateServerMessage(REV, e.message, e.answers)).toEqual([]);
    },
  );

});

describe('the oracle can fail', () => {
  const complete = { resultType: 'complete' };
  const response = (result: WireMessage) => ({ jsonrpc: '2.0', id: 1, result });

  it('rejects audio content in 2024-11-05, which predates AudioContent', () => {
    const audio = response({ content: [{ type: 'audio', data: 'AAAA', mimeType: 'audio/wav' }] });
    expect(validateServerMessage('2024-11-05', audio, 'tools/call')).not.toEqual([]);
    expect(validateServerMessage('2025-03-26', audio, 'tools/call')).toEqual([]);
  });

  it('checks the specific result, not the loose union: a bare resultType is no CallToolResult', () => {
    expect(validateDefinition(REV, 'CallToolResultResponse', response(complete))).toEqual([]);
    expect(validateServerMessage(REV, response(complete), 'tools/call').join('\n')).toMatch(/content/);
  });

  it('requires cache hints on 2026 lists and a method for every result', () => {
    expect(validateServerMessage(REV, response({ ...complete, tools: [] }), 'tools/list').join('\n')).toMatch(/ttlMs/);
    expect(validateServerMessage(REV, response({ ...complete, tools: [], ttlMs: 0, cacheScope: 'private' }), 'tools/list')).toEqual([]);
    expect(validateServerMessage(REV, response(complete))).not.toEqual([]);
  });

  it('rejects input_required where the method has no such answer, and malformed input requests', () => {
    const ask = { resultType: 'input_required', inputRequests: { k: { method: 'roots/list' } } };
    expect(validateServerMessage(REV, response(ask), 'tools/call')).toEqual([]);
    expect(validateServerMessage(REV, response(ask), 'tools/list')).not.toEqual([]);
    expect(validateServerMessage(REV, response({ resultType: 'input_required', inputRequests: { k: { method: 'nope' } } }), 'tools/call')).not.toEqual([]);
    expect(validateServerMessage(REV, response({ resultType: 'input_required' }), 'tools/call')).not.toEqual([]);
  });

  it('checks typed errors, notifications and server-to-client requests', () => {
    expect(validateServerMessage(REV, { jsonrpc: '2.0', id: 1, error: { code: -32022, message: 'no' } })).not.toEqual([]);
    expect(validateServerMessage(REV, { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } })).not.toEqual([]);
    expect(validateServerMessage(REV, { jsonrpc: '2.0', method: 'notifications/unknown' })).not.toEqual([]);
    expect(validateServerMessage(REV, { jsonrpc: '2.0', id: 1, method: 'roots/list' })).not.toEqual([]);
    expect(validateServerMessage('2025-11-25', { jsonrpc: '2.0', id: 1, method: 'roots/list' })).toEqual([]);
  });
});
