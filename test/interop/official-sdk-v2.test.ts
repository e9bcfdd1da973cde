/**
 * Interop: the official TypeScript SDK 2.x client (`@modelcontextprotocol/client`) against our servers, over stdio
 * (our server spawned by the SDK's own StdioClientTransport) and Streamable HTTP (our server in a child process),
 * in both protocol eras: the session era (`initialize`, the SDK's default `versionNegotiation: 'legacy'`) and the
 * 2026-07-28 stateless era (`versionNegotiation: { mode: { pin: '2026-07-28' } }`: a `server/discover` probe, then
 * per-request `_meta`, and client input through `input_required` results that the SDK fulfils with the same
 * handlers it uses for server-to-client requests).
 * @module
 */
import {
  Client,
  type ClientOptions,
  type CreateMessageRequest,
  type ElicitRequest,
  type Progress,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ECHO_HTTP,
  ECHO_STDIO,
  EVERYTHING_HTTP,
  EVERYTHING_STDIO,
  type HttpServerProcess,
  type ServerCommand,
  spawnHttpServer,
} from './servers.js';
import { type Wire, takeLateProgress, tap, toolCallInputRounds, toolCallProgress } from './wire.js';

const CLIENT_INFO = { name: 'official-sdk-v2-interop', version: '2.4.0' };

/** The eras under test, and how the SDK is told to pick each. */
const ERAS = [
  { era: 'session era', versionNegotiation: undefined, expected: { era: 'legacy', version: '2025-11-25' } },
  { era: '2026-07-28 stateless era', versionNegotiation: { mode: { pin: '2026-07-28' } }, expected: { era: 'modern', version: '2026-07-28' } },
] as const satisfies readonly { era: string; versionNegotiation: ClientOptions['versionNegotiation']; expected: object }[];

type Negotiation = ClientOptions['versionNegotiation'];

/** A connected official client plus what it saw of the server's requests. */
interface Connection {
  readonly client: Client;
  /** What went over the transport after the handshake. */
  readonly wire: Wire;
  /** Errors the SDK reported on `onerror` (malformed or unexpected messages from our server). */
  readonly errors: Error[];
  readonly samplingRequests: CreateMessageRequest['params'][];
  readonly elicitationRequests: ElicitRequest['params'][];
  /** Session id of the HTTP session; `undefined` over stdio and in the stateless era. */
  readonly sessionId: string | undefined;
  close(): Promise<void>;
}

type Connect = (versionNegotiation: Negotiation) => Promise<Connection>;

function connectStdio(server: ServerCommand): Connect {
  return (negotiation) => open(new StdioClientTransport({ command: server.command, args: server.args, stderr: 'inherit' }), negotiation);
}

function connectHttp(server: () => HttpServerProcess): Connect {
  return (negotiation) => open(new StreamableHTTPClientTransport(server().url), negotiation);
}

async function open(transport: StdioClientTransport | StreamableHTTPClientTransport, versionNegotiation: Negotiation): Promise<Connection> {
  const client = new Client(CLIENT_INFO, { capabilities: { sampling: {}, elicitation: {}, roots: {} }, versionNegotiation });
  const errors: Error[] = [];
  const samplingRequests: CreateMessageRequest['params'][] = [];
  const elicitationRequests: ElicitRequest['params'][] = [];
  client.onerror = (error) => errors.push(error);
  // Session era: answers to server-to-client requests. Stateless era: the SDK runs the same handlers to fulfil
  // the `inputRequests` of an `input_required` result, then retries the call (spec 2026-07-28 basic/patterns/mrtr).
  client.setRequestHandler('sampling/createMessage', (request) => {
    samplingRequests.push(request.params);
    return { model: 'interop-model', role: 'assistant', content: { type: 'text', text: 'a reply from the client' } };
  });
  client.setRequestHandler('elicitation/create', (request) => {
    elicitationRequests.push(request.params);
    return { action: 'accept', content: { name: 'Ada', age: 36 } };
  });
  client.setRequestHandler('roots/list', () => ({ roots: [{ uri: 'file:///work/interop', name: 'interop' }] }));
  await client.connect(transport);
  return {
    client,
    wire: tap(transport),
    errors,
    samplingRequests,
    elicitationRequests,
    sessionId: transport instanceof StreamableHTTPClientTransport ? transport.sessionId : undefined,
    close: async () => {
      // A session-era HTTP client ends its session (DELETE) before dropping the transport.
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) await transport.terminateSession();
      await client.close();
    },
  };
}

let everythingHttp: HttpServerProcess;
let echoHttp: HttpServerProcess;

beforeAll(async () => {
  // One after the other, so that if the second fails to start, afterAll still stops the first.
  everythingHttp = await spawnHttpServer(EVERYTHING_HTTP);
  echoHttp = await spawnHttpServer(ECHO_HTTP);
});

