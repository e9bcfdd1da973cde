/**
 * Interop: the official TypeScript SDK 1.x client (`@modelcontextprotocol/sdk`) against our servers, over stdio
 * (our server spawned by the SDK's own StdioClientTransport) and Streamable HTTP (our server in a child process).
 * SDK 1.x speaks only the session era (`initialize`, up to 2025-11-25).
 * @module
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LATEST_PROTOCOL_VERSION,
  ListRootsRequestSchema,
  type CreateMessageRequest,
  type ElicitRequest,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
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

const CLIENT_INFO = { name: 'official-sdk-v1-interop', version: '1.32.2' };

/** A connected official client plus what it saw of the server's requests. */
interface Connection {
  readonly client: Client;
  /** What went over the transport after the handshake. */
  readonly wire: Wire;
  /** Errors the SDK reported on `onerror` (malformed or unexpected messages from our server). */
  readonly errors: Error[];
  readonly samplingRequests: CreateMessageRequest['params'][];
  readonly elicitationRequests: ElicitRequest['params'][];
  /** Session id of the HTTP session, `undefined` over stdio. */
  readonly sessionId: string | undefined;
  /** The protocol version the initialize handshake settled on. */
  readonly protocolVersion: string | undefined;
  close(): Promise<void>;
}

type Connect = () => Promise<Connection>;

function connectStdio(server: ServerCommand): Connect {
  return () => open(new StdioClientTransport({ command: server.command, args: server.args, stderr: 'inherit' }));
}

function connectHttp(server: () => HttpServerProcess): Connect {
  return () => open(new StreamableHTTPClientTransport(server().url));
}

async function open(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Connection> {
  let stdioVersion: string | undefined;
  // The SDK hands the negotiated version to `Transport.setProtocolVersion` when the transport has one; the HTTP
  // transport does (it needs it for headers), the stdio one does not, so give it a hook that records it.
  if (transport instanceof StdioClientTransport) Object.assign(transport, { setProtocolVersion: (v: string) => (stdioVersion = v) });
  const client = new Client(CLIENT_INFO, { capabilities: { sampling: {}, elicitation: {}, roots: {} } });
  const errors: Error[] = [];
  const samplingRequests: CreateMessageRequest['params'][] = [];
  const elicitationRequests: ElicitRequest['params'][] = [];
  client.onerror = (error) => errors.push(error);
  client.setRequestHandler(CreateMessageRequestSchema, (request) => {
    samplingRequests.push(request.params);
    return { model: 'interop-model', role: 'assistant', content: { type: 'text', text: 'a reply from the client' } };
  });
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    elicitationRequests.push(request.params);
    return { action: 'accept', content: { name: 'Ada', age: 36 } };
  });
  client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work/interop', name: 'interop' }] }));
  await client.connect(transport);
  return {
    client,
    wire: tap(transport),
    errors,
    samplingRequests,
    elicitationRequests,
    sessionId: transport instanceof StreamableHTTPClientTransport ? transport.sessionId : undefined,
    protocolVersion: transport instanceof StreamableHTTPClientTransport ? transport.protocolVersion : stdioVersion,
    close: async () => {
      // Over HTTP, end the session the way a well-behaved client does (DELETE) before dropping the transport.
      if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession();
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

describe.each([
  { transport: 'stdio', connect: connectStdio(ECHO_STDIO) },
  { transport: 'Streamable HTTP', connect: connectHttp(() => echoHttp) },
])('official SDK v1 client → bench echo server over $transport', ({ connect }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await connect();
  });
  afterAll(async () => {
    await conn?.close();
  });
  afterEach(() => {
    expect(conn.errors).toEqual([]);
  });

  it('initializes at the latest protocol version the SDK knows', () => {
    expect(conn.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mcpkit-bench-echo' });
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
    const result = await conn.client.callTool({ name: 'echo', arguments: { text: 'hello from sdk v1' } });
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'hello from sdk v1' }] });
    expect(result.isError).not.toBe(true);
  });
});

