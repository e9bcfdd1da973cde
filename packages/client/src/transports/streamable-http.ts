/**
 * The Streamable HTTP client transport for both eras: sessions with resumable SSE, and 2026-07-28 stateless POSTs.
 * @module
 */
import {
  ConnectionClosedError,
  DEFAULT_MAX_MESSAGE_BYTES,
  ErrorCode,
  InflightMap,
  type JsonRpcMessage,
  LazyAbortController,
  type JsonRpcNotification,
  type MessageInfo,
  MessageTooLargeError,
  ProtocolViolationError,
  type RequestId,
  SendError,
  SessionExpiredError,
  type Tool,
  type Transport,
  TransportStateError,
} from '@mcpkit/protocol';
import {
  type HttpRequestOptions,
  describeMessage,
  endSession,
  fetchWithAuth,
  httpErrorFor,
  mediaType,
  networkError,
  readSnippet,
  readText,
  rpcErrorIn,
} from './http-support.js';
import { type ToolSchemaLookup, postHeaders, validateHeaderAnnotations } from './mcp-headers.js';
import { type ReconnectOptions, type SseHost, readPostStream } from './sse-streams.js';
import { StandaloneStream } from './standalone-stream.js';

/** Options for {@link StreamableHttpClientTransport}. */
export interface StreamableHttpClientTransportOptions extends HttpRequestOptions {
  /** Reconnection of broken SSE streams (session era only: 2026-07-28 streams are not resumable). */
  reconnect?: ReconnectOptions;
  /** Open the session's standalone GET stream once initialized (session era). Default true. */
  openStandaloneStream?: boolean;
  /** A tool's latest `inputSchema`, for `Mcp-Param-*` headers (2026-07-28). */
  toolSchemas?: ToolSchemaLookup;
  /** The largest JSON body or SSE event accepted, in UTF-16 code units. Default 32 MiB. */
  maxMessageSize?: number;
}

/** One request whose answer has not arrived yet. */
interface Inflight {
  readonly id: RequestId;
  readonly what: string;
  /**
   * Aborts this request's fetch and stream (stateless cancellation); close() aborts it too. Lazy: its AbortSignal
   * is made only for a fetch that needs one, or an SSE answer.
   */
  readonly controller: LazyAbortController;
  answered: boolean;
}

const JSON_RPC_ERROR_BODY_LIMIT = 64 * 1024;

/**
 * A client transport over Streamable HTTP. The Client sets `era`, `protocolVersion` and `toolSchemas` as it
 * negotiates; every message is a POST, answered with JSON or an SSE stream.
 * @example
 * const transport = new StreamableHttpClientTransport('http://127.0.0.1:3000/mcp');
 * const peer = new Peer(transport);
 * await peer.start();
 */
export class StreamableHttpClientTransport implements Transport {
  readonly url: string;
  /** The session id from the `initialize` response (session era); sent on every later request. */
  sessionId?: string | undefined;
  /** The negotiated revision, sent as `MCP-Protocol-Version` on every request once set. */
  protocolVersion?: string | undefined;
  /** Which era's wire rules apply; the Client sets it. */
  era: 'session' | 'stateless' = 'session';
  /** A tool's latest `inputSchema`, for `Mcp-Param-*` headers. */
  toolSchemas: ToolSchemaLookup | undefined;
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;

  /**
   * The problems that make a tool unusable over Streamable HTTP (spec 2026-07-28 server/tools#x-mcp-header:
   * such tools are left out of `tools/list`). Safe to call unbound.
   */
  readonly validateTool = (tool: Tool): string[] => validateHeaderAnnotations(tool.inputSchema);

  readonly #options: StreamableHttpClientTransportOptions;
  readonly #host: SseHost;
  readonly #maxMessageSize: number;
  readonly #closing = new AbortController();
  // Not a Map: see InflightMap on what per-request Map churn costs a long-lived owner.
  readonly #inflight = new InflightMap<RequestId, Inflight>();
  readonly #standalone: StandaloneStream;
  /** The server forgot the session (a 404); only `initialize` may go out until a new one starts. */
  #expired = false;
  #closed = false;

