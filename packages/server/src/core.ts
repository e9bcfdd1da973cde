/**
 * The state an McpServer shares with its era adapters: registries, options, list caches, listeners.
 * @module
 */
import {
  type CacheScope,
  type Implementation,
  type JsonObject,
  type LoggingLevel,
  type ServerCapabilities,
  InvalidArgumentError,
  PROTOCOL_REVISIONS,
  ProtocolError,
} from '@mcpkit/protocol';
import { Registry } from './registry/registry.js';
import type { ToolEntry } from './features/tools.js';
import type { ResourceEntry, TemplateEntry } from './features/resources.js';
import type { PromptEntry } from './features/prompts.js';
import type { MethodEntry } from './features/methods.js';
import { RequestStateCodec } from './stateless/request-state.js';
import { type TaskRecord, TaskStore } from './tasks/task-store.js';
import type { SharedTaskStore } from './tasks/shared-tasks.js';
import { applyTaskAction } from './tasks/methods.js';
import type { Middleware } from './middleware.js';

export interface McpServerOptions {
  /** Shown to the model by hosts that support it. */
  instructions?: string;
  /** Extra capabilities merged into what the registrations imply (e.g. `extensions`). */
  capabilities?: ServerCapabilities;
  /** Page size for list results; unset lists everything in one page. */
  pageSize?: number;
  /** Cache hints on discover/list/read results in the stateless era. Default `{ ttlMs: 0, scope: 'private' }`. */
  cache?: { ttlMs?: number; scope?: CacheScope };
  /** HMAC key for MRTR `requestState` (≥ 32 bytes). Random per process when unset; share it across replicas. */
  requestStateSecret?: string | Uint8Array;
  /** How long a `requestState` stays valid. Default 10 minutes. */
  requestStateTtlMs?: number;
  /** Revisions this server speaks. Default: every revision. */
  revisions?: readonly string[];
  /** How long to wait for a client's answer to a session-era server-to-client request. Default 5 minutes. */
  inputTimeoutMs?: number;
  /** Tasks extension: how long a task stays readable (default 1 hour) and the poll interval hinted (default 1 s). */
  /**
   * Tasks extension. `shared`: replicas behind one balancer share task records, so tasks/get, tasks/update and
   * tasks/cancel work on any replica (e.g. `@mcpkit/redis`'s RedisTaskStore); the handler runs where it started.
   */
  tasks?: { ttlMs?: number; pollIntervalMs?: number; maxTasks?: number; shared?: SharedTaskStore };
  /** Receives errors the server handled but a developer should see (a throwing tool, a failed send). Default: stderr. */
  onError?: (error: Error, context: string) => void;
}

/** Who wants change notifications: a session-era session or a stateless `subscriptions/listen` stream. */
export interface ChangeListener {
  readonly tools: boolean;
  readonly prompts: boolean;
  readonly resources: boolean;
  wantsResource(uri: string): boolean;
  /** Tasks extension: whether `notifications/tasks` for this task are wanted. */
  wantsTask?(taskId: string): boolean;
  send(method: string, params: JsonObject): void;
}

export type ListKind = 'tools' | 'resources' | 'prompts';

export class ServerCore {
  readonly info: Implementation;
  readonly options: McpServerOptions;
  readonly revisions: readonly string[];
  readonly tools: Registry<ToolEntry>;
  readonly resources: Registry<ResourceEntry>;
  readonly templates: Registry<TemplateEntry>;
  readonly prompts: Registry<PromptEntry>;
  /** Custom request methods (`server.method()`); no list, so no change notification. */
  readonly methods: Registry<MethodEntry>;
  readonly listeners = new Set<ChangeListener>();
  /** Run by McpServer.close() after the connections ended (resources a server owns). */
  readonly closeHooks = new Set<() => void | Promise<void>>();
  /** Run when the server closes: ends open streams and sessions gracefully. */
  readonly closers = new Set<() => void>();
  /** Long-lived waits (listen streams) that end gracefully when an HTTP server starts draining. */
  readonly drainers = new Set<() => void>();
  /** Listeners for `notifications/roots/list_changed` from any session-era connection. */
  readonly rootsListeners = new Set<(connectionId: string) => void>();
  /** Server-wide log sinks (session-era sessions), each applying its client's level. */
  readonly logSinks = new Set<(level: LoggingLevel, params: JsonObject) => void>();
  readonly codec: RequestStateCodec;
  readonly tasks: TaskStore;
  /** List results cached per (kind, revision, cursor); dropped on any change of that kind. */
  readonly listCache = new Map<string, JsonObject>();
  /** `server.use()` middleware, outermost first; empty means requests skip the chain entirely. */
  readonly middleware: Middleware[] = [];
  #pending = new Set<ListKind>();
  #flushScheduled = false;
  /** Subscribers in this process per resource URI: session-era subscriptions and listen streams. */
  readonly #watchers = new Map<string, number>();
  /** `server.onResourceWatch()` listeners. */
  readonly watchListeners = new Set<(uri: string, watched: boolean) => void>();

