/**
 * One server inside a host: its Client, its part of the catalogue, its status, and reconnection with backoff
 * when the connection drops.
 * @module
 */
import {
  type Implementation,
  type Prompt,
  type Resource,
  type Tool,
  type Transport,
  ConnectionClosedError,
  TimeoutError,
} from '@mcpkit/protocol';
import { Client, type ClientOptions, type ReconnectPolicy, backoffDelay } from '@mcpkit/client';
import type { ServerConfig } from '../config/types.js';

/** Where a server stands. `idle`: added, not connected yet; `disabled`: its entry is switched off. */
export type ServerStatus =
  | { state: 'idle' }
  | { state: 'disabled' }
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'reconnecting'; attempt: number; delayMs: number; error: Error | undefined }
  | { state: 'failed'; error: Error }
  | { state: 'closed' };

/** The lists of a server that make up the host's catalogue. */
export type CatalogueKind = 'tools' | 'resources' | 'prompts';
export const CATALOGUE_KINDS: readonly CatalogueKind[] = ['tools', 'resources', 'prompts'];

export interface ServerCatalogue {
  tools: Tool[];
  resources: Resource[];
  prompts: Prompt[];
}

/** A server's definitions as a {@link CatalogueGuard} sees them. */
export interface GuardListing {
  server: string;
  serverInfo: Implementation | undefined;
  instructions: string | undefined;
  tools: readonly Tool[];
  prompts: readonly Prompt[];
}

/** What a guard decided: block the whole server, or hide (quarantine) some tools and prompts, each with a reason. */
export interface GuardDecision {
  /** Why the whole server is blocked; absent when it is not. */
  block?: string;
  /** `tool:NAME` or `prompt:NAME` → why it is quarantined. */
  quarantine?: ReadonlyMap<string, string>;
}

/**
 * Checks a server's definitions each time they are listed (at connect and after every list_changed) before the
 * host shows or calls them: pinning against a lockfile, scanning. See @mcpkit/trust.
 */
export type CatalogueGuard = (listing: GuardListing) => GuardDecision | Promise<GuardDecision>;

export interface ConnectionSettings {
  clientInfo: Implementation;
  clientOptions: ClientOptions | undefined;
  connectTimeoutMs: number;
  reconnect: ReconnectPolicy | undefined;
  createTransport: (config: ServerConfig) => Transport;
  /** What the connection tells its host. */
  onStatus: (status: ServerStatus) => void;
  onCatalogue: (kinds: CatalogueKind[]) => void;
  onError: (error: Error) => void;
  guard: CatalogueGuard | undefined;
}

const EVENTS = { tools: 'toolsChanged', resources: 'resourcesChanged', prompts: 'promptsChanged' } as const;

/**
 * Whether the server says it announces list changes. Without this check a stateless server would get a listen
 * stream with an empty filter, and one that refuses `subscriptions/listen` costs the Client's 10 s ack timeout.
 */
