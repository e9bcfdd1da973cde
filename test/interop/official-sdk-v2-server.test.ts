/**
 * Interop: mcpkit's Client against a server built on the official TypeScript SDK v2 (`@modelcontextprotocol/server`
 * 2.4.0, fixture in official-v2-server.mjs), over stdio and Streamable HTTP, in both eras: pinned to 2025-11-25
 * (the session era), pinned to 2026-07-28, and 'auto' (which must find 2026-07-28 through `server/discover`).
 *
 * What v2 does for client input (read from its behaviour on the wire, asserted below): it implements multi
 * round-trip requests (spec 2026-07-28 basic/patterns/mrtr). A handler returns `inputRequired(...)`; on a
 * 2026-07-28 request that result goes to the client as `resultType: 'input_required'` with `inputRequests`, and
 * the client retries with `inputResponses`. On a 2025-era connection v2's "legacy shim" sends each input request
 * as a real `elicitation/create` / `sampling/createMessage` request on the session and re-enters the handler
 * with the answer, so the client sees one `tools/call` and one server-to-client request.
 * @module
 */
import { Client, type Negotiated, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';
import type { CallToolResult, CreateMessageParams, ElicitParams, Progress } from '@mcpkit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OFFICIAL_V2_HTTP, OFFICIAL_V2_STDIO, processGroupAlive } from './official-servers.js';
import { type HttpServerProcess, spawnHttpServer } from './servers.js';
import { type Wire, methodsSentDuring, tap, toolCallInputRounds } from './wire.js';

/** How the client is told to pick the era, and what it must end up with. */
const VERSIONS = [
  { pin: '2025-11-25', era: 'session', version: '2025-11-25' },
  { pin: '2026-07-28', era: 'stateless', version: '2026-07-28' },
  { pin: 'auto', era: 'stateless', version: '2026-07-28' },
] as const;

type Transport = StdioClientTransport | StreamableHttpClientTransport;

/** A connected mcpkit client plus what it saw of the server. */
interface Connection {
  readonly client: Client;
  readonly transport: Transport;
  readonly negotiated: Negotiated;
  /** Method of each request and notification the client sent while connecting. */
  readonly handshake: readonly string[];
  /** Every message after the handshake, both ways. */
  readonly wire: Wire;
  readonly errors: Error[];
  readonly samplingRequests: CreateMessageParams[];
  readonly elicitationRequests: ElicitParams[];
}

async function connect(transport: Transport, protocolVersion: string): Promise<Connection> {
  const errors: Error[] = [];
  const samplingRequests: CreateMessageParams[] = [];
  const elicitationRequests: ElicitParams[] = [];
  const client = new Client(
    { name: 'mcpkit-interop', version: '0.1.0' },
    {
      protocolVersion,
      handlers: {
        sampling: (params) => {
          samplingRequests.push(params);
          return { model: 'interop-model', role: 'assistant', content: { type: 'text', text: 'it is short' } };
        },
        elicitation: (params) => {
          elicitationRequests.push(params);
          return { action: 'accept', content: { name: 'Ada', age: 36 } };
        },
      },
    },
  );
  client.on('error', (error) => errors.push(error));
  const [negotiated, handshake] = await methodsSentDuring(transport, () => client.connect(transport));
  return { client, transport, negotiated, handshake, wire: tap(transport), errors, samplingRequests, elicitationRequests };
}

function texts(result: CallToolResult): string[] {
  return result.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

let http: HttpServerProcess;

beforeAll(async () => {
  http = await spawnHttpServer(OFFICIAL_V2_HTTP);
});

afterAll(async () => {
  await http?.close();
});

const TRANSPORTS = [
  { transport: 'stdio', open: (): Transport => new StdioClientTransport({ ...OFFICIAL_V2_STDIO, stderr: 'capture' }) },
  { transport: 'Streamable HTTP', open: (): Transport => new StreamableHttpClientTransport(http.url) },
] as const;

const CASES = TRANSPORTS.flatMap((t) => VERSIONS.map((v) => ({ ...t, ...v })));

describe.each(CASES)('mcpkit Client → official SDK v2 server over $transport, protocolVersion $pin', ({ transport: kind, open, pin, era, version }) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await connect(open(), pin);
  });
  afterAll(async () => {
    await conn?.client.close();
  });
  afterEach(() => {
    expect(conn.errors).toEqual([]);
  });

  /** Checks that `tool` obtained its one input the way the era prescribes. */
  function expectOneInputRound(tool: string, method: string): void {
    const rounds = toolCallInputRounds(conn.wire, tool);
    if (era === 'session') {
      // v2's legacy shim: one call, during which the server sent a request of its own.
      expect(rounds).toEqual({ attempts: [{ inputResponses: [], resultType: undefined }], serverRequests: [method] });
    } else {
      // 2026-07-28: an input_required result, then a retry carrying the answer; no server-to-client request.
      expect(rounds).toEqual({
        attempts: [
          { inputResponses: [], resultType: 'input_required' },
          { inputResponses: [expect.any(String)], resultType: 'complete' },
        ],
        serverRequests: [],
      });
    }
  }

  it(`negotiates ${version} in the ${era} era`, () => {
    expect(conn.client.era).toBe(era);
    expect(conn.negotiated).toMatchObject({
      era,
      protocolVersion: version,
      serverInfo: { name: 'official-v2-interop', version: '2.4.0' },
      capabilities: { tools: {} },
    });
    // Pinned 2025-11-25 goes straight to initialize; otherwise server/discover answers and initialize never happens.
    if (pin === '2025-11-25') expect(conn.handshake.slice(0, 2)).toEqual(['initialize', 'notifications/initialized']);
    else expect(conn.handshake).toEqual(['server/discover']);
    if (conn.transport instanceof StreamableHttpClientTransport) {
      if (era === 'session') expect(conn.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      else expect(conn.transport.sessionId).toBeUndefined();
    }
  });

  it('lists its tools with their schemas', async () => {
    const tools = await conn.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo', 'weather', 'greet', 'summarize', 'countdown']);
    expect(tools[0]?.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(tools[1]?.outputSchema).toMatchObject({
      type: 'object',
      properties: { temperature: { type: 'number' }, conditions: { type: 'string' }, humidity: { type: 'number' } },
    });
  });

  it('calls echo', async () => {
    const result = await conn.client.callTool('echo', { text: 'hello from mcpkit' });
    expect(result.content).toEqual([{ type: 'text', text: 'hello from mcpkit' }]);
    expect(result.isError).not.toBe(true);
    // v2 marks 2026-07-28 results `resultType: 'complete'`; the client consumes it, so both eras look the same.
    expect(result).not.toHaveProperty('resultType');
  });

  it('calls weather and gets structured content valid against the output schema it listed', async () => {
    await conn.client.listTools();
    const result = await conn.client.callTool('weather', { city: 'Lima' });
    expect(result.structuredContent).toEqual({ temperature: 24, conditions: 'Sunny', humidity: 60 });
    expect(JSON.parse(texts(result)[0] ?? '')).toEqual(result.structuredContent);
  });

  it('answers the elicitation of greet with the elicitation handler', async () => {
    const result = await conn.client.callTool('greet', {});
    expect(texts(result)).toEqual(['Hello, Ada (36)']);
    expect(conn.elicitationRequests).toEqual([
      expect.objectContaining({
        message: 'Who are you?',
        requestedSchema: expect.objectContaining({ type: 'object', properties: expect.objectContaining({ name: { type: 'string' } }), required: ['name', 'age'] }),
      }),
    ]);
    expectOneInputRound('greet', 'elicitation/create');
  });

  it('answers the sampling request of summarize with the sampling handler', async () => {
    const result = await conn.client.callTool('summarize', { text: 'a long story' });
    expect(texts(result)).toEqual(['interop-model says: it is short']);
    expect(conn.samplingRequests).toEqual([
      expect.objectContaining({ maxTokens: 50, messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: a long story' } }] }),
    ]);
    expectOneInputRound('summarize', 'sampling/createMessage');
  });

  it('delivers the progress notifications of countdown, in order, before the result', async () => {
    const delivered: Progress[] = [];
    const result = await conn.client.callTool('countdown', { from: 3 }, { onProgress: (p) => delivered.push(p) });
    expect(texts(result)).toEqual(['liftoff']);
    expect(delivered.map(({ progress, total, message }) => ({ progress, total, message }))).toEqual([
      { progress: 1, total: 3, message: '2 left' },
      { progress: 2, total: 3, message: '1 left' },
      { progress: 3, total: 3, message: '0 left' },
    ]);
  });

  if (kind === 'stdio') {
    it('closes cleanly: the server process is gone', async () => {
      const pid = (conn.transport as StdioClientTransport).pid!;
      expect(processGroupAlive(pid)).toBe(true);
      await conn.client.close();
      expect(conn.client.closed).toBe(true);
      expect(processGroupAlive(pid)).toBe(false);
    });
  } else if (era === 'session') {
    it('closes cleanly: the session is ended with DELETE and the server forgets it', async () => {
      const sessionId = (conn.transport as StreamableHttpClientTransport).sessionId!;
      await conn.client.close();
      expect(conn.client.closed).toBe(true);
      // The fixture answers a session id it does not know with 404 (spec 2025-11-25 transports#session-management).
      const response = await fetch(http.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
      });
      expect(response.status).toBe(404);
      await response.body?.cancel();
    });
  }
});
