/**
 * McpServer: register tools, resources and prompts once; serve them to session-era and stateless clients.
 * @module
 */
import type { Implementation, JsonObject, LoggingLevel, Transport } from '@mcpkit/protocol';
import { type McpServerOptions, ServerCore } from './core.js';
import { Handle, type Registered } from './registry/registry.js';
import type { SchemaInput } from './schema/compile.js';
import { type ToolArgs, type ToolConfig, type ToolEntry, type ToolHandler, createToolEntry } from './features/tools.js';
import {
  type ResourceEntry,
  type ResourceHandler,
  type ResourceMetadata,
  type ResourceTemplateConfig,
  type ResourceTemplateHandler,
  type TemplateEntry,
  createResourceEntry,
  createTemplateEntry,
} from './features/resources.js';
import { type PromptConfig, type PromptEntry, type PromptHandler, createPromptEntry } from './features/prompts.js';
import { type ConnectOptions, ServerSession } from './session/session.js';
import type { Middleware } from './middleware.js';

/** A registered tool: enable, disable, update or remove it at runtime. */
export interface RegisteredTool extends Registered {
  update(changes: Partial<ToolConfig> & { name?: string; handler?: ToolHandler<never> }): void;
}
export interface RegisteredResource extends Registered {
  update(changes: ResourceMetadata & { name?: string; uri?: string; handler?: ResourceHandler }): void;
}
export interface RegisteredResourceTemplate extends Registered {
  update(changes: Omit<ResourceTemplateConfig, 'list' | 'complete'> & { name?: string; handler?: ResourceTemplateHandler }): void;
}
export interface RegisteredPrompt extends Registered {
  update(changes: Partial<PromptConfig> & { name?: string; handler?: PromptHandler }): void;
}

/**
 * An MCP server.
 * @example
 * const server = new McpServer({ name: 'demo', version: '1.0.0' });
 * server.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } },
 *   async (args) => ({ content: [{ type: 'text', text: String(args.text) }] }));
 */
export class McpServer {
  /** @internal shared with the transports */
  readonly core: ServerCore;

  constructor(info: Implementation, options: McpServerOptions = {}) {
    this.core = new ServerCore(info, options);
  }

  get info(): Implementation {
    return this.core.info;
  }

  /**
   * Registers a tool. Schemas are converted and validators compiled here, once.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a bad name, a duplicate, or an unusable schema.
   */
  tool<S extends SchemaInput | undefined = undefined>(name: string, config: ToolConfig<S>, handler: ToolHandler<ToolArgs<S>>): RegisteredTool {
    type State = { name: string; config: ToolConfig; handler: ToolHandler<never> };
    const handle = new Handle<ToolEntry, State>(this.core.tools, { name, config: config as ToolConfig, handler: handler as ToolHandler<never> }, (s) =>
      createToolEntry(s.name, s.config, s.handler));
    return Object.assign(handle, {
      update(changes: Partial<ToolConfig> & { name?: string; handler?: ToolHandler<never> }) {
        const { name: n, handler: h, ...rest } = changes;
        const s = handle.state;
        handle.apply({ name: n ?? s.name, config: { ...s.config, ...rest }, handler: h ?? s.handler });
      },
    });
  }

  /** Registers a fixed resource. */
  resource(name: string, uri: string, meta: ResourceMetadata, handler: ResourceHandler): RegisteredResource {
    type State = { name: string; uri: string; meta: ResourceMetadata; handler: ResourceHandler };
    const handle = new Handle<ResourceEntry, State>(this.core.resources, { name, uri, meta, handler }, (s) =>
      createResourceEntry(s.name, s.uri, s.meta, s.handler));
    return Object.assign(handle, {
      update(changes: ResourceMetadata & { name?: string; uri?: string; handler?: ResourceHandler }) {
        const { name: n, uri: u, handler: h, ...m } = changes;
        const s = handle.state;
        handle.apply({ name: n ?? s.name, uri: u ?? s.uri, meta: { ...s.meta, ...m }, handler: h ?? s.handler });
      },
    });
  }

