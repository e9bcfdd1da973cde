/**
 * A connection over a {@link Transport} (stdio, in-memory, one HTTP session). It serves the session era
 * (`initialize`, then requests) and, per message, stateless 2026-07-28 requests that carry their own `_meta`.
 * @module
 */
import {
  type Cancellation,
  type ClientCapabilities,
  type Implementation,
  type IncomingRequestContext,
  type InputRequest,
  type JsonObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type LoggingLevel,
  type MessageInfo,
  type RequestId,
  type RequestOptions,
  type Root,
  type Transport,
  ErrorCode,
  LOGGING_LEVELS,
  META_PROTOCOL_VERSION,
  Peer,
  ProtocolError,
  invalidParams,
  isSessionRevision,
  negotiateSessionRevision,
} from '@mcpkit/protocol';
import type { ChangeListener, ServerCore } from '../core.js';
import type { Exchange } from '../context.js';
import { handlerFor } from '../dispatch.js';
import { executeStateless, readStatelessMeta } from '../stateless/execute.js';
import { openListen } from '../stateless/listen.js';
import { runMiddleware } from '../middleware.js';
import type { SessionState, SessionStatePatch } from '../http/session-state-store.js';

const levels: ReadonlySet<string> = new Set(LOGGING_LEVELS);
const DEFAULT_INPUT_TIMEOUT_MS = 5 * 60_000;

class SessionExchange implements Exchange {
  readonly era = 'session' as const;
  readonly #session: ServerSession;
  readonly #ctx: IncomingRequestContext;
  readonly meta: JsonObject | undefined;

  constructor(session: ServerSession, ctx: IncomingRequestContext, meta: JsonObject | undefined) {
    this.#session = session;
    this.#ctx = ctx;
    this.meta = meta;
  }
  get protocolVersion(): string {
    return this.#session.protocolVersion ?? '2025-03-26';
  }
  get requestId(): RequestId {
    return this.#ctx.requestId;
  }
  get signal(): AbortSignal {
    return this.#ctx.signal;
  }
  get cancellation(): Cancellation {
    return this.#ctx.cancellation;
  }
  get clientCapabilities(): ClientCapabilities {
    return this.#session.clientCapabilities;
  }
  get clientInfo(): Implementation | undefined {
    return this.#session.clientInfo;
  }
  get sessionId(): string | undefined {
    return this.#session.sessionId;
  }
  get connectionId(): string | undefined {
    return this.#session.sessionId ?? this.#session.connectionId;
  }
  get info(): MessageInfo | undefined {
    return this.#ctx.info;
  }
  get logLevel(): LoggingLevel | undefined {
    return this.#session.logLevel;
  }
  notify(method: string, params: JsonObject): Promise<void> {
    if (this.#ctx.signal.aborted) return Promise.resolve();
    return this.#ctx.notify(method, params);
  }
  async input(request: InputRequest): Promise<JsonObject> {
    // Session era: a real request on the session; `key` only matters to stateless rounds.
    try {
      return await this.#ctx.request(request.method, request.params, { signal: this.#ctx.signal, timeoutMs: this.#session.inputTimeoutMs });
    } catch (error) {
      // The client's error is about its own request, not this one: the handler sees a plain failure (a tool
      // call becomes isError) rather than passing the client's code off as an answer to tools/call.
      if (error instanceof ProtocolError) {
        throw new Error(`The client failed ${request.method}: ${error.message} (${error.code})`, { cause: error });
      }
      throw error;
    }
  }
}

function isStatelessRequest(params: JsonObject | undefined): boolean {
  const meta = params?._meta;
  return typeof meta === 'object' && meta !== null && META_PROTOCOL_VERSION in meta;
}

/** How `McpServer.connect()` sets up a connection. */
export interface ConnectOptions {
  /** Requests sent to the client get string ids with this prefix (unique across replicas serving one session). */
  requestIdPrefix?: string;
}

/** One client connection. Created by `McpServer.connect()`. */
export class ServerSession {
  readonly peer: Peer;
  readonly #core: ServerCore;
  /** Negotiated session-era revision; undefined until `initialize`. */
  protocolVersion: string | undefined;
  clientCapabilities: ClientCapabilities = {};
  clientInfo: Implementation | undefined;
  /** Least severe log level the client wants (`logging/setLevel`); everything until it says otherwise. */
  logLevel: LoggingLevel = 'debug';
  readonly subscriptions = new Set<string>();
  readonly inputTimeoutMs: number;
  /** Called when the client's roots change (`notifications/roots/list_changed`). */
  onRootsChanged: (() => void) | undefined;
  /**
   * Set where replicas share session state (sealed HTTP sessions with a state store): a client's change is
   * shared before it applies here (its answer waits for it), and resource updates reach the session from the
   * replica holding its GET stream rather than through this session's change listener. Undefined: local only.
   */
  shareState: ((patch: SessionStatePatch) => Promise<void>) | undefined;
  #initialized = false;
  #listener: ChangeListener;
  #listens = new Map<RequestId, () => void>();

