/**
 * The stdio transport, black-box: the bench echo server as a real child process, plus an in-process server
 * on PassThrough streams for the message size limit (the CLI cannot set it).
 */
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McpServer } from '@mcpkit/server';
import { serveStdio } from '@mcpkit/server/node';
import { LineClient, StdioProcess } from '../helpers/stdio.js';
import { type Json, META_CAPS, META_VERSION, SESSION, STATELESS, deadline } from '../helpers/http.js';

const ECHO_SERVER = fileURLToPath(new URL('../../scripts/bench-echo-server', import.meta.url));
const spawnEcho = () => new StdioProcess(ECHO_SERVER, ['stdio']);

const errorCode = (m: Json) => (m.error as { code?: number } | undefined)?.code;
const errorMessage = (m: Json) => String((m.error as { message?: string } | undefined)?.message);

function initialize(client: LineClient, id: number | string = 'init'): Promise<Json> {
  return client.request(id, 'initialize', { protocolVersion: SESSION, capabilities: {}, clientInfo: { name: 'stdio-test', version: '0.0.0' } });
}

describe('stdio server process (scripts/bench-echo-server stdio)', () => {
  let server: StdioProcess;

  beforeAll(async () => {
    server = spawnEcho();
    const init = await initialize(server);
    expect(init.result).toMatchObject({ protocolVersion: SESSION, serverInfo: { name: 'mcpkit-bench-echo' } });
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  afterAll(async () => {
    await server.kill();
  });

  it('answers tools/list and tools/call in the session era', async () => {
    const list = await server.request(1, 'tools/list', {});
    const tools = (list.result as { tools: Array<{ name: string; inputSchema: unknown }> }).tools;
    expect(tools.map((t) => t.name)).toEqual(['echo']);
    expect(tools[0]?.inputSchema).toMatchObject({ type: 'object', required: ['text'] });

    const call = await server.request(2, 'tools/call', { name: 'echo', arguments: { text: 'hello stdio' } });
    expect(call.result).toEqual({ content: [{ type: 'text', text: 'hello stdio' }] });
  });

  it('serves a stateless 2026-07-28 tools/call on the same process', async () => {
    const call = await server.request(3, 'tools/call', {
      name: 'echo',
      arguments: { text: 'stateless' },
      _meta: { [META_VERSION]: STATELESS, [META_CAPS]: {} },
    });
    expect(call.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'stateless' }] });
  });

  it('answers a garbage line with -32700 and no id, then keeps answering', async () => {
    const error = server.unidentifiedError();
    server.writeLine('this is {not json');
    const m = await error;
    expect(errorCode(m)).toBe(-32700);
    expect(m.id ?? null).toBeNull();
    expect(server.running).toBe(true);
    expect((await server.request(4, 'ping')).result).toEqual({});
  });

  it.each([
    ['a number', '42'],
    ['a string', '"hello"'],
    ['an array (batch)', '[{"jsonrpc":"2.0","id":99,"method":"ping"}]'],
    ['null', 'null'],
  ])('answers a non-object JSON line (%s) with -32600', async (_what, line) => {
    const error = server.unidentifiedError();
    server.writeLine(line);
    expect(errorCode(await error)).toBe(-32600);
    expect((await server.request(`after-${line}`, 'ping')).result).toEqual({});
  });

  it('answers jsonrpc "1.0" with -32600 echoing the id', async () => {
    const error = server.response(5);
    server.send({ jsonrpc: '1.0', id: 5, method: 'ping' });
    expect(errorCode(await error)).toBe(-32600);
  });

  it('answers an unknown method with -32601', async () => {
    const m = await server.request(6, 'tools/frobnicate', {});
    expect(errorCode(m)).toBe(-32601);
    expect(errorMessage(m)).toContain('tools/frobnicate');
  });

  it('answers tools/call without a name with -32602 naming params.name', async () => {
    const m = await server.request(7, 'tools/call', { arguments: { text: 'x' } });
    expect(errorCode(m)).toBe(-32602);
    expect(errorMessage(m)).toContain('params.name');
  });

  it('reports bad tool arguments as a tool error the model can read', async () => {
    const m = await server.request(8, 'tools/call', { name: 'echo', arguments: { text: 42 } });
    expect(m.result).toMatchObject({ isError: true });
    expect(JSON.stringify(m.result)).toContain('text');
  });

  it('writes nothing but JSON-RPC 2.0 lines to stdout', async () => {
    // One more round trip so every earlier line has certainly been read.
    await server.request(9, 'ping');
    expect(server.lines.length).toBeGreaterThan(10);
    expect(server.impureLines()).toEqual([]);
  });
});

