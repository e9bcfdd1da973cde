/**
 * Test helpers for Streamable HTTP: POST/GET with plain fetch, and a reader that turns a JSON or SSE
 * response into JSON-RPC messages.
 * @module
 */
import { type Agent, request as httpRequest } from 'node:http';

export type Json = Record<string, unknown>;

export const STATELESS = '2026-07-28';
export const SESSION = '2025-11-25';
export const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CAPS = 'io.modelcontextprotocol/clientCapabilities';

/** The Accept header of a GET stream. */
export const SSE_ACCEPT = 'text/event-stream';

/** What every POST carries unless a test overrides it. */
export const POST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/** One parsed Server-Sent Event. */
export interface SseEvent {
  event: string | undefined;
  id: string | undefined;
  data: string;
}

/**
 * Reads SSE events from a body one at a time. `next()` resolves undefined at the end of the stream.
 * Unlike `for await`, an early stop leaves the stream open, so a test can read a few events, act, read more.
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #queue: SseEvent[] = [];
  #done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async next(): Promise<SseEvent | undefined> {
    for (;;) {
      const queued = this.#queue.shift();
      if (queued) return queued;
      if (this.#done) return undefined;
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#done = true;
        this.#buffer += this.#decoder.decode();
        this.#parse(true);
      } else {
        this.#buffer += this.#decoder.decode(value, { stream: true });
        this.#parse(false);
      }
    }
  }

  /** The next event that carries a JSON-RPC message (skips comments and priming events). */
  async nextMessage(): Promise<Json | undefined> {
    for (;;) {
      const event = await this.next();
      if (event === undefined) return undefined;
      if (event.data.trim() !== '') return JSON.parse(event.data) as Json;
    }
  }

  /** Reads messages until one matches; throws if the stream ends first. */
  async until(match: (m: Json) => boolean, what: string): Promise<Json> {
    for (;;) {
      const m = await this.nextMessage();
      if (m === undefined) throw new Error(`SSE stream ended before ${what}`);
      if (match(m)) return m;
    }
  }

  /** All remaining messages, to the end of the stream. */
  async rest(): Promise<Json[]> {
    const out: Json[] = [];
    for (let m = await this.nextMessage(); m !== undefined; m = await this.nextMessage()) out.push(m);
    return out;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }

  #parse(flush: boolean): void {
    const text = this.#buffer.replace(/\r\n?/g, '\n');
    const blocks = text.split('\n\n');
    this.#buffer = flush ? '' : (blocks.pop() ?? '');
    for (const block of blocks) {
      if (block.trim() === '') continue;
      let event: string | undefined;
      let id: string | undefined;
      const data: string[] = [];
      let sawField = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        sawField = true;
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id') id = value;
      }
      if (sawField) this.#queue.push({ event, id, data: data.join('\n') });
    }
  }
}

/** A response read to the end: its JSON-RPC messages, whatever the content type. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** JSON body as one message, or every SSE message in order; empty for no body. */
  messages: Json[];
}

/** Reads a whole response (do not use on a stream that stays open). */
export async function readAll(response: Response): Promise<ReadResponse> {
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  let messages: Json[] = [];
  if (contentType.startsWith('text/event-stream')) {
    const encoded = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoded);
        c.close();
      },
    });
    messages = await new SseReader(body).rest();
  } else if (contentType.startsWith('application/json') && text !== '') {
    const value = JSON.parse(text) as unknown;
    messages = [value as Json];
  }
  return { status: response.status, headers: response.headers, contentType, text, messages };
}

