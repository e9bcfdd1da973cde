/**
 * The inspector's one connection: a `Client` to the launch target, its traffic recorded, the server's asks
 * held for the user, and every failure to connect handed to the doctor.
 * @module
 */
import { Client, type ClientHandlers, LegacySseClientTransport, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';
import { type ElicitResult, HttpError, type JsonObject, type Transport, type CreateMessageResult, type Root, ConnectionClosedError, ErrorCode, InvalidArgumentError, McpkitError, ProcessExitedError, ProtocolError } from '@mcpkit/protocol';
import { type DoctorContext, diagnose } from './doctor.js';
import { type ServerPicture, driftBetween, pictureOf } from './drift.js';
import type { EventHub } from './event-hub.js';
import type { ConnectionState, OAuthTrace } from './events.js';
import { OAuthSignIn } from './oauth-sign-in.js';
import { PendingAsks } from './pending-asks.js';
import { recordingTransport } from './recording-transport.js';
import { type InspectorTarget, describeTarget } from './target.js';

export interface ConnectionOptions {
  clientInfo: { name: string; version: string };
  /** How long connecting may take. Default 30 s. */
  connectTimeoutMs?: number;
  /** The CLI's own diagnosis of a failure, shown by the doctor. */
  explain?: DoctorContext['explain'];
}

/** Statuses with which a server that only speaks HTTP+SSE answers a POST. */
const NOT_STREAMABLE = new Set([400, 404, 405]);
/** Calls wait for a person answering asks by hand, so the engine's timeout is long; the UI can cancel. */
const REQUEST_TIMEOUT_MS = 30 * 60_000;
const MAX_CALLS = 256;
/** How long a sign-in may wait for the user in the browser (the handshake waits with it). */
const SIGN_IN_TIMEOUT_MS = 10 * 60_000;
const DISCONNECTED = new Set(['MCPKIT_CONNECTION_CLOSED', 'MCPKIT_TRANSPORT_STATE', 'MCPKIT_SEND_FAILED']);

function asJsonObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(ErrorCode.InvalidParams, `${what} must be a JSON object`);
  return value as JsonObject;
}

/** Connects, reconnects and runs the UI's requests against the launch target. */
export class InspectorConnection {
  readonly #target: InspectorTarget;
  readonly #hub: EventHub;
  readonly #options: ConnectionOptions;
  readonly asks: PendingAsks;
  #client: Client | undefined;
  #state: ConnectionState;
  #calls = new Map<string, AbortController>();
  /** What the last successful connection saw, to show drift on the next one. */
  #picture: ServerPicture | undefined;
  /** The OAuth sign-in started from the UI: running, or signed in (its provider then holds the tokens, in memory). */
  #signIn: OAuthSignIn | undefined;
  /** The latest sign-in, kept for its trace even when it failed. */
  #lastSignIn: OAuthSignIn | undefined;

  constructor(target: InspectorTarget, hub: EventHub, options: ConnectionOptions) {
    this.#target = target;
    this.#hub = hub;
    this.#options = options;
    this.asks = new PendingAsks(hub);
    this.#state = { status: 'idle', transport: target.kind, target: describeTarget(target) };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#hub.publish({ type: 'state', state });
  }

