/**
 * Client: connects to an MCP server in whichever era it speaks (2026-07-28 first, then the session era),
 * and offers typed calls for every server feature with one handler API for what servers ask of clients.
 * @module
 */
import {
  copyObject,
  type CallToolResult,
  type ClientCapabilities,
  type CompleteResult,
  type GetPromptResult,
  type Implementation,
  type JsonObject,
  type LoggingLevel,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
  type Transport,
  ConnectionClosedError,
  DEFAULT_REQUEST_TIMEOUT_MS,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_LOG_LEVEL,
  META_PROTOCOL_VERSION,
  Peer,
  ProtocolViolationError,
  SessionExpiredError,
  TransportStateError,
} from '@mcpkit/protocol';
import { type ClientHandlers, capabilitiesFor, withElicitationDefaults } from './handlers.js';
import { type Negotiated, negotiate } from './negotiate.js';
import { Emitter } from './events.js';
import { type ListKind, ListCache } from './list-cache.js';
import { checkToolResult } from './output-schema.js';
import { runWithInput } from './mrtr.js';
import { Subscriptions } from './subscriptions.js';
import { type ToolTask, requireTasks, startToolTask, withTasksExtension } from './tasks.js';
import { answerServerRequest, dispatchNotification } from './server-messages.js';
import { connectDeadline } from './connect-deadline.js';
import { type CallOptions, type ClientEvents, type ClientOptions, type ConnectOptions, type HttpLike } from './client-types.js';

export type { CallOptions, ClientEvents, ClientOptions, ConnectOptions } from './client-types.js';

/**
 * An MCP client.
 * @example
 * const client = new Client({ name: 'my-host', version: '1.0.0' });
 * await client.connect(new StdioClientTransport({ command: 'mcpkit-everything' }));
 * const { content } = await client.callTool('echo', { text: 'hi' });
 */
export class Client {
  readonly info: Implementation;
  readonly options: ClientOptions;
  readonly capabilities: ClientCapabilities;
  readonly #events = new Emitter<ClientEvents>((e) => this.#emitError(e instanceof Error ? e : new Error(String(e))));
  #emittingError = false;
  readonly #cache = new ListCache();
  #peer: Peer | undefined;
  #transport: (Transport & HttpLike) | undefined;
  #negotiated: Negotiated | undefined;
  #logLevel: LoggingLevel | undefined;
  #tools = new Map<string, Tool>();
  #subscriptions: Subscriptions | undefined;
  readonly #handlers: ClientHandlers;
  /** Per-request handlers of the requests in flight (CallOptions.handlers). */
  readonly #callHandlers = new Set<ClientHandlers>();

  constructor(info: Implementation, options: ClientOptions = {}) {
    this.info = info;
    this.options = options;
    this.#handlers = options.applyElicitationDefaults ? withElicitationDefaults(options.handlers ?? {}) : (options.handlers ?? {});
    this.capabilities = capabilitiesFor(options.handlers ?? {}, options.capabilities, options.urlElicitation ?? false);
    this.#cache.enabled = options.cache ?? true;
  }

