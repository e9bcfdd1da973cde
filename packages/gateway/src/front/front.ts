/**
 * The gateway's front: one McpServer whose tools, prompts, resources and templates mirror the catalogue, each
 * handler forwarding to its upstream and relaying what the upstream asks (elicitation, sampling, roots) and
 * reports (progress) to the calling client, in whichever era each side speaks.
 * @module
 */
import type { ClientHandlers } from '@mcpkit/client';
import { copyObject } from '@mcpkit/protocol';
import {
  ErrorCode,
  ProtocolError,
  type CallToolResult,
  type GetPromptResult,
  type JsonObject,
  McpServer,
  type RegisteredPrompt,
  type RegisteredResource,
  type RegisteredResourceTemplate,
  type RegisteredTool,
  type RequestContext,
  type ResourceReadResult,
  type StandardSchemaV1,
} from '@mcpkit/server';
import type { Logger } from '../log.js';
import type { Upstream } from '../upstream/upstream.js';
import { type Catalogue, type CatalogueEntry, type PinVerdict, buildCatalogue } from './catalogue.js';
import { namespaceToolName } from '@mcpkit/client';
import type { ResultGuard } from '../trust/guardrails.js';

/** What the upstream may ask, answered by asking the gateway's own client (only what it declared). */
function relay(ctx: RequestContext): ClientHandlers {
  const handlers: ClientHandlers = {};
  if (ctx.supports('elicitation')) handlers.elicitation = (params) => ctx.elicit(params);
  if (ctx.supports('sampling')) handlers.sampling = (params) => ctx.sample(params);
  if (ctx.supports('roots')) handlers.roots = () => ctx.listRoots();
  return handlers;
}

/**
 * An upstream's tool schema as the front's: on the wire exactly as the upstream wrote it, but never compiled or
 * run here. Ajv turns a JSON Schema into code, and a hostile upstream's `pattern` that backtracks
 * catastrophically (`^(a+)+$`) would stall the gateway's one event loop for every caller and upstream. The
 * upstream checks its own arguments, as it must anyway; a result's `structuredContent` is checked by the
 * caller against the schema it was shown, if it wants to.
 */
function asDescribed(schema: JsonObject): StandardSchemaV1 {
  return { '~standard': { version: 1, vendor: 'mcpkit-gateway', validate: (value) => ({ value }), jsonSchema: { input: () => schema, output: () => schema } } };
}

/** `_meta` carried upstream: the caller's trace context, nothing else of theirs. */
function upstreamMeta(ctx: RequestContext): JsonObject | undefined {
  const trace = ctx.traceContext;
  return trace ? { ...trace } : undefined;
}

function withMeta(params: JsonObject, ctx: RequestContext): JsonObject {
  const meta = upstreamMeta(ctx);
  if (!meta) return params;
  // copyObject, then a store: adding a key to a spread copy is V8 11's slow path (Node 20).
  const out: JsonObject = copyObject(params);
  out._meta = meta;
  return out;
}

export interface FrontOptions {
  /** Upstreams this front exposes (a route exposes a subset). */
  upstreams: () => readonly Upstream[];
  /** Extra filter on namespaced tool names (a route's `tools`). */
  toolFilter?: (name: string) => boolean;
  /** Inspects results on their way to the client (response guardrails). */
  results?: ResultGuard;
  /** Pinning's verdict per upstream: blocked servers and quarantined items are left out. */
  verdictOf?: (upstream: string) => PinVerdict | undefined;
  log: Logger;
  instructions?: string;
  /** HMAC key of the 2026-07-28 `requestState` (shared by replicas, so a retry may reach any); random when unset. */
  requestStateSecret?: Uint8Array;
}

export class GatewayFront {
  readonly server: McpServer;
  catalogue: Catalogue = { tools: new Map(), prompts: new Map(), resources: new Map(), templates: [], clashes: [] };
  readonly #tools = new Map<string, { handle: RegisteredTool; json: string }>();
  readonly #prompts = new Map<string, { handle: RegisteredPrompt; json: string }>();
  readonly #resources = new Map<string, { handle: RegisteredResource; json: string }>();
  readonly #templates = new Map<string, { handle: RegisteredResourceTemplate; json: string }>();
  readonly #options: FrontOptions;
  readonly #withheld = new Map<string, string>();
  readonly #byName: (name: string) => Upstream | undefined;

