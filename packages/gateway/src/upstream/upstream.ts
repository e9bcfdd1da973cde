/**
 * One upstream MCP server behind the gateway: connected on demand, supervised (restarted with backoff after
 * it dies), stopped when idle (stdio), with its catalogue (tools, resources, templates, prompts) kept fresh.
 * @module
 */
import type { CallOptions, Client, ClientEvents } from '@mcpkit/client';
import { backoffDelay } from '@mcpkit/client';
import { type JsonObject, ErrorCode, ProtocolError, copyObject } from '@mcpkit/protocol';
import type { UpstreamEntry } from '../config/types.js';
import type { Logger } from '../log.js';
import { CONNECT_MAX_AGE_MS, type SharedCatalogues } from './shared-catalogue.js';
import { EMPTY, type RefreshWant, type UpstreamCatalogue, listCatalogue } from './upstream-catalogue.js';
import { exitReason, unavailable } from './upstream-failures.js';
import { connectUpstream, upstreamClient } from './upstream-connection.js';

export type { RefreshWant, UpstreamCatalogue } from './upstream-catalogue.js';
export { unavailable } from './upstream-failures.js';

export type UpstreamState = 'idle' | 'connecting' | 'up' | 'down' | 'stopped';

export interface UpstreamEvents {
  /** The catalogue changed (fetched after a connect, or refreshed after list_changed). */
  onCatalogue(upstream: Upstream): void;
  /** Checks a freshly listed catalogue (pinning) before it is used; calls wait for it (see `settled`). */
  onVerify?(upstream: Upstream): Promise<void>;
  /** State changed (for health metrics). */
  onState(upstream: Upstream): void;
  /** An upstream resource changed (`notifications/resources/updated`). */
  onResourceUpdated(upstream: Upstream, uri: string): void;
}

const RECONNECT = { initialDelayMs: 250, maxDelayMs: 30_000, maxAttempts: Number.POSITIVE_INFINITY };

export class Upstream {
  readonly name: string;
  config: UpstreamEntry;
  state: UpstreamState = 'idle';
  lastError: string | undefined;
  /** Since when the upstream has been down (epoch ms), for the grace period of its catalogue entries. */
  downSince: number | undefined;
  catalogue: UpstreamCatalogue = EMPTY;
  /**
   * Whether `catalogue` holds what the upstream listed (false until its first list succeeded): an empty
   * catalogue before that says nothing about the upstream, and must not be pinned or compared.
   */
  listed = false;
  /** Calls in flight (idle timer and shutdown). */
  inFlight = 0;
  restarts = 0;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #closing = false;
  #refreshing: Promise<void> | undefined;
  #refreshQueued: Promise<void> | undefined;
  /** What the next re-read must meet: every refresh() asked for since the last one started, merged. */
  #want: RefreshWant | undefined;
  /** HTTP upstreams with storage.redis: the catalogue replicas share, its key, and when the one in use was listed. */
  readonly #shared: SharedCatalogues | undefined;
  #sharedKey: string | undefined;
  #sharedAt: number | undefined;
  #unfill: (() => void) | undefined;
  /** When the last connection was lost: a catalogue listed before it may describe the upstream before a restart. */
  #lostAt = Number.NEGATIVE_INFINITY;
  /** Why a connection ended, when known (its process exited; the gateway recycled it): said to the calls it took down. */
  readonly #endedBy = new WeakMap<Client, string>();
  /** Log relays of the calls in flight (see {@link request}). */
  readonly #logRelays = new Set<(entry: ClientEvents['log']) => void>();
  readonly #events: UpstreamEvents;
  readonly #log: Logger;