  #handlers(): ClientHandlers {
    return {
      elicitation: async (params, ctx) => (await this.asks.wait('elicitation/create', params, ctx.signal)) as unknown as ElicitResult,
      sampling: async (params, ctx) => (await this.asks.wait('sampling/createMessage', params, ctx.signal)) as unknown as CreateMessageResult,
      roots: async (ctx) => {
        const answer = await this.asks.wait('roots/list', {}, ctx.signal);
        return (Array.isArray(answer.roots) ? answer.roots : []) as unknown as Root[];
      },
    };
  }

  #transport(kind: 'stdio' | 'http' | 'sse'): Transport {
    const target = this.#target;
    if (target.kind === 'stdio') {
      const stdio = new StdioClientTransport({
        command: target.command,
        args: target.args,
        env: target.env,
        inheritEnv: target.inheritEnv,
        stderr: 'capture',
        ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
      });
      let partial = '';
      stdio.onstderr = (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        if (partial.length > 4096) (lines.push(partial), (partial = ''));
        for (const line of lines) this.#hub.publish({ type: 'stderr', line: line.replace(/\r$/, '') });
      };
      return stdio;
    }
    const signIn = this.#signIn;
    const auth = signIn?.auth ?? target.auth;
    const options = { headers: target.headers, ...(auth ? { authProvider: auth } : {}), ...(signIn ? { fetch: signIn.transportFetch() } : {}) };
    return kind === 'sse' ? new LegacySseClientTransport(target.url, options) : new StreamableHttpClientTransport(target.url, options);
  }

  /** Closes any previous connection and connects again; resolves with the new state (connected or failed). */
  async connect(options: { timeoutMs?: number } = {}): Promise<ConnectionState> {
    await this.close();
    const base = { transport: this.#target.kind, target: describeTarget(this.#target) };
    this.#setState({ status: 'connecting', ...base });
    const client = new Client(this.#options.clientInfo, { handlers: this.#handlers(), urlElicitation: true, requestTimeoutMs: REQUEST_TIMEOUT_MS, probeTimeoutMs: 10_000 });
    this.#client = client;
    client.on('log', (log) => this.#hub.publish({ type: 'log', level: log.level, logger: log.logger, data: log.data }));
    client.on('notification', (n) => {
      if (n.method !== 'notifications/message' && n.method !== 'notifications/progress') this.#hub.publish({ type: 'notification', method: n.method, params: n.params });
    });
    // A stdio server that exits is reported through the error event; the handshake itself only sees a close.
    let exited: ProcessExitedError | undefined;
    client.on('error', (error) => {
      if (error instanceof ProcessExitedError) exited ??= error;
      // A stdio server's stdout line that is no JSON-RPC: flagged as a diagnosis rather than dropped.
      if (error instanceof ProtocolError && (error.code === ErrorCode.ParseError || error.code === ErrorCode.InvalidRequest)) this.#hub.publish({ type: 'stdout-noise', text: error.message });
    });
    client.on('close', () => {
      if (this.#client !== client) return;
      this.asks.cancelAll();
      if (this.#state.status !== 'connected') return;
      void this.#closedAfterConnect(client, () => exited, transport as Transport & { stderrTail?: string });
    });
    let transport = recordingTransport(this.#transport(this.#target.kind), this.#hub);
    const timeoutMs = options.timeoutMs ?? this.#options.connectTimeoutMs ?? 30_000;
    try {
      let negotiated;
      try {
        negotiated = await client.connect(transport, { timeoutMs });
      } catch (error) {
        // As connectHttp does: a plain URL may be an old HTTP+SSE server.
        if (this.#target.kind !== 'http' || !(error instanceof HttpError) || !NOT_STREAMABLE.has(error.status)) throw error;
        const legacy = recordingTransport(this.#transport('sse'), this.#hub);
        try {
          negotiated = await client.connect(legacy, { timeoutMs });
          transport = legacy;
          base.transport = 'sse';
        } catch {
          throw error;
        }
      }
      const tools = negotiated.capabilities.tools === undefined ? [] : await client.listTools().catch(() => undefined);
      const picture = pictureOf(negotiated, tools);
      const drift = this.#picture && picture ? driftBetween(this.#picture, picture) : undefined;
      if (picture) this.#picture = picture;
      this.#setState({
        status: 'connected',
        ...base,
        era: negotiated.era,
        protocolVersion: negotiated.protocolVersion,
        capabilities: negotiated.capabilities,
        serverInfo: negotiated.serverInfo,
        instructions: negotiated.instructions,
        drift,
      });
      // Closed while the handshake was finishing: the close handler saw no connection yet.
      if (client.closed) {
        void this.#closedAfterConnect(client, () => exited, transport as Transport & { stderrTail?: string });
        return this.#state;
      }
      // The inspector wants every log line the server will send.
      if (negotiated.era === 'stateless' || negotiated.capabilities.logging !== undefined) await client.setLogLevel('debug').catch(() => undefined);
    } catch (failure) {
      let error = failure;
      if (failure instanceof McpkitError && DISCONNECTED.has(failure.code) && this.#target.kind === 'stdio') {
        // The exit report follows the close once the pipes are drained: give it a moment.
        for (let i = 0; i < 20 && !exited; i++) await new Promise((r) => setTimeout(r, 50));
        error = exited ?? failure;
      }
      const t = transport as Transport & { stderrTail?: string; nonJsonLines?: { count: number; first: string } };
      const diagnosis = diagnose(error, { transport: this.#target.kind, stderrTail: t.stderrTail, nonJsonLines: t.nonJsonLines, explain: this.#options.explain });
      this.#client = undefined;
      await client.close().catch(() => undefined);
      this.#setState({ status: 'failed', ...base, diagnosis });
    }
    return this.#state;
  }

  /**
   * A server that went away after connecting: its exit (code, stderr tail) says why, as while connecting. The exit
   * report follows the close once the pipes are drained, so it gets a moment to arrive.
   */
  async #closedAfterConnect(client: Client, exited: () => ProcessExitedError | undefined, transport: { stderrTail?: string }): Promise<void> {
    this.#setState({ ...this.#state, status: 'closed' });
    if (this.#target.kind !== 'stdio') return;
    for (let i = 0; i < 20 && !exited(); i++) await new Promise((r) => setTimeout(r, 50));
    const error = exited();
    if (!error || this.#client !== client) return;
    this.#setState({ ...this.#state, diagnosis: diagnose(error, { transport: 'stdio', stderrTail: transport.stderrTail, explain: this.#options.explain }) });
  }

  /** The latest sign-in's trace, if one was started. */
  get oauthTrace(): OAuthTrace | undefined {
    return this.#lastSignIn?.trace;
  }

  /**
   * Signs in with OAuth (an HTTP target only) and reconnects with the tokens: the provider runs the flow when the
   * server answers 401; the page follows it on the event stream. Resolves when the sign-in ends either way.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a stdio target.
   */
  async signIn(redirectUrl: string): Promise<OAuthTrace> {
    if (this.#target.kind === 'stdio') throw new InvalidArgumentError('OAuth sign-in is for a server given with --url');
    this.#signIn?.cancel('a new sign-in started');
    const signIn = new OAuthSignIn(this.#target.url, redirectUrl, this.#hub);
    this.#signIn = signIn;
    this.#lastSignIn = signIn;
    const state = await this.connect({ timeoutMs: SIGN_IN_TIMEOUT_MS });
    // A newer sign-in took over while this one ran: it reports for itself.
    if (this.#signIn !== signIn) return signIn.trace;
    if (state.status === 'connected' && signIn.provider.tokens !== undefined) {
      signIn.finish({ ok: true });
    } else {
      const message = state.status === 'connected' ? 'the server did not ask for credentials (no 401): there was nothing to sign in to' : (state.diagnosis?.summary ?? `the connection ${state.status}`);
      signIn.finish({ ok: false, message });
      // A sign-in that got no tokens leaves reconnecting as it was before it (with the credentials given at launch).
      this.#signIn = undefined;
    }
    return signIn.trace;
  }

  /** The browser came back to the inspector's callback: true when a sign-in was waiting for exactly this. */
  deliverOAuthCallback(url: URL): boolean {
    return this.#signIn?.deliver(url) ?? false;
  }

  /** Stops a sign-in that waits for the browser. */
  cancelSignIn(): boolean {
    const running = this.#signIn?.trace.status === 'running';
    this.#signIn?.cancel();
    return running;
  }

  #connected(): Client {
    if (!this.#client || this.#state.status !== 'connected') throw new ConnectionClosedError(`not connected to the server (${this.#state.status})`);
    return this.#client;
  }

  /** One of the four lists. */
  async list(kind: 'tools' | 'resources' | 'templates' | 'prompts'): Promise<unknown[]> {
    const client = this.#connected();
    if (kind === 'tools') return client.listTools();
    if (kind === 'resources') return client.listResources();
    if (kind === 'templates') return client.listResourceTemplates();
    return client.listPrompts();
  }

  /** Calls a tool; progress is published under `callId`, which {@link cancel} also takes. */
  async callTool(name: string, args: unknown, callId: string): Promise<unknown> {
    const client = this.#connected();
    if (this.#calls.size >= MAX_CALLS) throw new ProtocolError(ErrorCode.InvalidRequest, 'too many calls in flight');
    const abort = new AbortController();
    this.#calls.set(callId, abort);
    try {
      return await client.callTool(name, asJsonObject(args, 'arguments'), {
        signal: abort.signal,
        onProgress: (p) => this.#hub.publish({ type: 'progress', callId, progress: p.progress, total: p.total, message: p.message }),
      });
    } finally {
      this.#calls.delete(callId);
    }
  }

  /** Cancels a call in flight; false when there is none under that id. */
  cancel(callId: string): boolean {
    const abort = this.#calls.get(callId);
    abort?.abort(new Error('cancelled in the inspector'));
    return abort !== undefined;
  }

  readResource(uri: string): Promise<unknown> {
    return this.#connected().readResource(uri);
  }

  getPrompt(name: string, args: Record<string, string>): Promise<unknown> {
    return this.#connected().getPrompt(name, args);
  }

  complete(ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }, argument: { name: string; value: string }, context?: Record<string, string>): Promise<unknown> {
    return this.#connected().complete(ref, argument, context ? { arguments: context } : undefined);
  }

  /** Receives `notifications/resources/updated` for `uri` (session: resources/subscribe; stateless: subscriptions/listen). */
  subscribe(uri: string): Promise<void> {
    return this.#connected().subscribeResource(uri);
  }

  unsubscribe(uri: string): Promise<void> {
    return this.#connected().unsubscribeResource(uri);
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    for (const abort of this.#calls.values()) abort.abort(new Error('closing'));
    this.asks.cancelAll();
    if (client) await client.close().catch(() => undefined);
  }
}
