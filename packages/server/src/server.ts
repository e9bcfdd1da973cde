/**
 * McpServer: register tools, resources and prompts once; serve them to session-era and stateless clients.
 * @module
 */
import type { CallToolResult, Implementation, JsonObject, LoggingLevel, ToolAnnotations, Transport } from '@mcpkit/protocol';
import { type McpServerOptions, ServerCore } from './core.js';
import { Handle, type Registered } from './registry/registry.js';
import type { SchemaInput } from './schema/compile.js';
import { type ToolArgs, type ToolConfig, type ToolEntry, type ToolHandler, createToolEntry } from './features/tools.js';
import type { PromptArgs, ToolOutput, ToolReturn, UntypedResult } from './features/tool-results.js';
import { readToolArguments } from './features/tool-signature.js';
import type { StandardSchemaV1 } from './schema/standard.js';
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
import { type MethodEntry, type MethodHandler, createMethodEntry } from './features/methods.js';
import type { Middleware } from './middleware.js';

/** An input schema in the positional forms of `tool()`: a shape, a Standard Schema, or a JSON Schema object. */
export type ToolInputSchema =
  | StandardSchemaV1
  // `{ inputSchema: z.object(…) }` is a config (see classifyToolObject), so a shape has no such members.
  | (Record<string, StandardSchemaV1> & { inputSchema?: never; outputSchema?: never })
  | { type: 'object'; [keyword: string]: unknown };
/** Keeps a Standard Schema (which may have a `description`) out of the config forms. */
type NotASchema = { readonly '~standard'?: never };

/** A registered tool: enable, disable, update or remove it at runtime. */
export interface RegisteredTool extends Registered {
  update(changes: Partial<ToolConfig> & { name?: string; handler?: ToolHandler<never, unknown> }): void;
}
export interface RegisteredResource extends Registered {
  update(changes: ResourceMetadata & { name?: string; uri?: string; handler?: ResourceHandler }): void;
}
export interface RegisteredResourceTemplate extends Registered {
  update(changes: Omit<ResourceTemplateConfig, 'list' | 'complete'> & { name?: string; handler?: ResourceTemplateHandler }): void;
}
export interface RegisteredPrompt extends Registered {
  update(changes: Partial<PromptConfig> & { name?: string; handler?: PromptHandler<never> }): void;
}

