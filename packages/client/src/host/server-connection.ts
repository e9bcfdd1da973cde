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
import { Client, type ClientOptions } from '../client.js';
import { type ReconnectPolicy, backoffDelay } from './backoff.js';
import type { ServerConfig } from './types.js';

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
        if (this.#client === client) void this.#refresh(client, generation, kind);
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
    this.#client = client;
    this.catalogue = catalogue;
    this.#setStatus({ state: 'connected' });
    this.#settings.onCatalogue([...CATALOGUE_KINDS]);
    for (const kind of dirty) void this.#refresh(client, generation, kind);
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
    (this.catalogue as unknown as Record<CatalogueKind, unknown[]>)[kind] = items;
    this.#settings.onCatalogue([kind]);
  }

  /** The connection closed without close() being called: retry with backoff, within the attempt budget. */
  async #lost(cause: Error | undefined): Promise<void> {
    this.#client = undefined;
    const error = cause ?? new ConnectionClosedError(`server ${JSON.stringify(this.config.name)} closed the connection`);
    this.catalogue = { tools: [], resources: [], prompts: [] };
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
    this.#setStatus({ state: 'closed' });
    if (hadTools) this.#settings.onCatalogue([...CATALOGUE_KINDS]);
  }
}