function announcesChanges(client: Client): boolean {
  const caps = client.server?.capabilities ?? {};
  return CATALOGUE_KINDS.some((kind) => (caps[kind] as { listChanged?: unknown } | undefined)?.listChanged === true);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class ServerConnection {
  readonly config: ServerConfig;
  status: ServerStatus;
  catalogue: ServerCatalogue = { tools: [], resources: [], prompts: [] };
  /** The guard's verdict on the current catalogue. */
  decision: GuardDecision = {};
  /** Pending while a changed list is re-read and checked: calls wait for it (see {@link settled}). */
  #verifying: Promise<void> | undefined;
  readonly #settings: ConnectionSettings;
  #client: Client | undefined;
  /** Bumped by every attempt and by close(), so events of an older Client are ignored. */
  #generation = 0;
  #connecting: Promise<void> | undefined;
  /** The Client of the attempt under way, so that close() can end it at once. */
  #pending: Client | undefined;
  #wake: (() => void) | undefined;
  #closing = false;
  readonly #listSeq: Record<CatalogueKind, number> = { tools: 0, resources: 0, prompts: 0 };

  constructor(config: ServerConfig, settings: ConnectionSettings) {
    this.config = config;
    this.#settings = settings;
    this.status = config.disabled ? { state: 'disabled' } : { state: 'idle' };
  }

  get client(): Client | undefined {
    return this.status.state === 'connected' ? this.#client : undefined;
  }

  /** Connects once (no retries: a first failure is reported at once); resolves with the outcome in `status`. */
  connect(): Promise<void> {
    if (this.#closing || this.status.state === 'connected' || this.status.state === 'reconnecting') return Promise.resolve();
    this.#connecting ??= this.#connectOnce().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connectOnce(): Promise<void> {
    this.#setStatus({ state: 'connecting' });
    try {
      await this.#open();
    } catch (error) {
      if (!this.#closing) this.#setStatus({ state: 'failed', error: asError(error) });
    }
  }

  /** One attempt: a new Client (a closed Client cannot connect again), connected and listed within the timeout. */
  async #open(): Promise<void> {
    const generation = ++this.#generation;
    // The host keeps the catalogue itself and re-lists only on list_changed; the Client's list cache could
    // store a page that was in flight when the change arrived and hand it back on the re-list.
    const client = new Client(this.#settings.clientInfo, { cache: false, ...this.#settings.clientOptions });
    let lastError: Error | undefined;
    let closed = false;
    /** Kinds announced as changed while the first lists were in flight: listed again once connected. */
    const dirty = new Set<CatalogueKind>();
    client.on('error', (error) => {
      lastError = error;
      if (generation === this.#generation) this.#settings.onError(error);
    });
    client.on('close', () => {
      closed = true;
      if (this.#client === client && generation === this.#generation) void this.#lost(lastError);
    });
    for (const kind of CATALOGUE_KINDS) {
      client.on(EVENTS[kind], () => {
        if (this.#client === client) this.#refreshChecked(client, generation, kind);
        else dirty.add(kind);
      });
    }

    const { connectTimeoutMs } = this.#settings;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`server ${JSON.stringify(this.config.name)} did not connect within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    });
    this.#pending = client;
    const work = (async () => {
      await client.connect(this.#settings.createTransport(this.config));
      // Listen before listing, so no change falls between the two: in the 2026-07-28 era list changes only
      // come on a subscriptions/listen stream (in the session era they come anyway and this is a no-op).
      if (announcesChanges(client)) {
        await client.listenForChanges().catch((error: unknown) => {
          this.#settings.onError(new Error(`server ${JSON.stringify(this.config.name)}: cannot listen for list changes`, { cause: error }));
        });
      }
      return this.#listAll(client);
    })();
    // The loser of the race still settles later; nobody awaits it then.
    work.catch(() => undefined);
    let catalogue: ServerCatalogue;
    try {
      catalogue = await Promise.race([work, timeout]);
    } catch (error) {
      // Client.connect leaves its transport open when the transport's start() fails; close() ends it either way.
      await client.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
      this.#pending = undefined;
    }
    if (generation !== this.#generation || this.#closing) {
      await client.close().catch(() => undefined);
      throw new ConnectionClosedError(`server ${JSON.stringify(this.config.name)} was closed while connecting`);
    }
    if (closed) throw lastError ?? new ConnectionClosedError(`server ${JSON.stringify(this.config.name)} closed while connecting`);
    const decision = await this.#judge(client, catalogue);
    if (generation !== this.#generation || this.#closing) {
      await client.close().catch(() => undefined);
      throw new ConnectionClosedError(`server ${JSON.stringify(this.config.name)} was closed while connecting`);
    }
    this.#client = client;
    this.catalogue = catalogue;
    this.decision = decision;
    this.#setStatus({ state: 'connected' });
    this.#settings.onCatalogue([...CATALOGUE_KINDS]);
    for (const kind of dirty) this.#refreshChecked(client, generation, kind);
  }

  /** What the guard says of a catalogue (nothing blocked without a guard; a guard that throws blocks the server). */
  async #judge(client: Client, catalogue: ServerCatalogue): Promise<GuardDecision> {
    const guard = this.#settings.guard;
    if (!guard) return {};
    try {
      return await guard({
        server: this.config.name,
        serverInfo: client.server?.serverInfo,
        instructions: client.server?.instructions,
        tools: catalogue.tools,
        prompts: catalogue.prompts,
      });
    } catch (error) {
      this.#settings.onError(new Error(`server ${JSON.stringify(this.config.name)}: the catalogue guard failed; blocking the server`, { cause: error }));
      return { block: `the catalogue guard failed: ${asError(error).message}` };
    }
  }

  /** Resolves once no changed list is being re-read and checked: a call waits for the verdict on the new lists. */
  settled(): Promise<void> {
    return this.#verifying ?? Promise.resolve();
  }

  /** Re-lists one kind; with a guard, calls wait until the new list is checked (no call reaches an unchecked change). */
  #refreshChecked(client: Client, generation: number, kind: CatalogueKind): void {
    const run = this.#refresh(client, generation, kind);
    if (!this.#settings.guard || kind === 'resources') return void run;
    const verifying: Promise<void> = Promise.all([this.#verifying, run]).then(() => {
      if (this.#verifying === verifying) this.#verifying = undefined;
    });
    this.#verifying = verifying;
  }

  /** Every list the server advertises; a list that fails is reported and left empty, so the others stay usable. */
  async #listAll(client: Client): Promise<ServerCatalogue> {
    const [tools, resources, prompts] = await Promise.all(CATALOGUE_KINDS.map((kind) => this.#list(client, kind)));
    return { tools: tools as Tool[], resources: resources as Resource[], prompts: prompts as Prompt[] };
  }

  async #list(client: Client, kind: CatalogueKind): Promise<Tool[] | Resource[] | Prompt[]> {
    if (client.server?.capabilities[kind] === undefined) return [];
    try {
      if (kind === 'tools') return await client.listTools();
      if (kind === 'resources') return await client.listResources();
      return await client.listPrompts();
    } catch (error) {
      this.#settings.onError(new Error(`server ${JSON.stringify(this.config.name)}: ${kind} could not be listed`, { cause: error }));
      return [];
    }
  }

  /** Re-lists one kind after the server announced a change; a slower, older answer never overwrites a newer one. */
  async #refresh(client: Client, generation: number, kind: CatalogueKind): Promise<void> {
    if (generation !== this.#generation || this.#client !== client) return;
    const seq = ++this.#listSeq[kind];
    const items = await this.#list(client, kind);
    if (generation !== this.#generation || seq !== this.#listSeq[kind] || this.status.state !== 'connected') return;
    const next = { ...this.catalogue, [kind]: items } as ServerCatalogue;
    const decision = kind === 'resources' ? this.decision : await this.#judge(client, next);
    if (generation !== this.#generation || seq !== this.#listSeq[kind] || this.status.state !== 'connected') return;
    this.catalogue = next;
    this.decision = decision;
    this.#settings.onCatalogue([kind]);
  }

  /** The connection closed without close() being called: retry with backoff, within the attempt budget. */
  async #lost(cause: Error | undefined): Promise<void> {
    this.#client = undefined;
    const error = cause ?? new ConnectionClosedError(`server ${JSON.stringify(this.config.name)} closed the connection`);
    this.catalogue = { tools: [], resources: [], prompts: [] };
    this.decision = {};
    const policy = this.#settings.reconnect;
    if (!policy || policy.maxAttempts < 1) {
      this.#setStatus({ state: 'failed', error });
      this.#settings.onCatalogue([...CATALOGUE_KINDS]);
      return;
    }
    let last = error;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const delayMs = backoffDelay(policy, attempt);
      this.#setStatus({ state: 'reconnecting', attempt, delayMs, error: last });
      if (attempt === 1) this.#settings.onCatalogue([...CATALOGUE_KINDS]);
      await this.#sleep(delayMs);
      if (this.#closing) return;
      try {
        await this.#open();
        return;
      } catch (e) {
        if (this.#closing) return;
        last = asError(e);
      }
    }
    this.#setStatus({ state: 'failed', error: last });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #setStatus(status: ServerStatus): void {
    this.status = status;
    this.#settings.onStatus(status);
  }

  /** Ends the connection and any pending reconnection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#generation++;
    this.#wake?.();
    const client = this.#client;
    this.#client = undefined;
    const hadTools = this.status.state === 'connected';
    await this.#pending?.close().catch(() => undefined);
    await this.#connecting?.catch(() => undefined);
    await client?.close().catch((error: unknown) => this.#settings.onError(asError(error)));
    this.catalogue = { tools: [], resources: [], prompts: [] };
    this.decision = {};
    this.#setStatus({ state: 'closed' });
    if (hadTools) this.#settings.onCatalogue([...CATALOGUE_KINDS]);
  }
}
