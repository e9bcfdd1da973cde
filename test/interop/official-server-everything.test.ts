/**
 * Interop: mcpkit's Client against the official reference server `@modelcontextprotocol/server-everything`
 * (built on the official SDK 1.x, session era only), over stdio (spawned by our StdioClientTransport) and Streamable
 * HTTP (the server in a child process). The client starts in 'auto': its 2026-07-28 `server/discover` probe is
 * refused (-32601 over stdio, HTTP 400 "Server not initialized" over HTTP) and it falls back to `initialize`.
 * @module
 */
import { Client, type ClientEvents, type Negotiated, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';
import {
  type CallToolResult,
  type CreateMessageParams,
  type CreateMessageResult,
  type ElicitParams,
  type Progress,
  ProtocolError,
} from '@mcpkit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EverythingHttpProcess, OFFICIAL_EVERYTHING_STDIO, processGroupAlive, spawnEverythingHttp } from './official-servers.js';
import { methodsSentDuring } from './wire.js';

const SAMPLING_ANSWER: CreateMessageResult = {
  model: 'interop-model',
  role: 'assistant',
  content: { type: 'text', text: 'a reply from the client' },
  stopReason: 'endTurn',
};
const ROOT = { uri: 'file:///work/interop', name: 'interop' };

/** A connected mcpkit client plus what it saw of the server. */
interface Connection {
  readonly client: Client;
  readonly transport: StdioClientTransport | StreamableHttpClientTransport;
  readonly negotiated: Negotiated;
  /** Method of each request and notification the client sent while connecting. */
  readonly handshake: readonly string[];
  /** `error` events of the client. */
  readonly errors: Error[];
  readonly samplingRequests: CreateMessageParams[];
  readonly elicitationRequests: ElicitParams[];
  /** How many times the server asked for roots, and how many `close` events the client emitted. */
  readonly count: { rootsRequests: number; closeEvents: number };
}

async function connect(transport: StdioClientTransport | StreamableHttpClientTransport): Promise<Connection> {
  const errors: Error[] = [];
  const samplingRequests: CreateMessageParams[] = [];
  const elicitationRequests: ElicitParams[] = [];
  const count = { rootsRequests: 0, closeEvents: 0 };
  const client = new Client(
    { name: 'mcpkit-interop', version: '0.1.0' },
    {
      handlers: {
        sampling: (params) => {
          samplingRequests.push(params);
          return SAMPLING_ANSWER;
        },
        elicitation: (params) => {
          elicitationRequests.push(params);
          return { action: 'accept', content: { name: 'Ada Lovelace', check: true, email: 'ada@example.com', integer: 7 } };
        },
        roots: () => {
          count.rootsRequests++;
          return [ROOT];
        },
      },
    },
  );
  client.on('error', (error) => errors.push(error));
  client.on('close', () => count.closeEvents++);
  const [negotiated, handshake] = await methodsSentDuring(transport, () => client.connect(transport));
  return { client, transport, negotiated, handshake, errors, samplingRequests, elicitationRequests, count };
}

/** The next event of `kind` that `accept` takes. */
function nextEvent<K extends 'log' | 'resourceUpdated'>(client: Client, kind: K, accept: (value: ClientEvents[K]) => boolean): Promise<ClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(kind, (value) => {
      if (!accept(value)) return;
      off();
      resolve(value);
    });
  });
}