  constructor(config: UpstreamEntry, events: UpstreamEvents, log: Logger, shared?: SharedCatalogues) {
    this.name = config.name;
    this.config = config;
    this.#events = events;
    this.#log = log.child({ upstream: config.name });
    // Stdio upstreams stay per replica: each replica runs its own process, whose lists may differ from another's.
    if (config.transport === 'http' && shared !== undefined) {
      this.#shared = shared;
      // A catalogue another replica listed after ours: use it (and tell our clients), as after our own list_changed.
      this.#unfill = shared.onFill((key, at) => {
        if (key === this.#sharedKey && this.#client !== undefined && at > (this.#sharedAt ?? Number.NEGATIVE_INFINITY)) void this.refresh({ since: Number.NEGATIVE_INFINITY });
      });
    }
  }

  get negotiated(): Client['server'] {
    return this.#client?.server;
  }

  #setState(state: UpstreamState, error?: unknown): void {
    this.state = state;
    if (error !== undefined) this.lastError = error instanceof Error ? error.message : String(error);
    if (state === 'up') this.downSince = undefined;
    else if (state === 'down' && this.downSince === undefined) this.downSince = Date.now();
    this.#events.onState(this);
  }

  /** Connects now if not connected (the gateway calls this at start for every upstream). */
  start(): Promise<Client> {
    this.#closing = false;
    return this.#ensure();
  }

  #ensure(): Promise<Client> {
    if (this.#client && !this.#client.closed) return Promise.resolve(this.#client);
    return (this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    }));
  }

  async #connect(): Promise<Client> {
    this.#setState('connecting');
    const client = upstreamClient(this.config);
    client.on('error', (e) => this.#onClientError(client, e));
    try {
      await connectUpstream(client, this.config, this.#log);
    } catch (error) {
      await client.close().catch(() => undefined);
      // lastError reaches callers (unavailable()): say why in short, never a command line, stderr or URL.
      this.#setState('down', this.#callerReason(client, error));
      this.#log.warn({ err: (error as Error).message }, 'upstream failed to connect');
      this.#scheduleRetry();
      throw unavailable(this.name, this.lastError);
    }
    this.#client = client;
    this.#attempt = 0;
    client.on('close', () => this.#onClosed(client));
    const changed = () => void this.refresh({ since: Date.now(), gather: true });
    client.on('toolsChanged', changed);
    client.on('promptsChanged', changed);
    client.on('resourcesChanged', changed);
    client.on('resourceUpdated', ({ uri }) => this.#events.onResourceUpdated(this, uri));
    // A log message names no call; it reaches a caller only when exactly one call is in flight.
    client.on('log', (entry) => {
      if (this.#logRelays.size === 1) (this.#logRelays.values().next().value as (e: ClientEvents['log']) => void)(entry);
    });
    this.#setState('up');
    this.#log.info({ era: client.era, revision: client.server?.protocolVersion }, 'upstream connected');
    // Log messages are relayed to callers (each filtered again by the caller's own level): ask for info and up.
    if (client.server?.capabilities.logging) await client.setLogLevel('info').catch(() => undefined);
    await this.refresh({ since: Math.max(this.#lostAt, Date.now() - CONNECT_MAX_AGE_MS) });
    this.#touch();
    return client;
  }

  #onClientError(client: Client, error: Error & { code?: string }): void {
    if (error.code === 'MCPKIT_PROCESS_EXITED') {
      // The transport's message carries the command line and the stderr tail: for the operator's log, not the caller.
      this.#endedBy.set(client, exitReason(error.message));
      this.#log.warn({ err: error.message }, 'upstream process exited');
      return;
    }
    if (error.code === 'MCPKIT_MESSAGE_TOO_LARGE' && this.config.transport === 'stdio' && !this.#endedBy.has(client)) {
      // Newlines are stdio's only framing. A line over the cap is dropped unread, so the call it answered would
      // wait out its deadline, and a server that never ends the line (endless output) can never be read again:
      // end this connection now, failing its calls with the reason, and let the supervisor start a fresh one.
      this.#endedBy.set(client, `it wrote a message larger than the gateway accepts (${error.message})`);
      this.#log.warn({ err: error.message }, 'upstream wrote an oversized message; restarting it');
      void client.close();
      return;
    }
    this.#log.debug({ err: error.message }, 'upstream client error');
  }

  /** Why `client` failed, fit for callers. */
  #callerReason(client: Client, error: unknown): string {
    const e = error as Error & { code?: string };
    return this.#endedBy.get(client) ?? (e.code === 'MCPKIT_PROCESS_EXITED' ? exitReason(e.message) : this.#redact(e.message ?? String(error)));
  }

  #onClosed(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#lostAt = Date.now();
    if (this.#closing || this.state === 'idle') return;
    const why = this.#endedBy.get(client) ?? 'the connection closed';
    this.#setState('down', why);
    this.#log.warn({ reason: why }, 'upstream connection closed; restarting');
    this.restarts += 1;
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closing || this.#retryTimer) return;
    this.#attempt += 1;
    const delay = backoffDelay(RECONNECT, this.#attempt);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#ensure().catch(() => undefined);
    }, delay);
    this.#retryTimer.unref();
  }

  /**
   * Re-reads the catalogue (after connect and on list_changed). Keeps the old one when a list fails. One re-read
   * at a time: what is asked for meanwhile folds into a single one after it, so an upstream sending thousands
   * of list_changed costs a few re-lists (and list_changed to every client), not one each. `want` matters only
   * with shared catalogues (default: a list started now).
   */
  refresh(want: RefreshWant = { since: Date.now() }): Promise<void> {
    const had = this.#want;
    this.#want = had === undefined ? want : { since: Math.max(had.since, want.since), gather: Boolean(had.gather || want.gather) };
    return this.#refreshFolded();
  }

  #refreshFolded(): Promise<void> {
    if (!this.#refreshing) {
      this.#refreshing = this.#refreshOnce().finally(() => {
        this.#refreshing = undefined;
      });
      return this.#refreshing;
    }
    // The queued re-read meets what was asked meanwhile (in #want), nothing more.
    return (this.#refreshQueued ??= this.#refreshing.then(() => {
      this.#refreshQueued = undefined;
      return this.#refreshFolded();
    }));
  }

  async #refreshOnce(): Promise<void> {
    const client = this.#client;
    const want = this.#want ?? { since: Date.now() };
    this.#want = undefined;
    if (!client) return;
    const list = () => listCatalogue(client, this.config.listTimeoutMs);
    const listed = await (this.#shared ? this.#sharedList(this.#shared, client, list, want) : list()).catch((error: unknown) => {
      this.#log.warn({ err: (error as Error).message }, 'upstream list failed; keeping the last catalogue');
      return undefined;
    });
    // The shared catalogue this replica already uses and has checked: nothing to do.
    if (listed === null) return;
    if (listed !== undefined) {
      this.catalogue = listed;
      this.listed = true;
    }
    // Nothing listed yet: no verdict on an empty catalogue (pinning it would quarantine every real tool later).
    if (!this.listed) return this.#events.onCatalogue(this);
    if (this.#events.onVerify) {
      await this.#events.onVerify(this).catch((error: unknown) => this.#log.error({ err: (error as Error).message }, 'checking the upstream catalogue failed'));
    }
    this.#events.onCatalogue(this);
  }

  /**
   * The catalogue replicas share (read, listed here and stored, or waited for while another replica lists it);
   * null when it is the one in use already. Whatever its source, the caller checks it (trust) as if listed here.
   */
  async #sharedList(shared: SharedCatalogues, client: Client, list: () => Promise<UpstreamCatalogue>, want: RefreshWant): Promise<UpstreamCatalogue | null> {
    const key = (this.#sharedKey = shared.keyOf(this.config, client.server));
    const since = Number.isFinite(want.since) ? want.since : undefined;
    const got = await shared.get(key, list, { ...(since === undefined ? {} : { since }), gather: want.gather === true, listTimeoutMs: this.config.listTimeoutMs });
    if (got.at !== undefined && got.at === this.#sharedAt && this.listed) return null;
    this.#sharedAt = got.at;
    this.#log.debug({ source: got.source, at: got.at }, 'upstream catalogue (shared)');
    return got.value;
  }

  /**
   * Resolves once no list of this upstream is being re-read and checked. A list_changed starts the re-read at
   * once, so a call made after it waits for the verdict on the new definitions.
   */
  settled(): Promise<void> {
    return this.settling() ?? Promise.resolve();
  }

  /** Like {@link settled}, but undefined when nothing is being re-read: a call need not wait a turn. */
  settling(): Promise<void> | undefined {
    return this.#refreshQueued ?? this.#refreshing;
  }

  #touch(): void {
    const idle = this.config.transport === 'stdio' ? this.config.idleTimeoutMs : 0;
    if (idle <= 0) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.inFlight > 0) return this.#touch();
      const client = this.#client;
      if (!client) return;
      this.#log.info('upstream idle; stopping it until the next call');
      this.#client = undefined;
      this.#setState('idle');
      void client.close();
    }, idle);
    this.#idleTimer.unref();
  }

  /**
   * Sends a request, connecting first if needed, within the upstream's deadline.
   * @throws ProtocolError -32603 naming the upstream when it cannot be reached or dies mid-call.
   */
  async request(method: string, params: JsonObject, options: CallOptions, onLog?: (entry: ClientEvents['log']) => void): Promise<JsonObject> {
    let client = this.#client;
    let timeoutMs = this.config.timeoutMs;
    if (!client || client.closed) {
      const started = Date.now();
      client = await this.#connectWithin(timeoutMs);
      timeoutMs = Math.max(1, timeoutMs - (Date.now() - started));
    }
    this.inFlight += 1;
    if (onLog) this.#logRelays.add(onLog);
    try {
      // copyObject, then a store: `{ timeoutMs, ...options }` is V8 11's slow path for a spread (Node 20).
      const withTimeout: CallOptions = copyObject(options);
      if (!Object.hasOwn(options, 'timeoutMs')) withTimeout.timeoutMs = timeoutMs;
      return await client.request(method, params, withTimeout);
    } catch (error) {
      if (error instanceof ProtocolError) {
        // The upstream's own answers (unknown tool, invalid params, …) pass as they are. An internal error may
        // come from the upstream or from the HTTP transport under it (a stream cut or overflowing mid-answer
        // is delivered as one): either way the caller must learn which upstream failed.
        if (error.code !== ErrorCode.InternalError || error.message.startsWith(`Upstream ${this.name} `)) throw error;
        const data = typeof error.data === 'object' && error.data !== null && !Array.isArray(error.data) ? (error.data as JsonObject) : {};
        throw new ProtocolError(ErrorCode.InternalError, `Upstream ${this.name} failed: ${this.#redact(error.message)}`, { ...data, upstream: this.name });
      }
      const e = error as Error & { code?: string };
      const why = this.#endedBy.get(client);
      const message = why === undefined ? this.#redact(e.message) : `${why} before ${method} was answered; the gateway is restarting it`;
      throw new ProtocolError(ErrorCode.InternalError, `Upstream ${this.name} failed: ${message}`, { upstream: this.name, reason: e.code ?? 'error' });
    } finally {
      if (onLog) this.#logRelays.delete(onLog);
      this.inFlight -= 1;
      this.#touch();
    }
  }

  /**
   * A transport's message made fit for the caller: an HTTP upstream's URL, which may carry a credential in its
   * query (`?key=${env:…}`) and names internal hosts, becomes the upstream's name.
   */
  #redact(message: string): string {
    if (this.config.transport !== 'http') return message;
    let out = message;
    for (const url of new Set([this.config.url, URL.canParse(this.config.url) ? new URL(this.config.url).href : this.config.url])) out = out.split(url).join(`<${this.name}>`);
    return out;
  }

  /**
   * The connection, waited for at most `ms`: a call's deadline covers waiting for its upstream to (re)connect,
   * which alone may take up to 10 s (a restarted server that never finishes its handshake).
   */
  async #connectWithin(ms: number): Promise<Client> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(this.name, `not connected within its ${ms} ms timeout`)), ms);
    });
    try {
      return await Promise.race([this.#ensure(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Subscribes to an upstream resource (session-era upstreams; others have no such method). */
  async subscribe(uri: string, on: boolean): Promise<void> {
    const client = await this.#ensure();
    if (on) await client.subscribeResource(uri);
    else await client.unsubscribeResource(uri);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#unfill?.();
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
    this.#retryTimer = undefined;
    const client = this.#client;
    this.#client = undefined;
    this.state = 'stopped';
    await client?.close().catch(() => undefined);
  }
}