  constructor(options: FrontOptions, byName: (name: string) => Upstream | undefined) {
    this.#options = options;
    this.#byName = byName;
    this.server = new McpServer(
      { name: 'mcpkit-gateway', version: '0.1.0' },
      {
        // The catalogue can be empty for a moment (upstreams starting): advertise what a gateway serves anyway.
        capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true }, completions: {} },
        ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
        ...(options.requestStateSecret === undefined ? {} : { requestStateSecret: options.requestStateSecret }),
        onError: (error, context) => options.log.warn({ err: error.message, context }, 'front server error'),
      },
    );
  }

  /**
   * Why a namespaced tool or prompt is not offered although its upstream serves it (pinning blocked the server or
   * quarantined the item), or undefined.
   */
  withheld(name: string): string | undefined {
    const own = this.#withheld.get(name);
    if (own !== undefined) return own;
    const cut = name.indexOf('__');
    return cut > 0 ? this.#withheld.get(name.slice(0, cut + 2)) : undefined;
  }

  /** The upstream an entry belongs to, or a clear error. */
  upstreamOf(entry: CatalogueEntry<unknown>): Upstream {
    const upstream = this.#byName(entry.upstream);
    if (!upstream) throw new Error(`Upstream ${entry.upstream} is no longer configured`);
    return upstream;
  }

  /** Rebuilds the catalogue and brings the registrations in line with it (one list_changed per kind). */
  sync(): void {
    const upstreams = this.#options.upstreams();
    const next = buildCatalogue(upstreams, this.#options.verdictOf);
    this.#withheld.clear();
    for (const u of upstreams) {
      const verdict = this.#options.verdictOf?.(u.name);
      if (!verdict || verdict.pending) continue;
      if (verdict.block !== undefined) this.#withheld.set(`${u.name}__`, `server ${u.name} is blocked: ${verdict.block}`);
      for (const [key, why] of verdict.quarantine) {
        const colon = key.indexOf(':');
        const kind = key.slice(0, colon);
        if (kind === 'tool' || kind === 'prompt') this.#withheld.set(namespaceToolName(u.name, key.slice(colon + 1)), `${kind} quarantined: ${why}`);
      }
    }
    if (this.#options.toolFilter) for (const name of [...next.tools.keys()]) if (!this.#options.toolFilter(name)) next.tools.delete(name);
    for (const c of next.clashes) this.#options.log.warn(c, 'two upstreams list the same resource URI; the first in config order serves it');
    this.catalogue = next;
    this.#syncKind(this.#tools, next.tools, (name, e) => this.#registerTool(name, e));
    this.#syncKind(this.#prompts, next.prompts, (name, e) => this.#registerPrompt(name, e));
    this.#syncKind(this.#resources, next.resources, (uri, e) => this.#registerResource(uri, e));
    const templates = new Map(next.templates.map((t) => [`${t.upstream}\u0000${t.original}`, t]));
    this.#syncKind(this.#templates, templates, (_key, e) => this.#registerTemplate(e));
  }

  #syncKind<T, H extends { remove(): void }>(
    current: Map<string, { handle: H; json: string }>,
    wanted: Map<string, CatalogueEntry<T>>,
    register: (key: string, entry: CatalogueEntry<T>) => H | undefined,
  ): void {
    for (const [key, reg] of current) {
      if (!wanted.has(key)) {
        reg.handle.remove();
        current.delete(key);
      }
    }
    for (const [key, entry] of wanted) {
      const json = JSON.stringify([entry.upstream, entry.definition]);
      const had = current.get(key);
      if (had?.json === json) continue;
      had?.handle.remove();
      current.delete(key);
      const handle = register(key, entry);
      if (handle) current.set(key, { handle, json });
    }
  }

  #registerTool(name: string, entry: CatalogueEntry<import('@mcpkit/server').Tool>): RegisteredTool | undefined {
    const d = entry.definition;
    try {
      return this.server.tool(
        name,
        {
          inputSchema: asDescribed(d.inputSchema),
          ...(d.title === undefined ? {} : { title: d.title }),
          ...(d.description === undefined ? {} : { description: d.description }),
          ...(d.outputSchema === undefined ? {} : { outputSchema: asDescribed(d.outputSchema) }),
          ...(d.annotations === undefined ? {} : { annotations: d.annotations }),
          ...(d.icons === undefined ? {} : { icons: d.icons }),
        },
        async (args, ctx) => {
          const cleared = this.#cleared(this.catalogue.tools.get(name) ?? entry, 'tools', name);
          const current = cleared instanceof Promise ? await cleared : cleared;
          const params = withMeta({ name: current.original, arguments: args as JsonObject }, ctx);
          const result = await this.upstreamOf(current).request(
            'tools/call',
            params,
            { cancellation: ctx.cancellation, handlers: relay(ctx), onProgress: (p) => void ctx.progress(p.progress, p.total, p.message) },
            (entry) => void ctx.log(entry.level, entry.data, entry.logger ?? current.upstream),
          );
          const results = this.#options.results;
          return results ? results.tool(current.upstream, current.original, name, result as unknown as CallToolResult) : (result as unknown as CallToolResult);
        },
      );
    } catch (error) {
      this.#options.log.warn({ tool: name, err: (error as Error).message }, 'upstream tool left out: its schema cannot be used');
      return undefined;
    }
  }

  #registerPrompt(name: string, entry: CatalogueEntry<import('@mcpkit/server').Prompt>): RegisteredPrompt | undefined {
    const d = entry.definition;
    try {
      return this.server.prompt(
        name,
        {
          ...(d.title === undefined ? {} : { title: d.title }),
          ...(d.description === undefined ? {} : { description: d.description }),
          ...(d.arguments === undefined ? {} : { arguments: d.arguments }),
          ...(d.icons === undefined ? {} : { icons: d.icons }),
        },
        async (args, ctx) => {
          const cleared = this.#cleared(this.catalogue.prompts.get(name) ?? entry, 'prompts', name);
          const current = cleared instanceof Promise ? await cleared : cleared;
          const result = await this.upstreamOf(current).request('prompts/get', withMeta({ name: current.original, arguments: args }, ctx), {
            cancellation: ctx.cancellation,
            handlers: relay(ctx),
          });
          return result as unknown as GetPromptResult;
        },
      );
    } catch (error) {
      this.#options.log.warn({ prompt: name, err: (error as Error).message }, 'upstream prompt left out');
      return undefined;
    }
  }

  /**
   * The entry to call once its upstream's lists are checked: a list_changed re-reads and re-checks them first, so
   * no call reaches a changed definition before pinning has seen it.
   * @throws ProtocolError when the entry was quarantined or withdrawn meanwhile.
   */
  /**
   * The entry to call, once no re-read of its upstream's lists is under way (a list_changed may have withdrawn
   * or quarantined it). Synchronous when nothing is being re-read: the usual call waits no turn.
   */
  /**
   * The entry `name` has in the catalogue once its upstream's list has settled (the catalogue is read then, by
   * `kind`, since a settling list replaces it).
   */
  #cleared<T>(entry: CatalogueEntry<T>, kind: 'tools' | 'prompts', name: string): CatalogueEntry<T> | Promise<CatalogueEntry<T>> {
    const settling = this.upstreamOf(entry).settling();
    return settling === undefined ? this.#clearedNow<T>(kind, name) : settling.then(() => this.#clearedNow<T>(kind, name));
  }

  #clearedNow<T>(kind: 'tools' | 'prompts', name: string): CatalogueEntry<T> {
    const current = this.catalogue[kind].get(name) as CatalogueEntry<T> | undefined;
    if (current) return current;
    const why = this.withheld(name);
    throw new ProtocolError(ErrorCode.InvalidRequest, why ? `Refused: ${name}: ${why}` : `Refused: ${name} is no longer offered by its server`, {
      reason: why ? 'quarantined' : 'withdrawn',
    });
  }

  async #read(entry: CatalogueEntry<unknown>, uri: string, ctx: RequestContext): Promise<ResourceReadResult> {
    await this.upstreamOf(entry).settled();
    const result = await this.upstreamOf(entry).request('resources/read', withMeta({ uri }, ctx), { cancellation: ctx.cancellation, handlers: relay(ctx) });
    const results = this.#options.results;
    // ReadResourceResult of the wire and of a handler are the same shape; the guard works on the wire's.
    return (results ? results.resource(entry.upstream, uri, result as never) : result) as unknown as ResourceReadResult;
  }

  #registerResource(uri: string, entry: CatalogueEntry<import('@mcpkit/server').Resource>): RegisteredResource | undefined {
    const { uri: _u, name, ...meta } = entry.definition;
    try {
      return this.server.resource(name, uri, meta, (u, ctx) => this.#read(this.catalogue.resources.get(uri) ?? entry, u, ctx));
    } catch (error) {
      this.#options.log.warn({ uri, err: (error as Error).message }, 'upstream resource left out');
      return undefined;
    }
  }

  #registerTemplate(entry: CatalogueEntry<import('@mcpkit/server').ResourceTemplate>): RegisteredResourceTemplate | undefined {
    const { uriTemplate, name, ...meta } = entry.definition;
    try {
      return this.server.resourceTemplate(name, uriTemplate, meta, (uri, _vars, ctx) => this.#read(entry, uri, ctx));
    } catch (error) {
      this.#options.log.warn({ template: uriTemplate, err: (error as Error).message }, 'upstream resource template left out');
      return undefined;
    }
  }
}