  /**
   * Registers a resource template (RFC 6570). `resources/read` tries fixed resources first, then templates in
   * registration order.
   */
  resourceTemplate(name: string, uriTemplate: string, config: ResourceTemplateConfig, handler: ResourceTemplateHandler): RegisteredResourceTemplate {
    type State = { name: string; config: ResourceTemplateConfig; handler: ResourceTemplateHandler };
    const handle = new Handle<TemplateEntry, State>(this.core.templates, { name, config, handler }, (s) =>
      createTemplateEntry(s.name, uriTemplate, s.config, s.handler));
    return Object.assign(handle, {
      update(changes: Omit<ResourceTemplateConfig, 'list' | 'complete'> & { name?: string; handler?: ResourceTemplateHandler }) {
        const { name: n, handler: h, ...c } = changes;
        const s = handle.state;
        handle.apply({ name: n ?? s.name, config: { ...s.config, ...c }, handler: h ?? s.handler });
      },
    });
  }

  /** Registers a prompt. */
  prompt(name: string, config: PromptConfig, handler: PromptHandler): RegisteredPrompt {
    type State = { name: string; config: PromptConfig; handler: PromptHandler };
    const handle = new Handle<PromptEntry, State>(this.core.prompts, { name, config, handler }, (s) => createPromptEntry(s.name, s.config, s.handler));
    return Object.assign(handle, {
      update(changes: Partial<PromptConfig> & { name?: string; handler?: PromptHandler }) {
        const { name: n, handler: h, ...c } = changes;
        const s = handle.state;
        handle.apply({ name: n ?? s.name, config: { ...s.config, ...c }, handler: h ?? s.handler });
      },
    });
  }

  /**
   * Adds middleware around every request this server handles, in both eras (lists, calls, reads, prompts,
   * completions, discover, tasks, initialize, …). Middleware runs in the order added, outermost first.
   * @example
   * server.use(async (request, next) => {
   *   if (request.method === 'tools/call' && !request.principal) throw new ProtocolError(ErrorCode.InvalidRequest, 'Sign in first');
   *   return next();
   * });
   */
  use(middleware: Middleware): this {
    if (typeof middleware !== 'function') throw new TypeError('server.use() takes a function (request, next) => Promise<result>');
    this.core.middleware.push(middleware);
    return this;
  }

  /** Tells subscribers that a resource changed (`notifications/resources/updated`). */
  notifyResourceUpdated(uri: string): void {
    this.core.broadcastResourceUpdated(uri);
  }

  /** Sends `notifications/{tools,resources,prompts}/list_changed` now (registrations send it by themselves). */
  notifyListChanged(kind: 'tools' | 'resources' | 'prompts'): void {
    this.core.broadcastListChanged(kind);
  }

  /**
   * Logs to every session-era client whose level lets it through (`notifications/message`). Stateless
   * clients receive logs only within a request: use `ctx.log()` there.
   */
  log(level: LoggingLevel, data: unknown, logger?: string): void {
    const params: JsonObject = logger === undefined ? { level, data } : { level, data, logger };
    for (const sink of this.core.logSinks) sink(level, params);
  }

  /**
   * Calls `listener` with the connection id (see RequestContext.connectionId) whenever a session-era client
   * says its roots changed. Stateless clients send roots with each request instead. Returns an unsubscribe.
   */
  onRootsChanged(listener: (connectionId: string) => void): () => void {
    this.core.rootsListeners.add(listener);
    return () => this.core.rootsListeners.delete(listener);
  }

  /** Ends every connection and open stream (sessions close, listen streams get their final result), then runs onClose hooks. */
  async close(): Promise<void> {
    for (const close of [...this.core.closers]) close();
    for (const hook of [...this.core.closeHooks]) {
      try {
        await hook();
      } catch (error) {
        this.core.report(error, 'an onClose hook');
      }
    }
  }

  /** Runs `hook` when the server closes, for resources the server owns (a database, a worker). */
  onClose(hook: () => void | Promise<void>): void {
    this.core.closeHooks.add(hook);
  }

  /** Serves one connection (stdio, in-memory, …). Resolves once the transport has started. */
  async connect(transport: Transport, options?: ConnectOptions): Promise<ServerSession> {
    const session = new ServerSession(this.core, transport, options);
    await session.start();
    return session;
  }
}
