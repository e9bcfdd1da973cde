/**
 * The request context a handler receives. It is the same object in both eras; an era adapter
 * ({@link Exchange}) decides what reaches the wire.
 * @module
 */
import {
  type ClientCapabilities,
  type CreateMessageParams,
  type CreateMessageResult,
  type ElicitParams,
  type ElicitResult,
  type Era,
  type Implementation,
  type InputRequest,
  type JsonObject,
  type LoggingLevel,
  type MessageInfo,
  type RequestId,
  type Root,
  LOGGING_LEVELS,
  type Cancellation,
  signalCancellation,
} from '@mcpkit/protocol';
import { requireCapability } from './capabilities.js';
import { type Principal, principalOf } from './middleware.js';
import { RequestMemo } from './stateless/memo.js';

/** What an era adapter provides for one incoming request. */
export interface Exchange {
  readonly era: Era;
  readonly protocolVersion: string;
  readonly requestId: RequestId;
  readonly signal: AbortSignal;
  /** The same cancellation without making an AbortSignal; absent where only a signal exists. */
  readonly cancellation?: Cancellation | undefined;
  readonly clientCapabilities: ClientCapabilities;
  readonly clientInfo: Implementation | undefined;
  readonly sessionId: string | undefined;
  /** The connection the request came on (session era); undefined for stateless requests. */
  readonly connectionId?: string | undefined;
  readonly info: MessageInfo | undefined;
  /** The request's `_meta`, if any. */
  readonly meta: JsonObject | undefined;
  /** The least severe level the client wants; undefined means "send nothing". */
  readonly logLevel: LoggingLevel | undefined;
  /** Sends a notification tied to this request. */
  notify(method: string, params: JsonObject): Promise<void>;
  /**
   * Asks the client for something: a server-to-client request (session era) or an MRTR round (stateless),
   * where `key` names the entry in `inputRequests` (generated when absent).
   */
  input(request: InputRequest, key?: string): Promise<JsonObject>;
  /** Turns the running request into a task, if this exchange can (tasks extension); see RequestContext.startTask. */
  startTask?(): Promise<boolean>;
  /** Values kept across the rounds of a multi round-trip request (stateless era); see RequestContext.once. */
  readonly memo?: RequestMemo | undefined;
}

/** Options for one ask of the client. */
export interface InputOptions {
  /**
   * The key of this ask in a stateless `input_required` result. Keys must be unique within the request and
   * stable across its retries; by default they are generated from the order of the asks.
   */
  key?: string;
}

const severity = new Map<LoggingLevel, number>(LOGGING_LEVELS.map((l, i) => [l, i]));

/** The context passed to tool, resource, prompt and completion handlers. */
export class RequestContext {
  readonly #x: Exchange;
  #memo: RequestMemo | undefined;

  constructor(exchange: Exchange) {
    this.#x = exchange;
  }

