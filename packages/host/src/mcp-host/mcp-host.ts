/**
 * McpHost: many MCP servers behind one catalogue, with namespaced tool names, per-server status, and
 * reconnection when a server drops.
 * @module
 */
import {
  type CallToolResult,
  type GetPromptResult,
  type Implementation,
  type JsonObject,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type Tool,
  type Transport,
  ConnectionClosedError,
  InvalidArgumentError,
} from '@mcpkit/protocol';
import { type CallOptions, type Client, type ClientOptions, DEFAULT_RECONNECT, Emitter, type QualifiedName, type ReconnectPolicy, NameTable } from '@mcpkit/client';
import { type CatalogueGuard, type CatalogueKind, type GuardDecision, type ServerStatus, ServerConnection } from './server-connection.js';
import { QuarantinedError } from './quarantined-error.js';
import { createServerTransport } from './transports.js';
import type { ServerConfig } from '../config/types.js';

/** How an {@link McpHost} connects. */
export interface McpHostOptions {
  /** This host's name and version, sent to every server. */
  clientInfo: Implementation;
  /**
   * Options for each server's {@link Client} (handlers, timeouts, protocol version). Its list cache is off
   * unless `cache: true` is given: the host keeps the catalogue itself.
   */
  clientOptions?: ClientOptions;
  /** How long one server may take to connect and list its tools, resources and prompts. Default 30 s. */
  connectTimeoutMs?: number;
  /** Retrying a server whose connection closed unexpectedly; `false` to mark it failed at once. */
  reconnect?: Partial<ReconnectPolicy> | false;
  /** Builds a server's transport; default: stdio, Streamable HTTP or legacy SSE by `config.transport`. */
  createTransport?: (config: ServerConfig) => Transport;
  /**
   * Checks each server's tools and prompts whenever they are listed, before the host shows or calls them: a
   * blocked server offers nothing, a quarantined tool or prompt disappears and calling it fails with the reason.
   * While a changed list is being checked, calls to that server wait for the verdict.
   */
  guard?: CatalogueGuard;
  /**
   * Sees every tool result before the caller does, and may replace it: response guardrails on the client side
   * (e.g. `(server, tool, result) => inspectToolResult(result, { server, tool }).content` from @mcpkit/trust).
   */
  resultGuard?: (server: string, tool: string, result: CallToolResult) => CallToolResult | Promise<CallToolResult>;
}

/** A tool in the merged catalogue. */
export interface HostTool {
  /** The namespaced name to show the model (see {@link namespaceToolName}). */
  name: string;
  server: string;
  /** The tool's name on its server. */
  originalName: string;
  /** The tool as its server describes it. */
  tool: Tool;
}

/** A prompt in the merged catalogue, namespaced like tools. */
export interface HostPrompt {
  name: string;
  server: string;
  originalName: string;
  prompt: Prompt;
}

/** A resource in the merged catalogue; URIs are the server's own, so reads name the server. */
export interface HostResource {
  server: string;
  resource: Resource;
}

/** The events of an {@link McpHost}. */
export interface McpHostEvents extends Record<string, unknown> {
  status: { server: string; status: ServerStatus };
  /** A server's part of the catalogue changed (connected, dropped, or it announced a list change). */
  catalogueChanged: { server: string; kinds: CatalogueKind[] };
  /** Something went wrong that did not change a status: a list that failed, a log from a Client. */
  error: { server: string; error: Error };
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Connects to many MCP servers at once and offers their tools, resources and prompts as one catalogue.
 * @example
 * const host = new McpHost({ clientInfo: { name: 'my-host', version: '1.0.0' } });
 * host.addAll(await loadHostConfig('.mcp.json'));
 * await host.connectAll();
 * const [first] = host.tools();
 * if (first) await host.callTool(first.name, {});
 * await host.close();
 */
export class McpHost {
  readonly #options: McpHostOptions;
  readonly #reconnect: ReconnectPolicy | undefined;
  readonly #servers = new Map<string, ServerConnection>();
  readonly #tools = new NameTable();
  readonly #prompts = new NameTable();
  readonly #events = new Emitter<McpHostEvents>((error) => {
    // A listener that throws must not break the host; with no 'error' listener either, say so on stderr.
    if (!this.#events.has('error')) console.error('mcpkit host: an event listener threw', error);
  });
  #closed = false;

