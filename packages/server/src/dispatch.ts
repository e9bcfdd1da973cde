/**
 * The requests both eras share: tools, resources, prompts, completion. Results come back era-neutral; the
 * era adapters add what their revision needs (`resultType`, cache hints, `_meta`).
 * @module
 */
import {
  type CompleteResult,
  type JsonObject,
  type ReadResourceResult,
  type Resource,
  ErrorCode,
  ProtocolError,
  invalidParams,
} from '@mcpkit/protocol';
import type { ServerCore } from './core.js';
import { RequestContext, type Exchange } from './context.js';
import { callTool, readCallParams, toolForRevision } from './features/tools.js';
import { ResourceNotFoundError, normalizeRead, resourceNotFound } from './features/resources.js';
import type { Completer } from './features/resources.js';
import { type PromptHandler, preparePromptArgs } from './features/prompts.js';
import { promptResultForRevision, resultsUnchangedIn, toolResultForRevision } from './features/content-compat.js';
import { listResult } from './pagination.js';

type Handler = (core: ServerCore, params: JsonObject, x: Exchange) => Promise<JsonObject> | JsonObject;

function cachedList(core: ServerCore, kind: string, revision: string, cursor: unknown, build: () => JsonObject): JsonObject {
  const key = `${kind}|${revision}|${typeof cursor === 'string' ? cursor : ''}`;
  let result = core.listCache.get(key);
  if (!result) {
    result = build();
    if (core.listCache.size > 512) core.listCache.clear();
    core.listCache.set(key, result);
  }
  return result;
}

function requireCapability(core: ServerCore, kind: 'tools' | 'resources' | 'prompts', method: string): void {
  const size = kind === 'resources' ? core.resources.size + core.templates.size : core[kind].size;
  // spec 2026-07-28 basic/transports: a method gated by a capability the server lacks is -32601.
  if (size === 0 && core.options.capabilities?.[kind] === undefined) {
    throw new ProtocolError(ErrorCode.MethodNotFound, `Method not found: ${method} (this server has no ${kind})`);
  }
}

async function readResource(core: ServerCore, params: JsonObject, x: Exchange): Promise<ReadResourceResult> {
  const uri = params.uri;
  if (typeof uri !== 'string') throw invalidParams('params.uri', 'must be a string');
  const ctx = new RequestContext(x);
  try {
    const fixed = core.resources.get(uri);
    if (fixed) return normalizeRead(uri, await fixed.handler(uri, ctx), `resource ${fixed.definition.name}`);
    for (const t of core.templates.enabled()) {
      const vars = t.template.match(uri);
      if (vars) return normalizeRead(uri, await t.handler(uri, vars, ctx), `resource template ${t.key}`);
    }
  } catch (error) {
    if (error instanceof ResourceNotFoundError) throw resourceNotFound(error.uri, x.protocolVersion, error.detail);
    throw error;
  }
  throw resourceNotFound(uri, x.protocolVersion);
}

async function complete(core: ServerCore, params: JsonObject, x: Exchange): Promise<CompleteResult> {
  const ref = params.ref as JsonObject | undefined;
  const argument = params.argument as JsonObject | undefined;
  if (typeof ref !== 'object' || ref === null) throw invalidParams('params.ref', 'must be an object');
  if (typeof argument !== 'object' || argument === null || typeof argument.name !== 'string') {
    throw invalidParams('params.argument.name', 'must be a string');
  }
  const value = typeof argument.value === 'string' ? argument.value : '';
  let completer: Completer | undefined;
  if (ref.type === 'ref/prompt') {
    if (typeof ref.name !== 'string') throw invalidParams('params.ref.name', 'must be a string');
    const prompt = core.prompts.get(ref.name);
    if (!prompt) throw invalidParams('params.ref.name', `names no prompt: ${ref.name}`);
    completer = prompt.complete?.[argument.name];
  } else if (ref.type === 'ref/resource') {
    if (typeof ref.uri !== 'string') throw invalidParams('params.ref.uri', 'must be a string');
    let found = false;
    for (const t of core.templates.enabled()) {
      if (t.definition.uriTemplate === ref.uri) {
        found = true;
        completer = t.complete?.[argument.name];
        break;
      }
    }
    if (!found && !core.resources.get(ref.uri)) throw invalidParams('params.ref.uri', `names no resource template: ${ref.uri}`);
  } else {
    throw invalidParams('params.ref.type', 'must be "ref/prompt" or "ref/resource"');
  }
  if (!completer) return { completion: { values: [], hasMore: false } };
  const context = params.context as { arguments?: Record<string, string> } | undefined;
  const all = await completer(value, { arguments: context?.arguments ?? {} }, new RequestContext(x));
  // spec server/utilities/completion: at most 100 values per response.
  const values = all.slice(0, 100);
  return { completion: { values, total: all.length, hasMore: all.length > values.length } };
}