afterAll(async () => {
  await Promise.all([everythingHttp?.close(), echoHttp?.close()]);
});

const TRANSPORTS = [
  { transport: 'stdio', echo: connectStdio(ECHO_STDIO), everything: connectStdio(EVERYTHING_STDIO) },
  { transport: 'Streamable HTTP', echo: connectHttp(() => echoHttp), everything: connectHttp(() => everythingHttp) },
];

const CASES = ERAS.flatMap((era) => TRANSPORTS.map((transport) => ({ ...era, ...transport })));

describe.each(CASES)('official SDK v2 client → bench echo server, $era over $transport', ({ versionNegotiation, expected, echo }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await echo(versionNegotiation);
  });
  afterAll(async () => {
    await conn?.close();
  });
  afterEach(() => {
    expect(conn.errors).toEqual([]);
  });

  it(`negotiates ${expected.version}`, () => {
    expect(conn.client.getProtocolEra()).toBe(expected.era);
    expect(conn.client.getNegotiatedProtocolVersion()).toBe(expected.version);
    expect(conn.client.getServerCapabilities()?.tools).toBeDefined();
  });

  it('lists exactly the echo tool', async () => {
    const { tools } = await conn.client.listTools();
    expect(tools).toEqual([
      expect.objectContaining({
        name: 'echo',
        inputSchema: expect.objectContaining({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }),
      }),
    ]);
  });

  it('calls echo and gets the text back', async () => {
    const result = await conn.client.callTool({ name: 'echo', arguments: { text: 'hello from sdk v2' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hello from sdk v2' }]);
    expect(result.isError).not.toBe(true);
  });
});

describe.each(CASES)('official SDK v2 client → everything server, $era over $transport', ({ versionNegotiation, expected, transport, everything }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await everything(versionNegotiation);
  });
  afterAll(async () => {
    await conn?.close();
  });
  afterEach(() => {
    expect(conn.errors).toEqual([]);
  });

  /** Checks that `tool` got its input the way the era prescribes, one round. */
  function expectOneInputRound(tool: string, method: string): void {
    const rounds = toolCallInputRounds(conn.wire, tool);
    if (expected.era === 'legacy') {
      // Session era: one call, during which the server sent a request of its own.
      expect(rounds).toEqual({ attempts: [{ inputResponses: [], resultType: undefined }], serverRequests: [method] });
    } else {
      // 2026-07-28: no server-to-client requests; an input_required result, then a retry with the answer.
      expect(rounds).toEqual({
        attempts: [
          { inputResponses: [], resultType: 'input_required' },
          { inputResponses: [expect.any(String)], resultType: 'complete' },
        ],
        serverRequests: [],
      });
    }
  }

  it(`negotiates ${expected.version} and learns who the server is`, () => {
    expect(conn.client.getProtocolEra()).toBe(expected.era);
    expect(conn.client.getNegotiatedProtocolVersion()).toBe(expected.version);
    // Required in the initialize result; a SHOULD in the server/discover result's _meta (2026-07-28).
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mcpkit-everything', version: '0.1.0' });
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(conn.client.getInstructions()).toMatch(/demo server/);
    // Only the session era over HTTP has an Mcp-Session-Id; the 2026-07-28 era is stateless.
    if (transport === 'Streamable HTTP' && expected.era === 'legacy') expect(conn.sessionId).toMatch(/^[\x21-\x7e]+$/);
    else expect(conn.sessionId).toBeUndefined();
  });

  it('lists tools, with the output schema of add', async () => {
    const { tools } = await conn.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'add', 'long_running', 'sample_llm', 'elicit_info', 'list_roots', 'fail']));
    const add = tools.find((t) => t.name === 'add');
    expect(add?.inputSchema).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } });
    expect(add?.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } } });
  });

  it('calls echo', async () => {
    const result = await conn.client.callTool({ name: 'echo', arguments: { text: 'hello from sdk v2' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hello from sdk v2' }]);
    expect(result.isError).not.toBe(true);
  });

  it('calls add and gets structured content that the SDK validates against the output schema', async () => {
    await conn.client.listTools();
    const result = await conn.client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(result.content).toEqual([{ type: 'text', text: '42' }]);
  });

  it('calls fail and gets a tool error, not a protocol error', async () => {
    const result = await conn.client.callTool({ name: 'fail', arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'This tool always fails' }]);
  });

  it('lists and reads resources and templates', async () => {
    const { resources } = await conn.client.listResources();
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uri: 'demo://readme', name: 'readme', mimeType: 'text/markdown' }),
        expect.objectContaining({ uri: 'demo://counter', name: 'counter' }),
      ]),
    );
    const readme = await conn.client.readResource({ uri: 'demo://readme' });
    expect(readme.contents).toEqual([{ uri: 'demo://readme', mimeType: 'text/markdown', text: '# mcpkit everything\nA demo of every MCP feature.' }]);

    const { resourceTemplates } = await conn.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'demo://items/{id}', name: 'item' })]);
    const item = await conn.client.readResource({ uri: 'demo://items/7' });
    expect(item.contents).toHaveLength(1);
    const [content] = item.contents;
    expect(content).toMatchObject({ uri: 'demo://items/7', mimeType: 'application/json' });
    expect(content && 'text' in content ? JSON.parse(content.text) : content).toEqual({ id: '7', name: 'item 7' });
  });

  it('lists and gets prompts, and completes a prompt argument', async () => {
    const { prompts } = await conn.client.listPrompts();
    const greeting = prompts.find((p) => p.name === 'greeting');
    expect(greeting?.arguments).toEqual([
      expect.objectContaining({ name: 'name', description: 'Who to greet', required: true }),
      expect.objectContaining({ name: 'style', description: 'formal or casual' }),
    ]);
    expect(greeting?.arguments?.[1]?.required).not.toBe(true);
    expect(prompts.map((p) => p.name)).toContain('with_image');

    const got = await conn.client.getPrompt({ name: 'greeting', arguments: { name: 'Ada', style: 'formal' } });
    expect(got.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Write a formal greeting for Ada.' } }]);
    const image = await conn.client.getPrompt({ name: 'with_image' });
    expect(image.messages[0]?.content).toMatchObject({ type: 'image', mimeType: 'image/png' });

    const completion = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'greeting' }, argument: { name: 'style', value: 'fo' } });
    expect(completion.completion.values).toEqual(['formal']);
  });

  it('answers a sampling request from sample_llm', async () => {
    const result = await conn.client.callTool({ name: 'sample_llm', arguments: { prompt: 'Say hi', maxTokens: 20 } });
    expect(result.content).toEqual([{ type: 'text', text: 'LLM said: a reply from the client' }]);
    expect(conn.samplingRequests).toEqual([
      expect.objectContaining({ maxTokens: 20, messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }] }),
    ]);
    expectOneInputRound('sample_llm', 'sampling/createMessage');
  });

  it('answers an elicitation from elicit_info', async () => {
    const result = await conn.client.callTool({ name: 'elicit_info', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello Ada' }]);
    expect(conn.elicitationRequests).toEqual([
      expect.objectContaining({
        message: 'Tell me about yourself',
        requestedSchema: expect.objectContaining({ type: 'object', required: ['name'] }),
      }),
    ]);
    expectOneInputRound('elicit_info', 'elicitation/create');
  });

  it('answers roots/list from list_roots', async () => {
    const result = await conn.client.callTool({ name: 'list_roots', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'interop file:///work/interop' }]);
    expectOneInputRound('list_roots', 'roots/list');
  });

  it('receives progress notifications from long_running, in order, before the result', async () => {
    const delivered: Progress[] = [];
    const result = await conn.client.callTool({ name: 'long_running', arguments: { seconds: 0.03, steps: 3 } }, { onprogress: (p) => delivered.push(p) });
    expect(result.content).toEqual([{ type: 'text', text: 'Long-running operation finished after 0.03s in 3 steps' }]);
    const expectedProgress = [
      { progress: 0, total: 3, message: 'step 1 of 3' },
      { progress: 1, total: 3, message: 'step 2 of 3' },
      { progress: 2, total: 3, message: 'step 3 of 3' },
      { progress: 3, total: 3, message: 'done' },
    ];
    // What our server wrote: every notification, with the client's token, before the response.
    const wire = toolCallProgress(conn.wire, 'long_running');
    expect(wire.token).toBeDefined();
    expect(wire.notifications).toEqual(expectedProgress);
    expect(wire.allBeforeResponse).toBe(true);
    // What the SDK made of it: each reached onprogress in order, except a tail it processed after the response
    // and reported as an unknown token (typescript-sdk#2580).
    expect([...delivered, ...takeLateProgress(conn.errors)]).toEqual(expectedProgress);
  });
});

describe.each(TRANSPORTS)("official SDK v2 client with versionNegotiation 'auto' over $transport", ({ everything }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await everything({ mode: 'auto' });
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('finds the 2026-07-28 era through server/discover and uses it', async () => {
    expect(conn.client.getProtocolEra()).toBe('modern');
    expect(conn.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const result = await conn.client.callTool({ name: 'echo', arguments: { text: 'negotiated' } });
    expect(result.content).toEqual([{ type: 'text', text: 'negotiated' }]);
    expect(conn.errors).toEqual([]);
  });
});