describe('stdio server process lifecycle', () => {
  const spawned: StdioProcess[] = [];
  afterEach(async () => {
    await Promise.all(spawned.splice(0).map((p) => p.kill()));
  });

  it('exits with code 0 when stdin closes', { timeout: 30_000 }, async () => {
    const server = spawnEcho();
    spawned.push(server);
    await initialize(server);
    server.endInput();
    const exit = await deadline(server.exited, 20_000, 'the server to exit after stdin closed');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.impureLines()).toEqual([]);
  });

  it('answers requests that were written just before stdin closed', { timeout: 30_000 }, async () => {
    // `printf '…\n' | server` is how many scripts call a stdio server: the pipe closes right after the request.
    const server = spawnEcho();
    spawned.push(server);
    server.send({ jsonrpc: '2.0', id: 'last', method: 'tools/call', params: { name: 'echo', arguments: { text: 'bye' }, _meta: { [META_VERSION]: STATELESS, [META_CAPS]: {} } } });
    server.endInput();
    await deadline(server.exited, 20_000, 'the server to exit after stdin closed');
    const answers = server.lines.map((l) => JSON.parse(l) as Json).filter((m) => m.id === 'last');
    expect(answers).toHaveLength(1);
    expect(answers[0]?.result).toMatchObject({ content: [{ type: 'text', text: 'bye' }] });
  });
});