/** A registered custom method: enable, disable, update or remove it at runtime. */
export interface RegisteredMethod extends Registered {
  update(changes: { schema?: SchemaInput; handler?: MethodHandler<never> }): void;
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
   * Registers a tool. Schemas are converted and validators compiled here, once. The forms:
   * `tool(name, config, handler)`, and the official SDK's `tool(name, [description,] [inputSchema,]
   * [annotations,] handler)`; an input schema is a shape of Standard Schemas (`{ city: z.string() }`), a
   * Standard Schema object, or a JSON Schema with `type: "object"`.
   * The handler may return a string, a plain object (structured content) or a `CallToolResult`.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a bad name, a duplicate, an unusable schema, or
   * arguments that fit none of the forms.
   * @example
   * server.tool('add', 'Adds two numbers', { a: z.number(), b: z.number() }, ({ a, b }) => String(a + b));
   */
  // A handler typed against plain CallToolResult (untyped structuredContent) keeps working with an outputSchema.
  tool<S extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined, R extends CallToolResult = CallToolResult>(
    name: string,
    config: ToolConfig<S, O> & NotASchema,
    handler: ToolHandler<ToolArgs<S>, R & UntypedResult<R>>,
  ): RegisteredTool;
  tool<S extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined>(
    name: string,
    config: ToolConfig<S, O> & NotASchema,
    handler: ToolHandler<ToolArgs<S>, ToolReturn<ToolOutput<O>>>,
  ): RegisteredTool;
  tool<S extends ToolInputSchema>(name: string, inputSchema: S, handler: ToolHandler<ToolArgs<S>, ToolReturn>): RegisteredTool;
  tool<S extends ToolInputSchema>(name: string, description: string, inputSchema: S, handler: ToolHandler<ToolArgs<S>, ToolReturn>): RegisteredTool;
  tool<S extends ToolInputSchema>(name: string, inputSchema: S, annotations: ToolAnnotations, handler: ToolHandler<ToolArgs<S>, ToolReturn>): RegisteredTool;
  tool<S extends ToolInputSchema>(
    name: string,
    description: string,
    inputSchema: S,
    annotations: ToolAnnotations,
    handler: ToolHandler<ToolArgs<S>, ToolReturn>,
  ): RegisteredTool;
  tool(name: string, description: string, annotations: ToolAnnotations, handler: ToolHandler<ToolArgs<undefined>, ToolReturn>): RegisteredTool;
  tool(name: string, annotations: ToolAnnotations, handler: ToolHandler<ToolArgs<undefined>, ToolReturn>): RegisteredTool;
  tool(name: string, description: string, handler: ToolHandler<ToolArgs<undefined>, ToolReturn>): RegisteredTool;
  tool(name: string, handler: ToolHandler<ToolArgs<undefined>, ToolReturn>): RegisteredTool;
  tool(name: string, ...rest: unknown[]): RegisteredTool {
    const { config, handler } = readToolArguments(name, rest);
    type State = { name: string; config: ToolConfig; handler: ToolHandler<never, unknown> };
    const handle = new Handle<ToolEntry, State>(this.core.tools, { name, config, handler }, (s) => createToolEntry(s.name, s.config, s.handler));
    return Object.assign(handle, {
      update(changes: Partial<ToolConfig> & { name?: string; handler?: ToolHandler<never, unknown> }) {
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

  /**
   * Registers a prompt. With `arguments` as a shape of Standard Schemas the handler's arguments are typed
   * (and validated) from it; with `PromptArgument[]` they are strings.
   * @example
   * server.prompt('review', { arguments: { code: z.string() } }, ({ code }) => ({
   *   messages: [{ role: 'user', content: { type: 'text', text: `Review this:\n${code}` } }],
   * }));
   */
  prompt<A extends Record<string, StandardSchemaV1>>(name: string, config: PromptConfig<A> & { arguments: A }, handler: PromptHandler<PromptArgs<A>>): RegisteredPrompt;
  prompt(name: string, config: PromptConfig, handler: PromptHandler): RegisteredPrompt;
  prompt(name: string, config: PromptConfig, handler: PromptHandler<never>): RegisteredPrompt {
    type State = { name: string; config: PromptConfig; handler: PromptHandler<never> };
    const state: State = { name, config: config as PromptConfig, handler: handler as PromptHandler<never> };
    const handle = new Handle<PromptEntry, State>(this.core.prompts, state, (s) => createPromptEntry(s.name, s.config, s.handler));
    return Object.assign(handle, {
      update(changes: Partial<PromptConfig> & { name?: string; handler?: PromptHandler<never> }) {
        const { name: n, handler: h, ...c } = changes;
        const s = handle.state;
        handle.apply({ name: n ?? s.name, config: { ...s.config, ...c }, handler: h ?? s.handler });
      },
    });
  }

  /**
   * Registers a request method outside MCP's own (e.g. `acme/reindex`), served in both eras. Params are
   * validated against `schema` (compiled here, once): invalid ones get -32602 naming the field. In the
   * 2026-07-28 era the request carries `_meta` like any other; `_meta` is not part of the validated params
   * (read it from `ctx.meta`). A custom method cannot ask the client for input in that era (only tools/call,
   * resources/read and prompts/get can: spec 2026-07-28 basic/patterns/mrtr).
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a name MCP uses (`tools/call`), an MCP
   * namespace (`tools/…`, `notifications/…`), `rpc.…`, a duplicate, or an unusable schema.
   * @example
   * server.method('acme/reindex', { index: z.string() }, async ({ index }, ctx) => {
   *   await ctx.progress(0, 1);
   *   return { reindexed: index };
   * });
   */
  method<S extends SchemaInput>(name: string, schema: S, handler: MethodHandler<ToolArgs<S>>): RegisteredMethod {
    type State = { schema: SchemaInput; handler: MethodHandler<never> };
    const handle = new Handle<MethodEntry, State>(this.core.methods, { schema, handler: handler as MethodHandler<never> }, (s) =>
      createMethodEntry(name, s.schema, s.handler));
    return Object.assign(handle, {
      update(changes: { schema?: SchemaInput; handler?: MethodHandler<never> }) {
        const s = handle.state;
        handle.apply({ schema: changes.schema ?? s.schema, handler: changes.handler ?? s.handler });
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

  /**
   * Hears when a resource gains its first subscriber in this process (`watched` true) and loses its last (false):
   * session-era `resources/subscribe` (also one another replica took, with shared session state) and 2026-07-28
   * `subscriptions/listen` streams. For servers that watch something only while someone listens: a file
   * watcher, a database trigger, a proxy's own upstream subscription. Returns what stops it.
   * @example
   * server.onResourceWatch((uri, watched) => (watched ? watcher.add(uri) : watcher.remove(uri)));
   */
  onResourceWatch(listener: (uri: string, watched: boolean) => void): () => void {
    this.core.watchListeners.add(listener);
    return () => void this.core.watchListeners.delete(listener);
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
