// OpenTelemetry in the gateway: with a tracer provider registered (an SDK, here a recording one written for the
// test on @opentelemetry/api alone), one span `mcp METHOD` per request with its attributes and status, made the
// active span while the request runs; with none registered (the default), requests run without touching the
// context at all (the spans are no-ops with an invalid context, so there is nothing to carry).
import { mkdtempSync, rmSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Attributes,
  type Context,
  type ContextManager,
  type Span,
  type SpanContext,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
  ROOT_CONTEXT,
  TraceFlags,
  context,
  trace,
} from '@opentelemetry/api';
import { Client, connectHttp } from '@mcpkit/client';
import { McpServer, ProtocolError } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { parseGatewayConfig } from '../config/parse.js';
import { type GatewayHandle, startGateway } from '../gateway.js';
import { silentLogger } from '../log.js';

class RecordedSpan implements Span {
  status: SpanStatus | undefined;
  ended = false;
  readonly #context: SpanContext = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED };

  constructor(
    readonly name: string,
    readonly attributes: Attributes,
  ) {}

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: never): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {
    this.ended = true;
  }
  isRecording(): boolean {
    return true;
  }
  recordException(): void {}
}

const spans: RecordedSpan[] = [];
const provider: TracerProvider = {
  getTracer: (): Tracer =>
    ({
      startSpan: (name: string, options?: { attributes?: Attributes }) => {
        const span = new RecordedSpan(name, { ...options?.attributes });
        spans.push(span);
        return span;
      },
      startActiveSpan: () => {
        throw new Error('not used by the gateway');
      },
    }) as Tracer,
};

/** Contexts entered through context.with: the spans made active. */
const entered: Array<Span | undefined> = [];
class RecordingContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    entered.push(trace.getSpan(ctx));
    return this.#storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-tracing-'));
let upstream: HttpServerHandle;
let gateway: GatewayHandle;
let client: Client;

beforeAll(async () => {
  const server = new McpServer({ name: 'probe', version: '1' });
  server.tool('ok', {}, () => ({ content: [{ type: 'text', text: 'fine' }] }));
  server.tool('fails', {}, () => {
    throw new ProtocolError(-32001, 'it failed on purpose');
  });
  upstream = await serveHttp(server, { port: 0 });
  const text = `listen: {host: 127.0.0.1, port: 0}
servers:
  probe: {url: "${upstream.url}"}
anonymous: {scopes: [calls]}
scopes:
  calls: ["probe__ok", "probe__fails"]
audit: {sqlite: ${join(dir, 'audit.db')}}
store: {sqlite: ${join(dir, 'store.db')}}
logLevel: silent
metrics: false
`;
  gateway = await startGateway(await parseGatewayConfig(text, { path: join(dir, 'mcp.yaml') }), { handleSignals: false, log: silentLogger() });
  client = new Client({ name: 'tracing', version: '1' }, { protocolVersion: '2026-07-28' });
  await connectHttp(client, gateway.url, { legacyFallback: false });
  for (let i = 0; i < 100 && !(await client.listTools()).some((t) => t.name === 'probe__ok'); i++) await new Promise((r) => setTimeout(r, 50));
});

afterAll(async () => {
  trace.disable();
  context.disable();
  await client?.close();
  await gateway?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway spans', () => {
  it('without a tracer provider: calls work and no context is entered', async () => {
    context.setGlobalContextManager(new RecordingContextManager());
    try {
      expect((await client.callTool('probe__ok', {})).content).toEqual([{ type: 'text', text: 'fine' }]);
      expect(entered).toEqual([]);
    } finally {
      context.disable();
    }
  });

  it('with one: a span per request with its attributes, active while the request runs, ended with its status', async () => {
    context.setGlobalContextManager(new RecordingContextManager());
    trace.setGlobalTracerProvider(provider);
    spans.length = 0;
    entered.length = 0;
    await client.callTool('probe__ok', {});
    const failed = await client.callTool('probe__fails', {}).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: -32001 });
    const refused = await client.callTool('probe__other', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    const calls = spans.filter((s) => s.name === 'mcp tools/call');
    expect(calls.map((s) => s.attributes['mcp.target'])).toEqual(['probe__ok', 'probe__fails', 'probe__other']);
    for (const s of calls) {
      expect(s.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'mcp.principal': 'anonymous' });
      expect(s.ended).toBe(true);
    }
    expect(calls[0]!.status).toBeUndefined();
    expect(calls[1]!.status).toMatchObject({ code: 2, message: expect.stringContaining('it failed on purpose') });
    // The calls the gateway forwarded ran with their span active.
    expect(entered).toEqual(expect.arrayContaining([calls[0], calls[1]]));
  });
});