/** The text of each content block; other blocks as `<type>`. */
function texts(result: CallToolResult): string[] {
  return result.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

let http: EverythingHttpProcess;

beforeAll(async () => {
  http = await spawnEverythingHttp();
});

afterAll(async () => {
  await http?.close();
});

const TRANSPORTS = [
  { transport: 'stdio', open: () => new StdioClientTransport({ ...OFFICIAL_EVERYTHING_STDIO, stderr: 'capture' }) },
  { transport: 'Streamable HTTP', open: () => new StreamableHttpClientTransport(http.url) },
] as const;

describe.each(TRANSPORTS)('mcpkit Client → official server-everything over $transport', ({ transport: kind, open }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await connect(open());
  });
  afterAll(async () => {
    await conn?.client.close();
  });
  afterEach(() => {
    expect(conn.errors).toEqual([]);
  });

  it("falls back from 'auto' to the session era after one refused server/discover probe", () => {
    expect(conn.client.era).toBe('session');
    expect(conn.negotiated).toMatchObject({
      era: 'session',
      protocolVersion: '2025-11-25',
      serverInfo: { name: 'mcp-servers/everything', title: 'Everything Reference Server' },
      capabilities: { tools: { listChanged: true }, prompts: {}, resources: { subscribe: true }, logging: {}, completions: {} },
    });
    expect(conn.negotiated.instructions).toEqual(expect.stringMatching(/\S/));
    expect(conn.handshake).toEqual(['server/discover', 'initialize', 'notifications/initialized']);
    if (conn.transport instanceof StreamableHttpClientTransport) expect(conn.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists its tools, including those it registers only for clients with sampling, elicitation and roots', async () => {
    const tools = await conn.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'echo',
        'get-sum',
        'get-structured-content',
        'trigger-long-running-operation',
        'toggle-subscriber-updates',
        'trigger-sampling-request',
        'trigger-elicitation-request',
        'get-roots-list',
      ]),
    );
    const echo = tools.find((t) => t.name === 'echo');
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] });
    const structured = tools.find((t) => t.name === 'get-structured-content');
    expect(structured?.outputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['temperature', 'conditions', 'humidity']) });
  });

  it('calls echo and get-sum', async () => {
    expect(await conn.client.callTool('echo', { message: 'hi from mcpkit' })).toEqual({ content: [{ type: 'text', text: 'Echo: hi from mcpkit' }] });
    expect(texts(await conn.client.callTool('get-sum', { a: 2, b: 40 }))).toEqual(['The sum of 2 and 40 is 42.']);
  });

  it('checks structured content against the output schema it listed', async () => {
    const result = await conn.client.callTool('get-structured-content', { location: 'Chicago' });
    expect(result.structuredContent).toEqual({ temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 });
    expect(JSON.parse(texts(result)[0] ?? '')).toEqual(result.structuredContent);
  });

  it('hands back a tool error result (isError) instead of throwing', async () => {
    const result = await conn.client.callTool('get-sum', { a: 'two' });
    expect(result.isError).toBe(true);
    expect(texts(result)).toEqual([expect.stringContaining('Input validation error')]);
  });

  it('lists and reads static text resources', async () => {
    const resources = await conn.client.listResources();
    const doc = resources.find((r) => r.uri === 'demo://resource/static/document/instructions.md');
    expect(doc).toMatchObject({ name: 'instructions.md', mimeType: 'text/markdown' });
    const read = await conn.client.readResource('demo://resource/static/document/instructions.md');
    expect(read.contents).toEqual([{ uri: 'demo://resource/static/document/instructions.md', mimeType: 'text/markdown', text: expect.stringMatching(/\S/) }]);
  });

  it('lists resource templates and reads a text and a blob resource through them', async () => {
    const templates = await conn.client.listResourceTemplates();
    expect(templates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining(['demo://resource/dynamic/text/{resourceId}', 'demo://resource/dynamic/blob/{resourceId}']),
    );
    const text = await conn.client.readResource('demo://resource/dynamic/text/1');
    expect(text.contents).toEqual([
      { uri: 'demo://resource/dynamic/text/1', mimeType: 'text/plain', text: expect.stringMatching(/^Resource 1: This is a plaintext resource created at /) },
    ]);
    const blob = await conn.client.readResource('demo://resource/dynamic/blob/2');
    expect(blob.contents).toEqual([{ uri: 'demo://resource/dynamic/blob/2', mimeType: 'text/plain', blob: expect.any(String) }]);
    const bytes = Buffer.from((blob.contents[0] as { blob: string }).blob, 'base64').toString('utf8');
    expect(bytes).toMatch(/^Resource 2: This is a base64 blob created at /);
  });

  it('turns a JSON-RPC error for an unknown resource into a ProtocolError with its code', async () => {
    // server-everything answers a template match it rejects with -32603 and its message.
    const error: unknown = await conn.client.readResource('demo://resource/dynamic/text/0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -32603, message: expect.stringContaining('Unknown resource: demo://resource/dynamic/text/0') });
  });

  it('lists prompts and gets them with arguments', async () => {
    const prompts = await conn.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt', 'resource-prompt']));
    const args = prompts.find((p) => p.name === 'args-prompt');
    expect(args?.arguments).toEqual([expect.objectContaining({ name: 'city', required: true }), expect.objectContaining({ name: 'state' })]);
    expect(args?.arguments?.[1]?.required).not.toBe(true);

    expect((await conn.client.getPrompt('simple-prompt')).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'This is a simple prompt without arguments.' } },
    ]);
    expect((await conn.client.getPrompt('args-prompt', { city: 'Paris', state: 'Texas' })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: "What's weather in Paris, Texas?" } },
    ]);
    const embedded = await conn.client.getPrompt('resource-prompt', { resourceType: 'Blob', resourceId: '3' });
    expect(embedded.messages[1]).toEqual({
      role: 'user',
      content: { type: 'resource', resource: { uri: 'demo://resource/dynamic/blob/3', mimeType: 'text/plain', blob: expect.any(String) } },
    });
  });

  it('completes a prompt argument and a resource template variable', async () => {
    expect(await conn.client.complete({ type: 'ref/prompt', name: 'resource-prompt' }, { name: 'resourceType', value: 'Bl' })).toMatchObject({ values: ['Blob'] });
    const completion = await conn.client.complete({ type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' }, { name: 'resourceId', value: '12' });
    expect(completion.values).toEqual(['12']);
  });

  it('answers its sampling request (trigger-sampling-request) with the sampling handler', async () => {
    const result = await conn.client.callTool('trigger-sampling-request', { prompt: 'Say hi', maxTokens: 12 });
    expect(conn.samplingRequests).toEqual([
      expect.objectContaining({
        maxTokens: 12,
        systemPrompt: 'You are a helpful test server.',
        messages: [{ role: 'user', content: { type: 'text', text: 'Resource trigger-sampling-request context: Say hi' } }],
      }),
    ]);
    // The server reports the answer it got, as JSON after a fixed prefix.
    const [text = ''] = texts(result);
    expect(text.startsWith('LLM sampling result: \n')).toBe(true);
    expect(JSON.parse(text.slice('LLM sampling result: \n'.length))).toMatchObject(SAMPLING_ANSWER);
  });

  it('answers its elicitation request (trigger-elicitation-request) with the elicitation handler', async () => {
    const result = await conn.client.callTool('trigger-elicitation-request', {});
    expect(conn.elicitationRequests).toEqual([
      expect.objectContaining({
        message: 'Please provide inputs for the following fields:',
        requestedSchema: expect.objectContaining({ type: 'object', required: ['name'] }),
      }),
    ]);
    expect(texts(result).slice(0, 2)).toEqual([
      '✅ User provided the requested information!',
      'User inputs:\n- Name: Ada Lovelace\n- Agreed to terms: true\n- Email: ada@example.com\n- Favorite Integer: 7',
    ]);
  });

  it('answers roots/list with the roots handler (get-roots-list)', async () => {
    const result = await conn.client.callTool('get-roots-list', {});
    expect(texts(result)).toEqual([expect.stringContaining(`Current MCP Roots (1 total):\n\n1. ${ROOT.name}\n   URI: ${ROOT.uri}`)]);
    expect(conn.count.rootsRequests).toBeGreaterThanOrEqual(1);
  });

  it('delivers the progress notifications of trigger-long-running-operation, in order, before the result', async () => {
    const delivered: Progress[] = [];
    const result = await conn.client.callTool('trigger-long-running-operation', { duration: 0.3, steps: 3 }, { onProgress: (p) => delivered.push(p) });
    expect(texts(result)).toEqual(['Long running operation completed. Duration: 0.3 seconds, Steps: 3.']);
    expect(delivered.map(({ progress, total }) => ({ progress, total }))).toEqual([
      { progress: 1, total: 3 },
      { progress: 2, total: 3 },
      { progress: 3, total: 3 },
    ]);
  });

  it('subscribes to a resource and receives its update notifications', async () => {
    const uri = 'demo://resource/dynamic/text/1';
    const logged = nextEvent(conn.client, 'log', (l) => typeof l.data === 'string' && l.data.startsWith(`Received Subscribe Resource request for URI: ${uri}`));
    const updated = nextEvent(conn.client, 'resourceUpdated', (u) => u.uri === uri);
    await conn.client.subscribeResource(uri);
    expect(await logged).toMatchObject({ level: 'info' });
    // The server sends updates for subscribed URIs once this tool turns them on (at once, then every 5 s).
    const on = await conn.client.callTool('toggle-subscriber-updates', {});
    expect(texts(on)).toEqual([expect.stringMatching(/^Started simulated resource updated notifications/)]);
    expect(await updated).toEqual({ uri });
    await conn.client.unsubscribeResource(uri);
    const off = await conn.client.callTool('toggle-subscriber-updates', {});
    expect(texts(off)).toEqual([expect.stringMatching(/^Stopped simulated resource updates/)]);
  });

  if (kind === 'stdio') {
    it('closes cleanly: the server and everything it started are gone', async () => {
      const transport = conn.transport as StdioClientTransport;
      const pid = transport.pid;
      expect(pid).toEqual(expect.any(Number));
      expect(processGroupAlive(pid!)).toBe(true);
      await conn.client.close();
      expect(conn.client.closed).toBe(true);
      expect(conn.count.closeEvents).toBe(1);
      expect(processGroupAlive(pid!)).toBe(false);
    });
  } else {
    it('closes cleanly: the session is ended with DELETE and the server forgets it', async () => {
      const sessionId = (conn.transport as StreamableHttpClientTransport).sessionId!;
      await conn.client.close();
      expect(conn.client.closed).toBe(true);
      expect(conn.count.closeEvents).toBe(1);
      // A request in the ended session is refused: server-everything answers an unknown session id with 400.
      const response = await fetch(http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
        body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { message: 'Bad Request: No valid session ID provided' } });
      await http.waitForOutput(new RegExp(`Received session termination request for session ${sessionId}`));
    });
  }
});
