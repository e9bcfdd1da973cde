/**
 * A raw Streamable HTTP client for wire-level tests: plain fetch, and every JSON-RPC message the server sends
 * (a JSON body, or each SSE `data:` event) recorded in a {@link Transcript} with the request it answers.
 * @module
 */
import { POST_HEADERS, SseReader } from './http.js';
import type { Revision } from './schema-oracle.js';

export type WireMessage = Record<string, unknown>;
type Id = string | number;

/** One message the server sent. */
export interface Emitted {
  readonly revision: Revision;
  readonly message: WireMessage;
  /** The method of the request this message answers (responses only). */
  readonly answers: string | undefined;
}

/** Everything the server sent during one test. */
export class Transcript {
  readonly emitted: Emitted[] = [];
  record(entry: Emitted): void {
    this.emitted.push(entry);
  }
}

export const STATELESS_REVISION = '2026-07-28';
const CLIENT_INFO = { name: 'mcpkit-schema-suite', version: '0.0.0' };

let counter = 0;
/** Session-era ids are numbers, stateless ones strings, so both id types reach the oracle. */
const nextId = (kind: 'number' | 'string'): Id => (kind === 'number' ? ++counter : `req-${++counter}`);

/** The server's side of one HTTP exchange, read message by message. */
export class Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly isSse: boolean;
  readonly #response: Response;
  readonly #revision: Revision;
  readonly #transcript: Transcript;
  readonly #id: Id | undefined;
  readonly #method: string | undefined;
  readonly #controller: AbortController;
  #sse: SseReader | undefined;
  #jsonRead = false;

  constructor(response: Response, revision: Revision, transcript: Transcript, controller: AbortController, request?: { id: Id; method: string }) {
    this.#response = response;
    this.status = response.status;
    this.headers = response.headers;
    this.isSse = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    this.#revision = revision;
    this.#transcript = transcript;
    this.#controller = controller;
    this.#id = request?.id;
    this.#method = request?.method;
  }

  /** The id of the request this exchange carries, if any. */
  get id(): Id | undefined {
    return this.#id;
  }

  #record(message: WireMessage): WireMessage {
    const isResponse = !('method' in message);
    const answers = isResponse && this.#id !== undefined && message.id === this.#id ? this.#method : undefined;
    this.#transcript.record({ revision: this.#revision, message, answers });
    return message;
  }

  /** The next message, or undefined when the body has ended. */
  async next(): Promise<WireMessage | undefined> {
    if (this.isSse) {
      this.#sse ??= new SseReader(this.#response.body!);
      const message = await this.#sse.nextMessage();
      return message === undefined ? undefined : this.#record(message);
    }
    if (this.#jsonRead) return undefined;
    this.#jsonRead = true;
    const text = await this.#response.text();
    return text.trim() === '' ? undefined : this.#record(JSON.parse(text) as WireMessage);
  }

  /** Reads messages until one matches; fails if the body ends first. */
  async until(predicate: (m: WireMessage) => boolean, what: string): Promise<WireMessage> {
    for (;;) {
      const m = await this.next();
      if (m === undefined) throw new Error(`the server's body ended before ${what}`);
      if (predicate(m)) return m;
    }
  }

  /** Reads the rest of the body. */
  async rest(): Promise<WireMessage[]> {
    const out: WireMessage[] = [];
    for (let m = await this.next(); m !== undefined; m = await this.next()) out.push(m);
    return out;
  }

  /** Reads the rest of the body and returns the response to this exchange's request. */
  async response(): Promise<WireMessage> {
    const all = await this.rest();
    const found = all.find((m) => !('method' in m) && m.id === this.#id);
    if (!found) throw new Error(`no response to ${this.#method} ${String(this.#id)} in ${JSON.stringify(all).slice(0, 400)}`);
    return found;
  }

  /** Stops reading and drops the connection (ends a long-lived stream from the client's side). */
  async cancel(): Promise<void> {
    await this.#sse?.cancel();
    this.#controller.abort();
  }
}

export interface PostOptions {
  headers?: Record<string, string>;
  revision: Revision;
  transcript: Transcript;
  request?: { id: Id; method: string };
  method?: 'POST' | 'GET' | 'DELETE';
}

/** Sends one raw HTTP request to the MCP endpoint. */
export async function send(url: string, body: string | undefined, options: PostOptions): Promise<Exchange> {
  const controller = new AbortController();
  const method = options.method ?? 'POST';
  const headers: Record<string, string> = method === 'POST' ? { ...POST_HEADERS, ...options.headers } : { accept: 'text/event-stream', ...options.headers };
  const init: RequestInit = { method, headers, signal: controller.signal };
  if (body !== undefined) init.body = body;
  const response = await fetch(url, init);
  return new Exchange(response, options.revision, options.transcript, controller, options.request);
}

/** A session-era client: `initialize`, `notifications/initialized`, then requests on the session. */
export class SessionClient {
  readonly url: string;
  readonly revision: Revision;
  readonly transcript: Transcript;
  readonly sessionId: string;
  readonly initializeResult: WireMessage;

  private constructor(url: string, revision: Revision, transcript: Transcript, sessionId: string, init: WireMessage) {
    this.url = url;
    this.revision = revision;
    this.transcript = transcript;
    this.sessionId = sessionId;
    this.initializeResult = init;
  }

  static async connect(url: string, revision: Revision, transcript: Transcript, capabilities: WireMessage = {}): Promise<SessionClient> {
    const id = nextId('number');
    const params = { protocolVersion: revision, capabilities, clientInfo: CLIENT_INFO };
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params });
    const exchange = await send(url, body, { revision, transcript, request: { id, method: 'initialize' } });
    const response = await exchange.response();
    const sessionId = exchange.headers.get('mcp-session-id');
    if (exchange.status !== 200 || sessionId === null) throw new Error(`initialize failed: ${exchange.status} ${JSON.stringify(response)}`);
    const client = new SessionClient(url, revision, transcript, sessionId, response);
    const ack = await client.notify('notifications/initialized');
    if (ack !== 202) throw new Error(`notifications/initialized answered ${ack}`);
    return client;
  }

  headers(): Record<string, string> {
    return { 'mcp-session-id': this.sessionId, 'mcp-protocol-version': this.revision };
  }

  /** Sends a request; read the server's messages from the returned exchange. */
  async request(method: string, params?: WireMessage): Promise<Exchange> {
    const id = nextId('number');
    const body = JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return send(this.url, body, { revision: this.revision, transcript: this.transcript, headers: this.headers(), request: { id, method } });
  }

  /** Sends a notification; returns the HTTP status. */
  async notify(method: string, params?: WireMessage): Promise<number> {
    const body = JSON.stringify(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
    const exchange = await send(this.url, body, { revision: this.revision, transcript: this.transcript, headers: this.headers() });
    await exchange.rest();
    return exchange.status;
  }

  /** Answers a server-to-client request; returns the HTTP status. */
  async answer(id: unknown, result: WireMessage): Promise<number> {
    const exchange = await send(this.url, JSON.stringify({ jsonrpc: '2.0', id, result }), {
      revision: this.revision,
      transcript: this.transcript,
      headers: this.headers(),
    });
    await exchange.rest();
    return exchange.status;
  }

  /** Opens the standalone GET stream. */
  openStream(): Promise<Exchange> {
    return send(this.url, undefined, { method: 'GET', revision: this.revision, transcript: this.transcript, headers: this.headers() });
  }

  async close(): Promise<void> {
    const exchange = await send(this.url, undefined, { method: 'DELETE', revision: this.revision, transcript: this.transcript, headers: this.headers() });
    await exchange.rest();
  }
}