  constructor(info: Implementation, options: McpServerOptions) {
    const size = options.pageSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new InvalidArgumentError(`pageSize must be a positive integer, got ${String(size)}`);
    }
    this.info = info;
    this.options = options;
    this.revisions = options.revisions ?? PROTOCOL_REVISIONS;
    this.tools = new Registry('tool', () => this.#changed('tools'));
    this.resources = new Registry('resource', () => this.#changed('resources'));
    this.templates = new Registry('resource template', () => this.#changed('resources'));
    this.prompts = new Registry('prompt', () => this.#changed('prompts'));
    this.methods = new Registry('method', () => {});
    this.codec = new RequestStateCodec(options.requestStateSecret, options.requestStateTtlMs);
    this.tasks = new TaskStore(options.tasks?.maxTasks);
    const shared = options.tasks?.shared;
    this.tasks.shared = shared;
    this.tasks.onChange = (task) => {
      const params = task.detailed();
      for (const l of this.listeners) if (l.wantsTask?.(task.taskId)) l.send('notifications/tasks', params);
      if (shared) void this.shareTask(task, params);
    };
    // tasks/update and tasks/cancel another replica received for a task running here; heard until the server closes.
    const stop = shared?.onAction((taskId, action) => {
      const task = this.tasks.get(taskId);
      if (task !== undefined) applyTaskAction(task, action);
    });
    if (stop) this.closeHooks.add(stop);
  }

  /** Saves a task's record where the other replicas read it; a failure is reported, never thrown. */
  async shareTask(task: TaskRecord, detailed: JsonObject = task.detailed()): Promise<void> {
    try {
      await this.tasks.shared?.save(detailed, Date.parse(task.createdAt) + task.ttlMs);
    } catch (error) {
      this.report(error, `sharing task ${task.taskId}`);
    }
  }

  /** Whether any tool can run as a task (then the tasks extension is advertised, stateless era only). */
  hasTaskTools(): boolean {
    for (const t of this.tools.enabled()) if (t.task) return true;
    return false;
  }

  report(error: unknown, context: string): void {
    const e = error instanceof Error ? error : new Error(String(error));
    if (this.options.onError) this.options.onError(e, context);
    // A peer's bad input is worth a line, not a stack trace.
    else if (e instanceof ProtocolError) console.error(`[mcpkit] ${context}: ${e.message}`);
    else console.error(`[mcpkit] ${context}:`, e);
  }

  /** Capabilities implied by what is registered, plus the configured extras. */
  capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = { logging: {} };
    if (this.tools.size > 0) caps.tools = { listChanged: true };
    if (this.resources.size > 0 || this.templates.size > 0) caps.resources = { subscribe: true, listChanged: true };
    if (this.prompts.size > 0) caps.prompts = { listChanged: true };
    if (this.#hasCompleters()) caps.completions = {};
    const extra = this.options.capabilities;
    if (extra) for (const [k, v] of Object.entries(extra)) caps[k] = typeof v === 'object' && v !== null && typeof caps[k] === 'object' ? { ...(caps[k] as object), ...v } : v;
    return caps;
  }

  #hasCompleters(): boolean {
    for (const p of this.prompts.enabled()) if (p.complete) return true;
    for (const t of this.templates.enabled()) if (t.complete) return true;
    return false;
  }

  #changed(kind: ListKind): void {
    for (const key of this.listCache.keys()) if (key.startsWith(kind)) this.listCache.delete(key);
    this.#pending.add(kind);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Many registrations in one tick produce one notification per kind.
    queueMicrotask(() => {
      this.#flushScheduled = false;
      const kinds = [...this.#pending];
      this.#pending.clear();
      for (const k of kinds) this.broadcastListChanged(k);
    });
  }

  broadcastListChanged(kind: ListKind): void {
    const method = `notifications/${kind}/list_changed`;
    for (const l of this.listeners) if (l[kind]) l.send(method, {});
  }

  broadcastResourceUpdated(uri: string): void {
    for (const l of this.listeners) if (l.wantsResource(uri)) l.send('notifications/resources/updated', { uri });
  }

  /**
   * Counts a subscriber of `uri` in (+1) or out (-1); the watch listeners hear when the first arrives and when
   * the last leaves.
   */
  watchResource(uri: string, delta: 1 | -1): void {
    const before = this.#watchers.get(uri) ?? 0;
    const after = Math.max(0, before + delta);
    if (after === 0) this.#watchers.delete(uri);
    else this.#watchers.set(uri, after);
    if ((before === 0) === (after === 0)) return;
    for (const listener of this.watchListeners) {
      try {
        listener(uri, after > 0);
      } catch (error) {
        this.report(error, 'a resource watch listener');
      }
    }
  }

}