  constructor(url: string | URL, options: StreamableHttpClientTransportOptions = {}) {
    this.url = String(url);
    this.#options = options;
    this.toolSchemas = options.toolSchemas;
    this.#maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES;
    const r = options.reconnect ?? {};
    const transport = this;
    this.#host = {
      get hasSession() {
        return transport.sessionId !== undefined;
      },
      url: this.url,
      reconnect: { maxRetries: r.maxRetries ?? 2, initialDelayMs: r.initialDelayMs ?? 1000, maxDelayMs: r.maxDelayMs ?? 30_000 },
      maxEventSize: this.#maxMessageSize,
      deliver: (message) => this.#deliver(message),
      report: (error) => this.#report(error),
      get: (lastEventId, signal) => this.#get(lastEventId, signal),
      getFailed: (response, what) => this.#getFailed(response, what),
    };
    this.#standalone = new StandaloneStream(this.#host, this.#closing.signal, (error) => this.#report(error));
  }

  /** Nothing to connect: HTTP opens per message. */
  async start(): Promise<void> {
    if (this.#closed) throw new TransportStateError(`The HTTP transport to ${this.url} is closed`);
  }

  /**
   * POSTs one message. Its answers arrive through `onmessage`, from the JSON body or the SSE stream.
   * @throws HttpError `MCPKIT_HTTP_ERROR` for a non-2xx status without a JSON-RPC answer, or no response;
   *   SessionExpiredError `MCPKIT_SESSION_EXPIRED` for a 404 on the session; ProtocolViolationError
   *   `MCPKIT_PROTOCOL_VIOLATION` for an unusable body; TransportStateError `MCPKIT_TRANSPORT_STATE` once closed;
   *   SendError `MCPKIT_SEND_FAILED` for a JSON-RPC response in the stateless era.
   */
  async send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed) throw new TransportStateError(`Cannot send ${describeMessage(message)}: the HTTP transport to ${this.url} is closed`);
    if (!('method' in message) && this.era === 'stateless') {
      throw new SendError(`Cannot send a ${describeMessage(message)}: 2026-07-28 clients send no JSON-RPC responses`);
    }
    if ('method' in message && !('id' in message) && message.method === 'notifications/cancelled') {
      const target = this.#cancelTarget(message);
      // spec 2026-07-28 basic/transports/streamable-http#cancellation: closing the stream is the cancellation.
      if (this.era === 'stateless') {
        target?.controller.abort('cancelled');
        return;
      }
      try {
        await this.#post(message);
      } finally {
        // Session era: the server was told; nothing more on that stream is wanted.
        target?.controller.abort('cancelled');
      }
      return;
    }
    await this.#post(message);
  }

  async #post(message: JsonRpcMessage): Promise<void> {
    if ('id' in message && 'method' in message) {
      const opened = this.#standalone.firstAnswer();
      if (opened !== undefined) await opened;
    }
    const what = describeMessage(message);
    if (this.#expired && this.era === 'session' && this.sessionId === undefined && !('method' in message && message.method === 'initialize')) {
      // Sending without the lost session id would get a confusing 400; the caller must initialize again.
      throw new SessionExpiredError(`Cannot send ${what}: the session with ${this.url} expired; initialize again`);
    }
    const inflight = 'method' in message && 'id' in message ? this.#track(message.id, what) : undefined;
    const signal = inflight?.controller ?? this.#closing.signal;
    const sentSession = this.era === 'session' ? this.sessionId : undefined;
    let response: Response;
    try {
      const headers = postHeaders(message, sentSession, this.protocolVersion, this.era === 'stateless', this.toolSchemas);
      response = await fetchWithAuth(this.#options, this.url, { method: 'POST', headers, body: JSON.stringify(message), signal });
    } catch (error) {
      this.#untrack(inflight);
      if (this.#closed) throw new ConnectionClosedError(`The HTTP transport closed before ${what} was answered`, { cause: error });
      if (signal.aborted) return; // cancelled: the engine has already settled the request
      throw networkError(`POST ${what}`, this.url, error);
    }
    try {
      await this.#onResponse(response, message, inflight, sentSession, what);
    } catch (error) {
      this.#untrack(inflight);
      if (this.#closed) throw new ConnectionClosedError(`The HTTP transport closed before ${what} was answered`, { cause: error });
      if (signal.aborted) return;
      throw error;
    }
  }

  async #onResponse(response: Response, message: JsonRpcMessage, inflight: Inflight | undefined, sentSession: string | undefined, what: string): Promise<void> {
    const method = 'method' in message ? message.method : undefined;
    if (method === 'initialize' && response.ok) {
      // spec 2025-11-25 transports#session-management: the id comes with the InitializeResult.
      const id = response.headers.get('mcp-session-id');
      if (id !== null && id !== '') this.sessionId = id;
      this.#expired = false;
    }
    if (response.status === 404 && sentSession !== undefined) {
      const error = this.#expireSession(response, `POST ${what}`);
      this.#report(error);
      throw error;
    }
    if (!response.ok) {
      const body = await readSnippet(response, JSON_RPC_ERROR_BODY_LIMIT);
      const rpc = rpcErrorIn(body);
      // A JSON-RPC error for this request (e.g. 2026-07-28's 400/-32020, 404/-32601) settles it as a ProtocolError;
      // 401/403 stay HttpErrors whatever the body, so an auth layer sees the status and the challenge.
      if (inflight && rpc && rpc.id === inflight.id && response.status !== 401 && response.status !== 403) {
        this.#deliver(rpc);
        this.#untrack(inflight);
        return;
      }
      throw httpErrorFor(response, `POST ${what}`, this.url, body);
    }
    if (method === 'notifications/initialized') this.#openStandalone();
    if (response.status === 202 || response.status === 204) {
      await response.body?.cancel().catch(() => undefined);
      if (!inflight) return;
      this.#untrack(inflight);
      // Session era: a non-conforming server may answer on the standalone stream; stateless has nowhere else.
      if (this.era === 'stateless') throw this.#violation(`${what} got HTTP ${response.status} with no response`);
      return;
    }
    const type = mediaType(response);
    if (type === 'text/event-stream') {
      this.#follow(response, inflight, what);
      return;
    }
    if (type === 'application/json') {
      await this.#readJson(response, inflight, what);
      return;
    }
    await response.body?.cancel().catch(() => undefined);
    if (inflight) throw this.#violation(`${what} was answered with Content-Type ${type || '(none)'}, not JSON or SSE`);
  }

  async #readJson(response: Response, inflight: Inflight | undefined, what: string): Promise<void> {
    let text: string;
    try {
      text = await readText(response, this.#maxMessageSize);
    } catch (error) {
      if (error instanceof MessageTooLargeError) throw this.#violation(`${what}: ${error.message}`, error);
      throw networkError(`Reading the response to ${what}`, this.url, error);
    }
    if (text.trim() !== '') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw this.#violation(`${what} was answered with invalid JSON: ${text.slice(0, 120)}`, error);
      }
      for (const m of Array.isArray(value) ? value : [value]) this.#deliver(m);
    }
    if (!inflight) return;
    const answered = inflight.answered;
    this.#untrack(inflight);
    if (!answered) throw this.#violation(`The JSON body answering ${what} holds no response for it`);
  }

  /** Reads an SSE answer in the background; a request it leaves unanswered gets a synthetic error. */
  #follow(response: Response, inflight: Inflight | undefined, what: string): void {
    const signal = inflight?.controller.signal ?? this.#closing.signal;
    const request = inflight
      ? { what, answered: () => inflight.answered, resumable: this.era === 'session' }
      : { what, resumable: false };
    readPostStream(this.#host, response, request, signal).then(
      (outcome) => {
        this.#untrack(inflight);
        if (outcome.kind !== 'failed' || this.#closed) return;
        if (inflight) this.#failRequest(inflight, outcome.error);
        else this.#report(outcome.error);
      },
      (error: unknown) => {
        this.#untrack(inflight);
        const e = error instanceof Error ? error : new Error(String(error));
        if (inflight) this.#failRequest(inflight, e);
        else this.#report(e);
      },
    );
  }

  /**
   * Settles a request whose stream failed: reports the cause, and delivers an error response so the caller's
   * promise rejects instead of waiting for its timeout. 2026-07-28 streams cannot be resumed; the spec has the
   * client re-issue the request with a new id (basic/transports/streamable-http#receiving-messages).
   */
  #failRequest(inflight: Inflight, error: Error): void {
    if (inflight.answered || this.#closed) return;
    this.#report(error);
    const advice = this.era === 'stateless' ? '; re-issue it as a new request' : '';
    const message = `${inflight.what} failed in transport: ${error.message}${advice}`;
    this.#deliver({ jsonrpc: '2.0', id: inflight.id, error: { code: ErrorCode.InternalError, message } });
  }

  #violation(message: string, cause?: unknown): ProtocolViolationError {
    const error = new ProtocolViolationError(message, { cause });
    this.#report(error);
    return error;
  }

  /** spec 2025-11-25 transports#session-management: a 404 on the session means it is gone. */
  #expireSession(response: Response, what: string): SessionExpiredError {
    void response.body?.cancel().catch(() => undefined);
    const old = this.sessionId;
    this.sessionId = undefined;
    this.#expired = true;
    this.#standalone.abort('session expired');
    return new SessionExpiredError(`${what} to ${this.url}: the server no longer knows session ${String(old)} (HTTP 404); initialize again`);
  }

  #get(lastEventId: string | undefined, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.sessionId !== undefined) headers['Mcp-Session-Id'] = this.sessionId;
    if (this.protocolVersion !== undefined) headers['MCP-Protocol-Version'] = this.protocolVersion;
    if (lastEventId !== undefined && lastEventId !== '') headers['Last-Event-ID'] = lastEventId;
    const answer = fetchWithAuth(this.#options, this.url, { method: 'GET', headers, signal });
    this.#standalone.sent(answer);
    return answer;
  }

  async #getFailed(response: Response, what: string): Promise<Error> {
    if (response.status === 404 && this.sessionId !== undefined) return this.#expireSession(response, what);
    return httpErrorFor(response, what, this.url, await readSnippet(response));
  }

  #openStandalone(): void {
    if (this.era !== 'session' || this.#options.openStandaloneStream === false || this.#closed) return;
    this.#standalone.open();
  }

  #track(id: RequestId, what: string): Inflight {
    // Not hooked to #closing (a listener per request): close() aborts every request it still tracks.
    const inflight: Inflight = { id, what, controller: new LazyAbortController(), answered: false };
    this.#inflight.set(id, inflight);
    return inflight;
  }

  #untrack(inflight: Inflight | undefined): void {
    if (!inflight) return;
    if (this.#inflight.get(inflight.id) === inflight) this.#inflight.delete(inflight.id);
  }

  #cancelTarget(message: JsonRpcNotification): Inflight | undefined {
    const id = message.params?.requestId;
    return typeof id === 'string' || typeof id === 'number' ? this.#inflight.get(id) : undefined;
  }

  #deliver(message: unknown): void {
    if (typeof message === 'object' && message !== null && 'id' in message) {
      if ('method' in message && this.era === 'stateless') {
        // spec 2026-07-28 streamable-http#receiving-messages: servers send no requests; answering one would POST a
        // response, which 2026-07-28 clients must not send either.
        this.#report(new ProtocolViolationError(`${this.url} sent a ${String(message.method)} request, which 2026-07-28 forbids`));
        return;
      }
      const inflight = 'method' in message ? undefined : this.#inflight.get((message as { id: RequestId }).id);
      if (inflight) inflight.answered = true;
    }
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #report(error: Error): void {
    try {
      this.onerror?.(error);
    } catch {
      // An error listener that throws has nowhere left to report to.
    }
  }

  /** Aborts every fetch and stream, ends the session with DELETE (session era; 405 is fine), then `onclose`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const reason = new ConnectionClosedError(`The HTTP transport to ${this.url} closed`);
    this.#closing.abort(reason);
    const inflight = [...this.#inflight.values()];
    this.#inflight.clear();
    for (const request of inflight) request.controller.abort(reason);
    if (this.era === 'session' && this.sessionId !== undefined) {
      await endSession(this.#options, this.url, this.sessionId, this.protocolVersion, (e) => this.#report(e));
    }
    try {
      this.onclose?.();
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