/** Methods whose `Mcp-Name` header mirrors a body field (spec 2026-07-28 basic/transports/streamable-http). */
const NAME_FIELD: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** The routing headers a 2026-07-28 request needs, derived from its body. */
export function statelessHeaders(method: string, params: WireMessage | undefined): Record<string, string> {
  const meta = params?._meta as WireMessage | undefined;
  const headers: Record<string, string> = { 'mcp-protocol-version': String(meta?.['io.modelcontextprotocol/protocolVersion']), 'mcp-method': method };
  const field = Object.hasOwn(NAME_FIELD, method) ? NAME_FIELD[method] : undefined;
  if (field !== undefined && typeof params?.[field] === 'string') headers['mcp-name'] = params[field];
  return headers;
}

export interface StatelessOptions {
  capabilities?: WireMessage;
  /** Extra `_meta` entries (progressToken, logLevel, or a different protocolVersion). */
  meta?: WireMessage;
  /** Header overrides, applied after the derived headers. */
  headers?: Record<string, string>;
}

/** A 2026-07-28 client: every request carries its own `_meta` and routing headers. */
export class StatelessClient {
  readonly url: string;
  readonly transcript: Transcript;

  constructor(url: string, transcript: Transcript) {
    this.url = url;
    this.transcript = transcript;
  }

  async request(method: string, params: WireMessage = {}, options: StatelessOptions = {}): Promise<Exchange> {
    const id = nextId('string');
    const _meta = {
      'io.modelcontextprotocol/protocolVersion': STATELESS_REVISION,
      'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
      'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
      ...options.meta,
    };
    const full = { ...params, _meta };
    const headers = { ...statelessHeaders(method, full), ...options.headers };
    return send(this.url, JSON.stringify({ jsonrpc: '2.0', id, method, params: full }), {
      revision: STATELESS_REVISION,
      transcript: this.transcript,
      headers,
      request: { id, method },
    });
  }
}