describe.each([
  { transport: 'stdio', connect: connectStdio(EVERYTHING_STDIO) },
  { transport: 'Streamable HTTP', connect: connectHttp(() => everythingHttp) },
])('official SDK v1 client → everything server over $transport', ({ transport, connect }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await connect();
  });
  afterAll(async () => {
    await conn?.close();
  });
  afterEach(() => {
    expect(conn.errors).toEqual([]);
  });

  /** Checks that `tool` got its input the session-era way: one call, during which the server sent a request. */
  function expectServerRequest(tool: string, method: string): void {
    expect(toolCallInputRounds(conn.wire, tool)).toEqual({ attempts: [{ inputResponses: [], resultType: undefined }], serverRequests: [method] });
  }

  it('completes the initialize handshake in the session era', () => {
    expect(conn.client.getServerVersion()).toEqual({ name: 'mcpkit-everything', version: '0.1.0', title: 'mcpkit everything demo' });
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(conn.client.getInstructions()).toMatch(/demo server/);
    // Over HTTP the session era is the one with an Mcp-Session-Id.
    if (transport === 'Streamable HTTP') expect(conn.sessionId).toMatch(/^[\x21-\x7e]+$/);
    else expect(conn.sessionId).toBeUndefined();
    expect(conn.protocolVersion).toBe('2025-11-25');
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
    const result = await conn.client.callTool({ name: 'echo', arguments: { text: 'hello from sdk v1' } });
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'hello from sdk v1' }] });
    expect(result.isError).not.toBe(true);
  });

  it('calls add and gets structured content that the SDK validates against the output schema', async () => {
    // The SDK checks structuredContent against the outputSchema it cached from tools/list.
    await conn.client.listTools();
    const result = await conn.client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(result).toMatchObject({ content: [{ type: 'text', text: '42' }] });
  });

  it('calls fail and gets a tool error, not a protocol error', async () => {
    const result = await conn.client.callTool({ name: 'fail', arguments: {} });
    expect(result.isError).toBe(true);
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'This tool always fails' }] });
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
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'LLM said: a reply from the client' }] });
    expect(conn.samplingRequests).toEqual([
      expect.objectContaining({ maxTokens: 20, messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }] }),
    ]);
    expectServerRequest('sample_llm', 'sampling/createMessage');
  });

  it('answers an elicitation from elicit_info', async () => {
    const result = await conn.client.callTool({ name: 'elicit_info', arguments: {} });
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'Hello Ada' }] });
    expect(conn.elicitationRequests).toEqual([
      expect.objectContaining({
        message: 'Tell me about yourself',
        requestedSchema: expect.objectContaining({ type: 'object', required: ['name'] }),
      }),
    ]);
    expectServerRequest('elicit_info', 'elicitation/create');
  });

  it('answers roots/list from list_roots', async () => {
    const result = await conn.client.callTool({ name: 'list_roots', arguments: {} });
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'interop file:///work/interop' }] });
    expectServerRequest('list_roots', 'roots/list');
  });

  it('receives progress notifications from long_running, in order, before the result', async () => {
    const delivered: Progress[] = [];
    const result = await conn.client.callTool({ name: 'long_running', arguments: { seconds: 0.03, steps: 3 } }, undefined, {
      onprogress: (p) => delivered.push(p),
    });
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'Long-running operation finished after 0.03s in 3 steps' }] });
    const expected = [
      { progress: 0, total: 3, message: 'step 1 of 3' },
      { progress: 1, total: 3, message: 'step 2 of 3' },
      { progress: 2, total: 3, message: 'step 3 of 3' },
      { progress: 3, total: 3, message: 'done' },
    ];
    // What our server wrote: every notification, with the client's token, before the response.
    const wire = toolCallProgress(conn.wire, 'long_running');
    expect(wire.token).toBeDefined();
    expect(wire.notifications).toEqual(expected);
    expect(wire.allBeforeResponse).toBe(true);
    // What the SDK made of it: each notification reached onprogress in order, except a tail that it processed
    // after the response and reported as an unknown token (typescript-sdk#2580; over stdio the last one usually is).
    expect([...delivered, ...takeLateProgress(conn.errors)]).toEqual(expected);
  });
});