  constructor(core: ServerCore, transport: Transport, options: ConnectOptions = {}) {
    this.#core = core;
    this.inputTimeoutMs = core.options.inputTimeoutMs ?? DEFAULT_INPUT_TIMEOUT_MS;
    this.peer = new Peer(transport, {
      ...(options.requestIdPrefix === undefined ? {} : { requestIdPrefix: options.requestIdPrefix }),
      onRequest: (request, ctx) => this.#onRequest(request, ctx),
      onNotification: (n) => this.#onNotification(n),
      onError: (error) => core.report(error, 'connection'),
    });
    const ready = () => this.#initialized;
    this.#listener = {
      get tools() {
        return ready();
      },
      get prompts() {
        return ready();
      },
      get resources() {
        return ready();
      },
      // With shared state the cluster fan-out (http/shared-session-state.ts) delivers updates, exactly once.
      wantsResource: (uri) => this.shareState === undefined && this.subscriptions.has(uri),
      send: (method, params) => {
        void this.peer.notify(method, params).catch((e: unknown) => core.report(e, `sending ${method}`));
      },
    };
    core.listeners.add(this.#listener);
    const sink = (level: LoggingLevel, params: JsonObject) => {
      if (!this.initialized || LOGGING_LEVELS.indexOf(level) < LOGGING_LEVELS.indexOf(this.logLevel)) return;
      void this.peer.notify('notifications/message', params).catch((e: unknown) => core.report(e, 'sending a log message'));
    };
    const closer = () => void this.close();
    core.logSinks.add(sink);
    core.closers.add(closer);
    this.peer.onClose(() => {
      core.logSinks.delete(sink);
      core.closers.delete(closer);
      core.listeners.delete(this.#listener);
      for (const stop of this.#listens.values()) stop();
      this.#listens.clear();
      for (const uri of this.subscriptions) core.watchResource(uri, -1);
      this.subscriptions.clear();
    });
  }

  get sessionId(): string | undefined {
    return this.peer.transport.sessionId;
  }

  /** Identifies this connection among the server's (the HTTP session id, or a random id for stdio/in-memory). */
  readonly connectionId: string = crypto.randomUUID();

  /** Whether `initialize` has completed. */
  get initialized(): boolean {
    return this.protocolVersion !== undefined;
  }

  start(): Promise<void> {
    return this.peer.start();
  }

  close(): Promise<void> {
    return this.peer.close();
  }

  /** Sends a request to the client outside any incoming request (session era only). */
  request(method: string, params?: JsonObject, options?: RequestOptions): Promise<JsonObject> {
    return this.peer.request(method, params, options);
  }

  /** The client's roots (session era). */
  async listRoots(options?: RequestOptions): Promise<Root[]> {
    const r = await this.peer.request('roots/list', {}, options);
    return Array.isArray(r.roots) ? (r.roots as Root[]) : [];
  }

  #onNotification(n: JsonRpcNotification): void {
    if (n.method === 'notifications/initialized') this.#initialized = true;
    else if (n.method === 'notifications/roots/list_changed') {
      this.onRootsChanged?.();
      for (const l of this.#core.rootsListeners) l(this.connectionId);
    }
  }

  // Not async, nor is #sessionRequest: the peer takes a value, a promise or a throw, and an async function that
  // returns another's promise pays two extra microtask turns and their allocations on every request.
  #onRequest(request: JsonRpcRequest, ctx: IncomingRequestContext): Promise<JsonObject> | JsonObject {
    const params = request.params;
    // Era detection, once per message: a request with its own protocol version in `_meta` is stateless.
    if (isStatelessRequest(params)) return this.#stateless(request, ctx);
    const chain = this.#core.middleware;
    if (chain.length === 0) return this.#sessionRequest(request.method, params, ctx);
    const entry = {
      method: request.method,
      params: params ?? {},
      era: 'session' as const,
      protocolVersion: this.protocolVersion,
      requestId: request.id,
      sessionId: this.sessionId,
      info: ctx.info,
      signal: () => ctx.signal,
    };
    return runMiddleware(chain, entry, (p) => this.#sessionRequest(request.method, p, ctx));
  }

  #sessionRequest(method: string, params: JsonObject | undefined, ctx: IncomingRequestContext): Promise<JsonObject> | JsonObject {
    const core = this.#core;
    switch (method) {
      case 'initialize':
        return this.#initialize(params ?? {});
      case 'ping':
        return {};
    }
    if (!this.initialized) {
      throw new ProtocolError(ErrorCode.InvalidRequest, `Invalid request: ${method} before initialize; send initialize first`);
    }
    // A client sends other requests only after `notifications/initialized` (spec lifecycle#initialization),
    // which a load balancer may have taken to another replica than the one that answered initialize.
    this.#initialized = true;
    switch (method) {
      case 'logging/setLevel': {
        const level = params?.level;
        if (typeof level !== 'string' || !levels.has(level)) throw invalidParams('params.level', `must be one of ${LOGGING_LEVELS.join(', ')}`);
        if (this.shareState !== undefined) {
          return this.shareState({ logLevel: level as LoggingLevel }).then(() => {
            this.logLevel = level as LoggingLevel;
            return {};
          });
        }
        this.logLevel = level as LoggingLevel;
        return {};
      }
      case 'resources/subscribe':
      case 'resources/unsubscribe': {
        const uri = params?.uri;
        if (typeof uri !== 'string') throw invalidParams('params.uri', 'must be a string');
        if (core.resources.size + core.templates.size === 0) throw new ProtocolError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
        const patch: SessionStatePatch = method === 'resources/subscribe' ? { subscribe: uri } : { unsubscribe: uri };
        if (this.shareState !== undefined) {
          return this.shareState(patch).then(() => {
            this.applyState(patch);
            return {};
          });
        }
        this.applyState(patch);
        return {};
      }
    }
    const handler = handlerFor(core, method);
    if (!handler) throw new ProtocolError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
    return handler(core, params ?? {}, new SessionExchange(this, ctx, params?._meta as JsonObject | undefined));
  }

  /**
   * Puts a fresh session in the state `initialize` (with these params) and `notifications/initialized` would
   * have left it in: how a replica takes over a sealed session another one opened.
   * @throws ProtocolError when the params are not an initialize this server accepts.
   */
  restore(initialize: JsonObject): void {
    this.#initialize(initialize);
    this.#initialized = true;
  }

  /** Applies a change the client made (here, or on another replica serving this session). */
  applyState(patch: SessionStatePatch | SessionState): void {
    if (patch.logLevel !== undefined) this.logLevel = patch.logLevel;
    if ('subscriptions' in patch) for (const uri of patch.subscriptions) this.#subscribe(uri);
    else if (patch.subscribe !== undefined) this.#subscribe(patch.subscribe);
    else if (patch.unsubscribe !== undefined && this.subscriptions.delete(patch.unsubscribe)) this.#core.watchResource(patch.unsubscribe, -1);
  }

  #subscribe(uri: string): void {
    if (this.subscriptions.has(uri)) return;
    this.subscriptions.add(uri);
    this.#core.watchResource(uri, 1);
  }