/** POSTs a body (object → JSON; string → as is) and returns the raw response. */
export function postRaw(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  const init: RequestInit = {
    method: 'POST',
    headers: { ...POST_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
  if (signal) init.signal = signal;
  return fetch(url, init);
}

/** POSTs and reads the whole response. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<ReadResponse> {
  return readAll(await postRaw(url, body, headers));
}

/** The single message of a JSON response, or the last message of an SSE one (the response). */
export function lastMessage(r: ReadResponse): Json {
  const m = r.messages[r.messages.length - 1];
  if (m === undefined) throw new Error(`no JSON-RPC message in the ${r.status} response: ${r.text.slice(0, 200)}`);
  return m;
}

/** The `error` object of a JSON-RPC error response. */
export function errorOf(m: Json): { code: number; message: string; data?: unknown } {
  const e = m.error as { code: number; message: string; data?: unknown } | undefined;
  if (e === undefined) throw new Error(`expected an error response, got ${JSON.stringify(m).slice(0, 300)}`);
  return e;
}

export function resultOf(m: Json): Json {
  const r = m.result as Json | undefined;
  if (r === undefined) throw new Error(`expected a result, got ${JSON.stringify(m).slice(0, 300)}`);
  return r;
}

/** `params._meta` for a 2026-07-28 request. */
export function statelessMeta(capabilities: Json = {}, extra: Json = {}): Json {
  return { [META_VERSION]: STATELESS, [META_CAPS]: capabilities, ...extra };
}

/** A 2026-07-28 request: body and the routing headers that must mirror it. */
export function statelessRequest(
  id: number | string,
  method: string,
  params: Json = {},
  options: { capabilities?: Json; meta?: Json } = {},
): { body: Json; headers: Record<string, string> } {
  const meta = { ...statelessMeta(options.capabilities), ...(params._meta as Json | undefined), ...options.meta };
  const body = { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } };
  const headers: Record<string, string> = { 'mcp-protocol-version': STATELESS, 'mcp-method': method };
  const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
  if (typeof name === 'string') headers['mcp-name'] = name;
  return { body, headers };
}

/** Sends a 2026-07-28 request and reads the whole response. */
export function statelessPost(url: string, id: number | string, method: string, params: Json = {}, options: { capabilities?: Json } = {}): Promise<ReadResponse> {
  const { body, headers } = statelessRequest(id, method, params, options);
  return post(url, body, headers);
}

/** A session-era session over HTTP: initialize, initialized, and requests with the session headers. */
export class HttpSession {
  readonly url: string;
  readonly id: string;
  readonly initializeResult: Json;

  private constructor(url: string, id: string, initializeResult: Json) {
    this.url = url;
    this.id = id;
    this.initializeResult = initializeResult;
  }

  static async open(url: string, capabilities: Json = {}): Promise<HttpSession> {
    const init = await post(url, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: SESSION, capabilities, clientInfo: { name: 'mcpkit-tests', version: '0.0.0' } },
    });
    const id = init.headers.get('mcp-session-id');
    if (init.status !== 200 || id === null) throw new Error(`initialize failed: ${init.status} ${init.text}`);
    const session = new HttpSession(url, id, resultOf(lastMessage(init)));
    const ack = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session.headers());
    if (ack.status !== 202) throw new Error(`notifications/initialized got ${ack.status}`);
    return session;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { 'mcp-session-id': this.id, 'mcp-protocol-version': SESSION, ...extra };
  }

  /** Sends a request and reads the whole response. */
  request(id: number | string, method: string, params: Json = {}): Promise<ReadResponse> {
    return post(this.url, { jsonrpc: '2.0', id, method, params }, this.headers());
  }

  /** Sends a request and returns the raw response (for SSE streams a test reads incrementally). */
  requestRaw(id: number | string, method: string, params: Json = {}, signal?: AbortSignal): Promise<Response> {
    return postRaw(this.url, { jsonrpc: '2.0', id, method, params }, this.headers(), signal);
  }

  /** Opens the standalone GET stream. */
  async openGetStream(signal?: AbortSignal): Promise<{ response: Response; reader: SseReader }> {
    const init: RequestInit = { method: 'GET', headers: this.headers({ accept: SSE_ACCEPT }) };
    if (signal) init.signal = signal;
    const response = await fetch(this.url, init);
    if (response.status !== 200 || response.body === null) throw new Error(`GET stream: ${response.status} ${await response.text()}`);
    return { response, reader: new SseReader(response.body) };
  }

  delete(): Promise<Response> {
    return fetch(this.url, { method: 'DELETE', headers: this.headers() });
  }
}

/**
 * A request through node:http, which (unlike fetch) lets a test set `Host`, send a chunked body (pass
 * `body` as several pieces and no Content-Length), or pick the connection pool (`agent`). By default each
 * call gets its own connection, so a connection the server left unusable cannot affect other tests.
 */
export function rawHttp(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string | readonly string[]; agent?: Agent | false },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, method: options.method, headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A server may answer 413 and close before the whole body is written; once the response has resolved,
    // the resulting write error (EPIPE) rejects nothing.
    req.on('error', reject);
    const body = options.body;
    if (typeof body === 'string' || body === undefined) req.end(body);
    else {
      for (const piece of body) req.write(piece);
      req.end();
    }
  });
}

/** Rejects after `ms` with a message naming what never happened: a liveness guard, not a timing assertion. */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns true; a bounded loop, so a test fails instead of hanging. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, attempts = 100, intervalMs = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`never happened: ${what}`);
}

/** Fails when a body leaks internals: a stack frame or a source path. */
export function leaksInternals(text: string): boolean {
  return text.includes('    at ') || /(?:\/[\w.-]+)+\.(?:ts|js|mjs|cjs)\b/.test(text) || text.includes('node:internal') || text.includes('file://');
}