  /** Emits `error`; an `error` listener that throws is logged, not re-emitted (that would recurse without end). */
  #emitError(error: Error): void {
    if (this.#emittingError) {
      console.error('[mcpkit] a client "error" listener threw:', error);
      return;
    }
    this.#emittingError = true;
    try {
      this.#events.emit('error', error);
    } finally {
      this.#emittingError = false;
    }
  }

  /** Listens to client events; returns an unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** The era, revision, capabilities and identity the server negotiated. */
  get server(): Negotiated | undefined {
    return this.#negotiated;
  }

  get era(): 'session' | 'stateless' | undefined {
    return this.#negotiated?.era;
  }

  /**
   * Connects over a started-or-not transport and negotiates the era.
   * @throws ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` when no revision is shared; transport errors
   *   (`MCPKIT_HTTP_ERROR`, `MCPKIT_PROCESS_EXITED`, `MCPKIT_TIMEOUT`) when the server cannot be reached.
   */
  async connect(transport: Transport, options: ConnectOptions = {}): Promise<Negotiated> {
    if (this.#peer && !this.#peer.closed) throw new TransportStateError('Client is already connected');
    this.#cache.clear();
    // Output schemas belong to the server they came from.
    this.#tools = new Map();
    const t = transport as Transport & HttpLike;
    this.#transport = t;
    const peer = new Peer(transport, {
      onRequest: (request, ctx) => answerServerRequest(request, ctx, this.#handlers, this.#callHandlers),
      onNotification: (n) => dispatchNotification(n, this.#cache, this.#events, this.#subscriptions),
      onError: (e) => this.#emitError(e),
      replyToMalformed: false,
    });
    this.#peer = peer;
    peer.onClose(() => {
      this.#subscriptions?.stop();
      this.#events.emit('close', undefined);
    });
    if ('toolSchemas' in t) t.toolSchemas = (name) => this.#tools.get(name)?.inputSchema;
    const { giveUp, timer } = connectDeadline(options);
    try {
      // giveUp first: when both have settled (an already aborted signal), giving up wins.
      await Promise.race([giveUp, peer.start()]);
      await Promise.race([giveUp, this.#negotiate()]);
      if (this.options.watchLists && this.#negotiated?.era === 'stateless') await Promise.race([giveUp, this.listenForChanges()]);
    } catch (error) {
      await peer.close().catch(() => undefined);
      this.#peer = undefined;
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return this.#negotiated!;
  }

  /** Whether the connection has ended (or never started). */
  get closed(): boolean {
    return !this.#peer || this.#peer.closed;
  }

  async #negotiate(connectTimeoutMs?: number): Promise<void> {
    const t = this.#transport!;
    let probeTimeoutMs = this.options.probeTimeoutMs ?? ('era' in t ? 300_000 : 10_000);
    // A silent legacy server must leave time to fall back within the connect budget.
    if (connectTimeoutMs !== undefined) probeTimeoutMs = Math.min(probeTimeoutMs, Math.max(1, Math.floor(connectTimeoutMs / 2)));
    this.#negotiated = await negotiate({
      peer: this.#peer!,
      info: this.info,
      capabilities: this.capabilities,
      protocolVersion: this.options.protocolVersion ?? 'auto',
      probeTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      onPhase: (era, version) => {
        if ('era' in t || 'protocolVersion' in t) {
          t.era = era;
          t.protocolVersion = version;
        }
      },
    });
    this.#subscriptions = new Subscriptions(this.#negotiated.era, (method, params, options) => this.#rawRequest(method, params, options));
  }

  #renewing: Promise<void> | undefined;

  async #renewSession(): Promise<void> {
    const uris = this.#subscriptions?.uris ?? [];
    await this.#negotiate();
    for (const uri of uris) {
      try {
        await this.#subscriptions!.add(uri);
      } catch (error) {
        this.#emitError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  #requirePeer(): Peer {
    if (!this.#peer || this.#peer.closed) throw new ConnectionClosedError('Client is not connected');
    return this.#peer;
  }

  /** Adds the stateless era's per-request `_meta`. */
  #withMeta(params: JsonObject | undefined, caps: ClientCapabilities = this.capabilities): JsonObject | undefined {
    const n = this.#negotiated;
    if (!n || n.era !== 'stateless') return params;
    // copyObject, then stores: adding a key to a spread copy (`{ ...params, _meta }`) is V8 11's slow path
    // (Node 20, about 0.5 µs).
    const m: JsonObject = copyObject(params?._meta as JsonObject | undefined);
    m[META_PROTOCOL_VERSION] = n.protocolVersion;
    m[META_CLIENT_CAPABILITIES] = caps;
    m[META_CLIENT_INFO] = this.info;
    if (this.#logLevel !== undefined) m[META_LOG_LEVEL] = this.#logLevel;
    const out: JsonObject = copyObject(params);
    out._meta = m;
    return out;
  }

  /** One request as the era needs it, re-initializing once if an HTTP session expired. */
  async #rawRequest(method: string, params: JsonObject | undefined, options: CallOptions = {}, caps?: ClientCapabilities): Promise<JsonObject> {
    const peer = this.#requirePeer();
    const opts = { timeoutMs: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, ...options };
    try {
      return await peer.request(method, this.#withMeta(params, caps), opts);
    } catch (error) {
      if (error instanceof SessionExpiredError && this.#negotiated?.era === 'session') {
        // spec 2025-11-25 transports: a 404 for the session means start a new one. Requests failing
        // together share one re-initialization, and the new session gets the old one's subscriptions.
        this.#renewing ??= this.#renewSession().finally(() => {
          this.#renewing = undefined;
        });
        await this.#renewing;
        return peer.request(method, this.#withMeta(params, caps), opts);
      }
      throw error;
    }
  }

  /**
   * Sends any request, handling `input_required` rounds with the client's handlers (2026-07-28).
   * @throws ProtocolError for an error response; ProtocolViolationError for an invalid result type.
   */
  async request(method: string, params?: JsonObject, options: CallOptions = {}): Promise<JsonObject> {
    const own = options.handlers;
    if (own) this.#callHandlers.add(own);
    let result: JsonObject;
    try {
      result = await runWithInput(method, params, options, {
        send: (m, p, o) => this.#rawRequest(m, p, o),
        handlers: own ?? this.#handlers,
        maxRounds: this.options.maxInputRounds ?? 10,
      });
    } finally {
      if (own) this.#callHandlers.delete(own);
    }
    const type = result.resultType;
    if (type === undefined) return result;
    if (type !== 'complete') {
      throw new ProtocolViolationError(`Server answered ${method} with an unknown resultType ${JSON.stringify(type)}`);
    }
    // The discriminator is the protocol's business: results look the same whichever era produced them.
    const { resultType: _consumed, ...rest } = result;
    return rest;
  }

  async #list<T>(kind: ListKind, method: string, key: string, options: CallOptions): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    const capsKey = kind === 'resourceTemplates' ? 'resources' : kind;
    const untilChanged = (this.#negotiated?.capabilities[capsKey] as { listChanged?: boolean } | undefined)?.listChanged === true;
    for (let page = 0; page < 10_000; page++) {
      let result = this.#cache.get(kind, cursor);
      if (!result) {
        // A list_changed that arrives while this page is in flight makes the page stale: don't keep it.
        const generation = this.#cache.generation(kind);
        result = await this.request(method, cursor === undefined ? {} : { cursor }, options);
        if (this.#cache.generation(kind) === generation) this.#cache.put(kind, cursor, result, untilChanged && this.#negotiated?.era === 'session');
      }
      const items = result[key];
      if (!Array.isArray(items)) throw new ProtocolViolationError(`${method} result has no ${key} array`);
      out.push(...(items as T[]));
      const next = result.nextCursor;
      if (typeof next !== 'string' || next === cursor) return out;
      cursor = next;
    }
    throw new ProtocolViolationError(`${method} did not stop paginating`);
  }

  /** Every tool, following pagination. Tools whose `x-mcp-header` annotations are invalid are left out on HTTP. */
  async listTools(options: CallOptions = {}): Promise<Tool[]> {
    const tools = await this.#list<Tool>('tools', 'tools/list', 'tools', options);
    const usable = this.#filterTools(tools);
    this.#tools = new Map(usable.map((t) => [t.name, t]));
    return usable;
  }

  #filterTools(tools: Tool[]): Tool[] {
    const check = (this.#transport as { validateTool?: (t: Tool) => string[] } | undefined)?.validateTool;
    if (!check) return tools;
    return tools.filter((t) => {
      const problems = check(t);
      if (problems.length) this.#emitError(new ProtocolViolationError(`Tool ${t.name} left out: ${problems.join('; ')}`));
      return problems.length === 0;
    });
  }

  /**
   * Calls a tool. When its `outputSchema` is known (from listTools), `structuredContent` is validated.
   * @throws ProtocolError for protocol errors (unknown tool -32602); ProtocolViolationError when the result
   *   breaks the tool's outputSchema.
   */
  async callTool(name: string, args: object = {}, options: CallOptions = {}): Promise<CallToolResult> {
    await this.#learnTools(options.signal);
    const result = (await this.request('tools/call', { name, arguments: args }, options)) as unknown as CallToolResult;
    return checkToolResult(this.#tools.get(name), result);
  }

  /** The tools' definitions carry their outputSchema and x-mcp-header annotations: learn them once. */
  async #learnTools(signal: AbortSignal | undefined): Promise<void> {
    if (this.#tools.size > 0 || this.#negotiated?.capabilities.tools === undefined) return;
    await this.listTools({ signal }).catch((error: unknown) => this.#emitError(error instanceof Error ? error : new Error(String(error))));
  }

  /**
   * Calls a tool as a task (tasks extension, 2026-07-28): poll, cancel and read it through the handle.
   * @throws TasksUnsupportedError `MCPKIT_TASKS_UNSUPPORTED` when the server does not offer the extension.
   */
  async callToolAsTask(name: string, args: object = {}, options: CallOptions = {}): Promise<ToolTask> {
    requireTasks(this.#negotiated, name);
    await this.#learnTools(options.signal);
    const caps = withTasksExtension(this.capabilities);
    return startToolTask(name, args as JsonObject, options, this.options.maxInputRounds ?? 10, {
      handlers: options.handlers ?? this.#handlers,
      send: (m, p, o) => this.#rawRequest(m, p, o, caps),
      check: (result) => checkToolResult(this.#tools.get(name), result),
    });
  }

  listResources(options: CallOptions = {}): Promise<Resource[]> {
    return this.#list<Resource>('resources', 'resources/list', 'resources', options);
  }

  listResourceTemplates(options: CallOptions = {}): Promise<ResourceTemplate[]> {
    return this.#list<ResourceTemplate>('resourceTemplates', 'resources/templates/list', 'resourceTemplates', options);
  }

  async readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    return (await this.request('resources/read', { uri }, options)) as unknown as ReadResourceResult;
  }

  listPrompts(options: CallOptions = {}): Promise<Prompt[]> {
    return this.#list<Prompt>('prompts', 'prompts/list', 'prompts', options);
  }

  async getPrompt(name: string, args: Record<string, string> = {}, options: CallOptions = {}): Promise<GetPromptResult> {
    return (await this.request('prompts/get', { name, arguments: args }, options)) as unknown as GetPromptResult;
  }

  /** Completion suggestions for a prompt argument or a resource-template variable. */
  async complete(
    ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
    argument: { name: string; value: string },
    context?: { arguments: Record<string, string> },
    options: CallOptions = {},
  ): Promise<CompleteResult['completion']> {
    const params: JsonObject = { ref, argument };
    if (context) params.context = context;
    const result = (await this.request('completion/complete', params, options)) as unknown as CompleteResult;
    return result.completion;
  }

  /** Sets the least severe log level to receive (session: logging/setLevel; stateless: per-request _meta). */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    this.#logLevel = level;
    if (this.#negotiated?.era === 'session') await this.request('logging/setLevel', { level });
  }

  /** Receives `resourceUpdated` events for a URI (session: resources/subscribe; stateless: subscriptions/listen). */
  async subscribeResource(uri: string): Promise<void> {
    if (!this.#subscriptions) throw new ConnectionClosedError('Client is not connected');
    await this.#subscriptions.add(uri);
  }

  async unsubscribeResource(uri: string): Promise<void> {
    await this.#subscriptions?.remove(uri);
  }

  /** In the stateless era, opens a `subscriptions/listen` stream for list changes (session era: no-op, they come anyway). */
  async listenForChanges(): Promise<void> {
    await this.#subscriptions?.listenForLists(this.#negotiated?.capabilities ?? {});
  }

  /** Tells the server the roots changed (session era); stateless servers ask for roots with each request. */
  async notifyRootsChanged(): Promise<void> {
    if (this.#negotiated?.era === 'session') await this.#requirePeer().notify('notifications/roots/list_changed');
  }

  /** Liveness check (session era `ping`; stateless: `server/discover`). */
  async ping(options: CallOptions = {}): Promise<void> {
    await this.request(this.#negotiated?.era === 'stateless' ? 'server/discover' : 'ping', {}, options);
  }

  /** Closes the connection (the transport ends the session or the process). */
  async close(): Promise<void> {
    this.#subscriptions?.stop();
    await this.#peer?.close();
  }
}