  #initialize(params: JsonObject): JsonObject {
    if (this.initialized) throw new ProtocolError(ErrorCode.InvalidRequest, 'Invalid request: the session is already initialized');
    const requested = params.protocolVersion;
    if (typeof requested !== 'string') throw invalidParams('params.protocolVersion', 'must be a string');
    const caps = params.capabilities;
    if (caps !== undefined && (typeof caps !== 'object' || caps === null || Array.isArray(caps))) throw invalidParams('params.capabilities', 'must be an object');
    const supported = this.#core.revisions.filter(isSessionRevision);
    if (supported.length === 0) {
      throw new ProtocolError(ErrorCode.UnsupportedProtocolVersion, 'This server speaks only the stateless protocol', {
        supported: [...this.#core.revisions],
        requested,
      });
    }
    this.protocolVersion = negotiateSessionRevision(requested, supported);
    this.clientCapabilities = (caps ?? {}) as ClientCapabilities;
    const info = params.clientInfo;
    this.clientInfo = typeof info === 'object' && info !== null ? (info as Implementation) : undefined;
    const capabilities = this.#core.capabilities();
    // Completions arrived in 2025-03-26.
    if (this.protocolVersion < '2025-03-26') delete capabilities.completions;
    const result: JsonObject = {
      protocolVersion: this.protocolVersion,
      capabilities,
      serverInfo: this.#core.info,
    };
    if (this.#core.options.instructions !== undefined) result.instructions = this.#core.options.instructions;
    return result;
  }

  async #stateless(request: JsonRpcRequest, ctx: IncomingRequestContext): Promise<JsonObject> {
    const core = this.#core;
    const call = { request, cancellation: ctx.cancellation, info: ctx.info, notify: (m: string, p: JsonObject) => ctx.notify(m, p) };
    if (request.method !== 'subscriptions/listen') return await executeStateless(core, call);
    if (core.middleware.length === 0) return this.#listen(request, ctx);
    const entry = {
      method: request.method,
      params: request.params ?? {},
      era: 'stateless' as const,
      protocolVersion: readStatelessMeta(core, request.params).protocolVersion,
      requestId: request.id,
      sessionId: undefined,
      info: ctx.info,
      signal: () => ctx.signal,
    };
    return runMiddleware(core.middleware, entry, (params) => this.#listen({ ...request, params }, ctx));
  }

  async #listen(request: JsonRpcRequest, ctx: IncomingRequestContext): Promise<JsonObject> {
    const core = this.#core;
    const sub = openListen(core, request.id, request.params ?? {}, readStatelessMeta(core, request.params).clientCapabilities, (n) => {
      void this.peer.notify(n.method, n.params).catch((e: unknown) => core.report(e, `sending ${n.method}`));
    });
    await this.peer.notify(sub.acknowledgement.method, sub.acknowledgement.params);
    // The request stays open until the client cancels it or the connection ends.
    return new Promise<JsonObject>((resolve) => {
      const stop = () => {
        sub.close();
        this.#listens.delete(request.id);
        resolve(sub.finalResult);
      };
      this.#listens.set(request.id, stop);
      ctx.signal.addEventListener('abort', stop, { once: true });
    });
  }
}