  constructor(options: McpHostOptions) {
    this.#options = options;
    this.#reconnect = options.reconnect === false ? undefined : { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  /** Listens to host events; returns an unsubscribe function. */
  on<K extends keyof McpHostEvents>(event: K, listener: (value: McpHostEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Adds a server; it connects with {@link connect} or {@link connectAll}.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a name already in use, or after close().
   */
  add(config: ServerConfig): void {
    if (this.#closed) throw new InvalidArgumentError('McpHost is closed');
    if (this.#servers.has(config.name)) throw new InvalidArgumentError(`McpHost already has a server named ${JSON.stringify(config.name)}`);
    const name = config.name;
    const connection: ServerConnection = new ServerConnection(config, {
      clientInfo: this.#options.clientInfo,
      clientOptions: this.#options.clientOptions,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      reconnect: this.#reconnect,
      createTransport: this.#options.createTransport ?? createServerTransport,
      onStatus: (status) => this.#events.emit('status', { server: name, status }),
      onCatalogue: (kinds) => this.#catalogueChanged(connection, kinds),
      onError: (error) => this.#events.emit('error', { server: name, error }),
      guard: this.#options.guard,
    });
    this.#servers.set(name, connection);
  }

  /**
   * Adds several servers.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a duplicate name (the servers before it are added).
   */
  addAll(configs: Iterable<ServerConfig>): void {
    for (const config of configs) this.add(config);
  }

  /** Closes a server and drops it with its part of the catalogue. */
  async remove(name: string): Promise<void> {
    const connection = this.#servers.get(name);
    if (!connection) return;
    await connection.close();
    this.#servers.delete(name);
    // close() already announced this server's empty catalogue; only others renamed by the removal are news.
    this.#renamed(this.#tools.delete(name).filter((s) => s !== name), 'tools');
    this.#renamed(this.#prompts.delete(name).filter((s) => s !== name), 'prompts');
  }

  /**
   * Connects one server (not disabled ones); resolves with its status, which says whether that worked.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for an unknown server.
   */
  async connect(name: string): Promise<ServerStatus> {
    const connection = this.#require(name);
    if (connection.status.state !== 'disabled') await connection.connect();
    return connection.status;
  }

  /** Connects every server that is not disabled, in parallel; one slow or failing server holds up no other. */
  async connectAll(): Promise<Record<string, ServerStatus>> {
    const names = [...this.#servers.keys()];
    await Promise.all(names.map((name) => this.connect(name)));
    return this.statuses();
  }

  /** Every server's status, by name. */
  statuses(): Record<string, ServerStatus> {
    return Object.fromEntries([...this.#servers].map(([name, c]) => [name, c.status]));
  }

  status(name: string): ServerStatus | undefined {
    return this.#servers.get(name)?.status;
  }

  /** The configuration a server was added with. */
  config(name: string): ServerConfig | undefined {
    return this.#servers.get(name)?.config;
  }

  /** The guard's verdict on a server's current lists (empty without a guard). */
  decision(name: string): GuardDecision | undefined {
    return this.#servers.get(name)?.decision;
  }

  /** A connected server's Client, for what the catalogue does not cover (completions, subscriptions, …). */
  client(name: string): Client | undefined {
    return this.#servers.get(name)?.client;
  }

  /** The tools of every connected server, under namespaced names, in the order servers were added. */
  tools(): HostTool[] {
    const out: HostTool[] = [];
    for (const [server, c] of this.#servers) {
      if (c.status.state !== 'connected' || c.decision.block !== undefined) continue;
      for (const tool of c.catalogue.tools) {
        if (c.decision.quarantine?.has(`tool:${tool.name}`)) continue;
        const name = this.#tools.nameOf(server, tool.name);
        if (name !== undefined) out.push({ name, server, originalName: tool.name, tool });
      }
    }
    return out;
  }

  /** The prompts of every connected server, under namespaced names. */
  prompts(): HostPrompt[] {
    const out: HostPrompt[] = [];
    for (const [server, c] of this.#servers) {
      if (c.status.state !== 'connected' || c.decision.block !== undefined) continue;
      for (const prompt of c.catalogue.prompts) {
        if (c.decision.quarantine?.has(`prompt:${prompt.name}`)) continue;
        const name = this.#prompts.nameOf(server, prompt.name);
        if (name !== undefined) out.push({ name, server, originalName: prompt.name, prompt });
      }
    }
    return out;
  }

  /** The resources of every connected server. */
  resources(): HostResource[] {
    const out: HostResource[] = [];
    for (const [server, c] of this.#servers) {
      if (c.status.state === 'connected' && c.decision.block === undefined) for (const resource of c.catalogue.resources) out.push({ server, resource });
    }
    return out;
  }

  /** The server and original name behind a namespaced tool name; names of a server that is down still resolve. */
  resolve(namespaced: string): QualifiedName | undefined {
    return this.#tools.resolve(namespaced);
  }

  /**
   * Calls a tool by its namespaced name on the server it belongs to.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a name no server has; ConnectionClosedError
   *   `MCPKIT_CONNECTION_CLOSED` when its server is not connected; QuarantinedError `MCPKIT_QUARANTINED` when the
   *   guard blocked its server or quarantined it; whatever {@link Client.callTool} throws.
   */
  async callTool(namespaced: string, args: JsonObject = {}, options: CallOptions = {}): Promise<CallToolResult> {
    const target = this.#tools.resolve(namespaced);
    if (!target) throw new InvalidArgumentError(`No server has a tool named ${JSON.stringify(namespaced)}`);
    const client = await this.#cleared(target.server, 'tool', target.tool);
    const result = await client.callTool(target.tool, args, options);
    const guard = this.#options.resultGuard;
    return guard ? guard(target.server, target.tool, result) : result;
  }

  /**
   * Gets a prompt by its namespaced name.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for an unknown name; ConnectionClosedError
   *   `MCPKIT_CONNECTION_CLOSED` when its server is not connected; QuarantinedError `MCPKIT_QUARANTINED`.
   */
  async getPrompt(namespaced: string, args: Record<string, string> = {}, options: CallOptions = {}): Promise<GetPromptResult> {
    const target = this.#prompts.resolve(namespaced);
    if (!target) throw new InvalidArgumentError(`No server has a prompt named ${JSON.stringify(namespaced)}`);
    const client = await this.#cleared(target.server, 'prompt', target.tool);
    return client.getPrompt(target.tool, args, options);
  }

  /**
   * Reads a resource from the named server.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for an unknown server; ConnectionClosedError
   *   `MCPKIT_CONNECTION_CLOSED` when it is not connected.
   */
  async readResource(server: string, uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    const client = await this.#connected(server);
    const block = this.#require(server).decision.block;
    if (block !== undefined) throw new QuarantinedError(`Server ${JSON.stringify(server)} is blocked: ${block}`);
    return client.readResource(uri, options);
  }

  /** The Client for a call, once the server's lists are checked and the guard lets this tool or prompt through. */
  async #cleared(server: string, kind: 'tool' | 'prompt', name: string): Promise<Client> {
    const connection = this.#require(server);
    await connection.settled();
    const client = await this.#connected(server);
    const { block, quarantine } = connection.decision;
    if (block !== undefined) throw new QuarantinedError(`Server ${JSON.stringify(server)} is blocked: ${block}`);
    const why = quarantine?.get(`${kind}:${name}`);
    if (why !== undefined) throw new QuarantinedError(`The ${kind} ${JSON.stringify(name)} of server ${JSON.stringify(server)} is quarantined: ${why}`);
    if (connection.catalogue[kind === 'tool' ? 'tools' : 'prompts'].every((item) => item.name !== name)) {
      throw new InvalidArgumentError(`Server ${JSON.stringify(server)} no longer offers the ${kind} ${JSON.stringify(name)}`);
    }
    return client;
  }

  /** Closes every server and stops reconnecting; the host cannot be used afterwards. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#servers.values()].map((c) => c.close()));
  }

  #require(name: string): ServerConnection {
    const connection = this.#servers.get(name);
    if (!connection) throw new InvalidArgumentError(`McpHost has no server named ${JSON.stringify(name)}`);
    return connection;
  }

  async #connected(name: string): Promise<Client> {
    const connection = this.#require(name);
    const client = connection.client;
    if (!client) {
      const { status } = connection;
      const why = status.state === 'failed' ? `failed: ${status.error.message}` : `is ${status.state}`;
      throw new ConnectionClosedError(`Server ${JSON.stringify(name)} is not connected (it ${why})`);
    }
    return client;
  }

  #catalogueChanged(connection: ServerConnection, kinds: CatalogueKind[]): void {
    const server = connection.config.name;
    // Names stay in the tables while a server is down, so calls get "not connected" rather than "unknown
    // tool"; they are replaced when it lists again.
    const renamed: Array<[string[], CatalogueKind]> = [];
    if (connection.status.state === 'connected') {
      if (kinds.includes('tools')) renamed.push([this.#tools.set(server, connection.catalogue.tools.map((t) => t.name)), 'tools']);
      if (kinds.includes('prompts')) renamed.push([this.#prompts.set(server, connection.catalogue.prompts.map((p) => p.name)), 'prompts']);
      for (const dropped of [...this.#tools.dropped, ...this.#prompts.dropped]) {
        if (dropped.server === server) this.#events.emit('error', { server, error: new InvalidArgumentError(`${dropped.tool}: its namespaced name collides even after hashing; left out`) });
      }
    }
    this.#events.emit('catalogueChanged', { server, kinds });
    for (const [servers, kind] of renamed) this.#renamed(servers, kind);
  }

  /** Other servers' names changed because a new name collided with theirs: their catalogue changed too. */
  #renamed(servers: string[], kind: CatalogueKind): void {
    for (const server of servers) this.#events.emit('catalogueChanged', { server, kinds: [kind] });
  }
}