describe('stdio message size limit (in-process, PassThrough streams)', () => {
  const MAX = 1024;
  let stdin: PassThrough;
  let stdout: PassThrough;
  let client: LineClient;
  let errors: Error[];

  beforeAll(async () => {
    stdin = new PassThrough();
    stdout = new PassThrough();
    errors = [];
    const server = new McpServer({ name: 'limit', version: '0.0.0' }, { onError: (e) => errors.push(e) });
    server.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => ({
      content: [{ type: 'text', text: String(args.text) }],
    }));
    await serveStdio(server, { stdin, stdout, maxMessageBytes: MAX });
    client = new LineClient(stdin, stdout);
    await initialize(client);
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  afterAll(() => {
    stdin.end();
    stdout.end();
  });

  const oversized = (id: string) =>
    JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(MAX * 4) } } });

  it('accepts a message just under the limit', async () => {
    const text = 'y'.repeat(MAX - 200);
    const m = await client.request('under', 'tools/call', { name: 'echo', arguments: { text } });
    expect(m.result).toEqual({ content: [{ type: 'text', text }] });
  });

  it('refuses a message over the limit with an error response, and recovers', async () => {
    const before = errors.length;
    const error = client.unidentifiedError();
    client.writeLine(oversized('big'));
    const m = await deadline(error, 10_000, 'an error response to the oversized message');
    expect([-32600, -32700]).toContain(errorCode(m));
    expect(errors.slice(before).some((e) => e.name === 'MessageTooLargeError')).toBe(true);
    expect((await client.request('after-big', 'ping')).result).toEqual({});
  });

  it('drops an oversized message that arrives in pieces, then reads the message after it in the same chunk', async () => {
    const before = errors.length;
    const line = oversized('pieces');
    // Many small chunks with no newline, then the tail, the newline and a whole valid request together.
    for (let i = 0; i < line.length - 100; i += 300) stdin.write(line.slice(i, Math.min(i + 300, line.length - 100)));
    const next = client.response('after-pieces');
    stdin.write(`${line.slice(line.length - 100)}\n${JSON.stringify({ jsonrpc: '2.0', id: 'after-pieces', method: 'ping' })}\n`);
    expect((await next).result).toEqual({});
    expect(errors.slice(before).filter((e) => e.name === 'MessageTooLargeError')).toHaveLength(1);
    // The oversized request itself is never executed.
    expect(client.lines.some((l) => l.includes('"id":"pieces"') && l.includes('"result"'))).toBe(false);
  });

  it('handles a request split across chunks at arbitrary points, including inside a multi-byte character', async () => {
    const text = 'häßlich €uro 🙂';
    const bytes = Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: 'split', method: 'tools/call', params: { name: 'echo', arguments: { text } } })}\n`);
    const answer = client.response('split');
    for (let i = 0; i < bytes.length; i += 3) stdin.write(bytes.subarray(i, i + 3));
    expect((await answer).result).toEqual({ content: [{ type: 'text', text }] });
  });

  it('keeps stdout to JSON-RPC lines only', () => {
    expect(client.impureLines()).toEqual([]);
  });
});

describe('stdio writes: batched while requests are open, at once for the last answer', () => {
  // A stdout that records each write and whether it happened before the next setImmediate.
  function recordingStdout() {
    const writes: string[] = [];
    const stdout = new PassThrough();
    const write = stdout.write.bind(stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      writes.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stdout.write;
    stdout.resume();
    return { stdout, writes };
  }

  async function serve() {
    const stdin = new PassThrough();
    const { stdout, writes } = recordingStdout();
    const server = new McpServer({ name: 'writes', version: '0.0.0' });
    const gates: Array<() => void> = [];
    server.tool('wait', { inputSchema: { type: 'object', properties: {} } }, () => new Promise((resolve) => gates.push(() => resolve('done'))));
    await serveStdio(server, { stdin, stdout });
    const call = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'wait', arguments: {}, _meta: { [META_VERSION]: STATELESS, [META_CAPS]: {} } } });
    const until = async (n: number) => {
      const end = Date.now() + 5000;
      while (gates.length < n && Date.now() < end) await new Promise((r) => setImmediate(r));
      expect(gates).toHaveLength(n);
    };
    return { stdin, stdout, writes, gates, call, until };
  }

  it('writes the answer to the only open request in the turn it is made, without waiting for setImmediate', async () => {
    const s = await serve();
    s.stdin.write(`${s.call(1)}\n`);
    await s.until(1);
    s.gates[0]!();
    // The handler resolves in microtasks; the write must be done before any setImmediate callback runs.
    const writtenBeforeImmediate = await new Promise<boolean>((resolve) => setImmediate(() => resolve(s.writes.some((w) => w.includes('"id":1')))));
    expect(writtenBeforeImmediate).toBe(true);
    s.stdin.end();
  });

  it('batches the answers of requests read together into one write', async () => {
    const s = await serve();
    s.stdin.write(`${s.call(1)}\n${s.call(2)}\n${s.call(3)}\n`);
    await s.until(3);
    for (const open of s.gates) open();
    const end = Date.now() + 5000;
    while (!s.writes.some((w) => w.includes('"id":3')) && Date.now() < end) await new Promise((r) => setImmediate(r));
    const answers = s.writes.filter((w) => w.includes('"result"'));
    expect(answers).toHaveLength(1);
    expect(answers[0]!.trim().split('\n')).toHaveLength(3);
    s.stdin.end();
  });

  it('still answers a request after a cancelled one left no answer', async () => {
    const s = await serve();
    s.stdin.write(`${s.call(1)}\n`);
    await s.until(1);
    s.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })}\n${s.call(2)}\n`);
    await s.until(2);
    s.gates[1]!();
    const end = Date.now() + 5000;
    while (!s.writes.some((w) => w.includes('"id":2')) && Date.now() < end) await new Promise((r) => setImmediate(r));
    expect(s.writes.some((w) => w.includes('"id":2'))).toBe(true);
    s.stdin.end();
  });
});