  /** Aborted when the client cancels, the connection closes, or the attempt ends (stateless era). */
  get signal(): AbortSignal {
    return this.#x.signal;
  }
  /**
   * The request's cancellation without an AbortSignal (making one costs microseconds): pass it on as
   * `cancellation` in request options when this handler calls another server (a proxy, a gateway).
   */
  get cancellation(): Cancellation {
    return this.#x.cancellation ?? signalCancellation(this.#x.signal);
  }
  get requestId(): RequestId {
    return this.#x.requestId;
  }
  get era(): Era {
    return this.#x.era;
  }
  get protocolVersion(): string {
    return this.#x.protocolVersion;
  }
  get clientCapabilities(): ClientCapabilities {
    return this.#x.clientCapabilities;
  }
  get clientInfo(): Implementation | undefined {
    return this.#x.clientInfo;
  }
  get sessionId(): string | undefined {
    return this.#x.sessionId;
  }
  /**
   * The connection this request came on: the HTTP session id, or a random id for a stdio or in-memory
   * connection. Undefined for stateless (2026-07-28) requests, which belong to no connection.
   */
  get connectionId(): string | undefined {
    return this.#x.connectionId;
  }
  /** Whether the client declared a capability for this request (e.g. check before `listRoots()`). */
  supports(capability: 'sampling' | 'elicitation' | 'roots'): boolean {
    const v = this.#x.clientCapabilities[capability];
    return typeof v === 'object' && v !== null;
  }
  /** Transport details: HTTP headers, verified auth info. */
  get info(): MessageInfo | undefined {
    return this.#x.info;
  }
  get meta(): JsonObject | undefined {
    return this.#x.meta;
  }
  /** Who sent the request, when an HTTP auth verifier ran (see `HttpHandlerOptions.auth`). */
  get principal(): Principal | undefined {
    return principalOf(this.#x.info);
  }
  /** The principal's scopes; empty when no auth ran. */
  get scopes(): readonly string[] {
    return principalOf(this.#x.info)?.scopes ?? [];
  }
  /** W3C trace context from the request's `_meta` (`traceparent`, `tracestate`, `baggage`), if any. */
  get traceContext(): { traceparent?: string; tracestate?: string; baggage?: string } | undefined {
    const m = this.#x.meta;
    if (!m || typeof m.traceparent !== 'string') return undefined;
    const out: { traceparent?: string; tracestate?: string; baggage?: string } = { traceparent: m.traceparent };
    if (typeof m.tracestate === 'string') out.tracestate = m.tracestate;
    if (typeof m.baggage === 'string') out.baggage = m.baggage;
    return out;
  }

  /** Reports progress if the client asked for it (a progress token in `_meta`); otherwise does nothing. */
  async progress(progress: number, total?: number, message?: string): Promise<void> {
    const token = this.#x.meta?.progressToken;
    if (typeof token !== 'string' && typeof token !== 'number') return;
    const params: JsonObject = { progressToken: token, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    await this.#x.notify('notifications/progress', params);
  }

  /** Sends a `notifications/message` log entry if the client's level lets it through. */
  async log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    const min = this.#x.logLevel;
    if (min === undefined || (severity.get(level) ?? 0) < (severity.get(min) ?? 0)) return;
    const params: JsonObject = { level, data };
    if (logger !== undefined) params.logger = logger;
    await this.#x.notify('notifications/message', params);
  }

  /**
   * Asks the user for input (form or URL mode).
   * @throws ProtocolError when the client did not declare the elicitation capability (or its URL mode).
   */
  async elicit(params: ElicitParams, options?: InputOptions): Promise<ElicitResult> {
    const mode = params.mode ?? 'form';
    requireCapability(this.#x, 'elicitation', mode);
    let wire = params as unknown as JsonObject;
    // `mode` arrived in 2025-11-25; older clients only know form mode and a strict one may reject the field.
    if (mode === 'form' && this.#x.protocolVersion < '2025-11-25' && 'mode' in params) {
      const { mode: _omit, ...rest } = params;
      wire = rest as unknown as JsonObject;
    }
    return (await this.#x.input({ method: 'elicitation/create', params: wire }, options?.key)) as unknown as ElicitResult;
  }

  /**
   * Asks the client's LLM for a completion.
   * @throws ProtocolError when the client did not declare the sampling capability.
   */
  async sample(params: CreateMessageParams, options?: InputOptions): Promise<CreateMessageResult> {
    requireCapability(this.#x, 'sampling');
    const request: InputRequest = { method: 'sampling/createMessage', params: params as JsonObject };
    return (await this.#x.input(request, options?.key)) as unknown as CreateMessageResult;
  }

  /**
   * The client's roots.
   * @throws ProtocolError when the client did not declare the roots capability.
   */
  async listRoots(options?: InputOptions): Promise<Root[]> {
    requireCapability(this.#x, 'roots');
    const result = await this.#x.input({ method: 'roots/list', params: {} }, options?.key);
    return Array.isArray(result.roots) ? (result.roots as Root[]) : [];
  }

  /**
   * Runs `fn` once per request and remembers its result under `key`. In the 2026-07-28 era a handler runs again
   * from the top after `elicit()`, `sample()` or `listRoots()` needed an answer (each round is a new attempt);
   * the value travels in the signed `requestState`, so later rounds get it back without running `fn` again.
   * Put side effects (a payment, an email, an insert) behind it. In the session era the handler runs once
   * and this simply runs `fn`. The value must be JSON (or undefined) and small; it is signed, not encrypted,
   * so the client can read it: keep secrets out. A throwing `fn` is not remembered.
   * @throws TypeError when `fn` returns something that is not JSON.
   * @example
   * const order = await ctx.once('order', () => shop.placeOrder(cart)); // placed once, however many rounds
   * const ok = await ctx.elicit({ message: `Pay ${order.total}?`, requestedSchema: { type: 'object', properties: {} } });
   */
  once<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const memo = this.#x.memo ?? (this.#memo ??= new RequestMemo());
    return memo.once(key, fn);
  }

  /**
   * Makes this tool call a task now (tools registered with `task: { support, start: 'manual' }`): the client
   * gets a CreateTaskResult and the handler goes on in the background; later asks park the task in
   * `input_required`. Resolves false, and the call stays synchronous, when the client did not opt in.
   */
  startTask(): Promise<boolean> {
    return this.#x.startTask?.() ?? Promise.resolve(false);
  }

  /**
   * Ends the HTTP stream carrying this request while the request goes on; the client resumes with
   * Last-Event-ID (session era, HTTP with an event store: SSE polling). Elsewhere it does nothing.
   */
  closeStream(): void {
    this.#x.info?.closeStream?.();
  }

  /** Sends any notification tied to this request (advanced use). */
  notify(method: string, params: JsonObject = {}): Promise<void> {
    return this.#x.notify(method, params);
  }
}