const handlers: Record<string, Handler> = {
  'tools/list': (core, params, x) => {
    requireCapability(core, 'tools', 'tools/list');
    return cachedList(core, 'tools', x.protocolVersion, params.cursor, () => {
      const tools = [...core.tools.enabled()].map((t) => toolForRevision(t.definition, x.protocolVersion));
      return listResult('tools', tools, params.cursor, core.options.pageSize);
    });
  },
  // Not async: one frame and one microtask turn fewer per call. Bad params throw here; every caller turns a
  // throw into the request's error.
  'tools/call': (core, params, x) => {
    requireCapability(core, 'tools', 'tools/call');
    const { name, args } = readCallParams(params);
    const entry = core.tools.get(name);
    if (!entry) throw invalidParams('params.name', `names no tool: ${name}`);
    const called = callTool(entry, args, new RequestContext(x), (e, tool) => core.report(e, `tool ${tool} threw`)) as Promise<JsonObject>;
    const revision = x.protocolVersion;
    return resultsUnchangedIn(revision) ? called : called.then((result) => toolResultForRevision(result, revision));
  },
  'resources/list': async (core, params, x) => {
    requireCapability(core, 'resources', 'resources/list');
    const listing = [...core.templates.enabled()].filter((t) => t.list);
    if (listing.length === 0) {
      return cachedList(core, 'resources', x.protocolVersion, params.cursor, () =>
        listResult('resources', [...core.resources.enabled()].map((r) => r.definition), params.cursor, core.options.pageSize),
      );
    }
    const all: Resource[] = [...core.resources.enabled()].map((r) => r.definition);
    const ctx = new RequestContext(x);
    for (const t of listing) all.push(...(await t.list!(ctx)));
    return listResult('resources', all, params.cursor, core.options.pageSize);
  },
  'resources/templates/list': (core, params, x) => {
    requireCapability(core, 'resources', 'resources/templates/list');
    return cachedList(core, 'resources-templates', x.protocolVersion, params.cursor, () =>
      listResult('resourceTemplates', [...core.templates.enabled()].map((t) => t.definition), params.cursor, core.options.pageSize),
    );
  },
  'resources/read': async (core, params, x) => {
    requireCapability(core, 'resources', 'resources/read');
    return (await readResource(core, params, x)) as unknown as JsonObject;
  },
  'prompts/list': (core, params, x) => {
    requireCapability(core, 'prompts', 'prompts/list');
    return cachedList(core, 'prompts', x.protocolVersion, params.cursor, () =>
      listResult('prompts', [...core.prompts.enabled()].map((p) => p.definition), params.cursor, core.options.pageSize),
    );
  },
  'prompts/get': async (core, params, x) => {
    requireCapability(core, 'prompts', 'prompts/get');
    const name = params.name;
    if (typeof name !== 'string') throw invalidParams('params.name', 'must be a string');
    const entry = core.prompts.get(name);
    if (!entry) throw invalidParams('params.name', `names no prompt: ${name}`);
    const args = await preparePromptArgs(entry, params.arguments);
    const result = await (entry.handler as PromptHandler)(args, new RequestContext(x));
    if (typeof result !== 'object' || result === null || !Array.isArray(result.messages)) {
      throw new ProtocolError(ErrorCode.InternalError, `Internal error: prompt ${name} returned no messages array`);
    }
    return promptResultForRevision(result as unknown as JsonObject, x.protocolVersion);
  },
  'completion/complete': async (core, params, x) => (await complete(core, params, x)) as unknown as JsonObject,
};

/** The shared handler for `method`, or undefined when it is not one of the shared methods. */
export function sharedHandler(method: string): Handler | undefined {
  return Object.hasOwn(handlers, method) ? handlers[method] : undefined;
}

/** The handler for `method`: a shared MCP method or a registered custom method (`server.method()`). */
export function handlerFor(core: ServerCore, method: string): Handler | undefined {
  if (Object.hasOwn(handlers, method)) return handlers[method];
  return core.methods.get(method)?.run;
}

/** Methods whose results carry cache hints in the stateless era (spec 2026-07-28 server/utilities/caching). */
export const CACHEABLE_METHODS: ReadonlySet<string> = new Set([
  'server/discover',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
]);

/** Methods that may answer `input_required` (spec 2026-07-28 basic/patterns/mrtr). */
export const INPUT_METHODS: ReadonlySet<string> = new Set(['tools/call', 'resources/read', 'prompts/get']);
