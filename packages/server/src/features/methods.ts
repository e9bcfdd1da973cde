/**
 * Custom request methods (`server.method('acme/reindex', schema, handler)`): params validated by a schema
 * compiled once at registration; names MCP uses, or may use, are refused.
 * @module
 */
import { type JsonObject, ErrorCode, InvalidArgumentError, ProtocolError } from '@mcpkit/protocol';
import { type Exchange, RequestContext } from '../context.js';
import { type CompiledSchema, type SchemaInput, compileSchema } from '../schema/compile.js';

/** Handles a custom method: gets the validated params (without `_meta`) and returns the result object. */
export type MethodHandler<Params> = (params: Params, ctx: RequestContext) => object | Promise<object>;

export interface MethodEntry {
  key: string;
  enabled: boolean;
  params: CompiledSchema;
  handler: MethodHandler<never>;
  /** Runs one request (built once here, so dispatch allocates nothing per call). */
  run(core: unknown, params: JsonObject, x: Exchange): Promise<JsonObject>;
}

/** Every request and notification method of MCP's revisions, both directions. */
const MCP_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'sampling/createMessage',
  'elicitation/create',
  'roots/list',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
  'tasks/update',
  'server/discover',
  'subscriptions/listen',
]);
/** MCP's namespaces: a later revision may add methods under them, so custom methods stay out. */
const MCP_NAMESPACES = ['notifications/', 'tools/', 'resources/', 'prompts/', 'completion/', 'logging/', 'sampling/', 'elicitation/', 'roots/', 'tasks/', 'server/', 'subscriptions/'];

/**
 * Checks a custom method name: not one of MCP's methods or namespaces, not JSON-RPC's reserved `rpc.`.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT`
 */
function checkMethodName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 256 || /\s/.test(name)) {
    throw new InvalidArgumentError(`method name must be 1-256 characters without whitespace, got ${JSON.stringify(name)}`);
  }
  if (MCP_METHODS.has(name)) throw new InvalidArgumentError(`method ${name} is one of MCP's own methods; choose a name in your own namespace (e.g. acme/${name.replace(/\//g, '-')})`);
  const ns = MCP_NAMESPACES.find((p) => name.startsWith(p));
  if (ns) throw new InvalidArgumentError(`method ${name} is in MCP's ${ns} namespace; choose a name in your own namespace (e.g. acme/…)`);
  // JSON-RPC 2.0 §4: method names starting with "rpc." are reserved.
  if (name.startsWith('rpc.')) throw new InvalidArgumentError(`method ${name}: names starting with rpc. are reserved by JSON-RPC`);
}

export function createMethodEntry(name: string, schema: SchemaInput, handler: MethodHandler<never>): MethodEntry {
  checkMethodName(name);
  if (typeof handler !== 'function') throw new InvalidArgumentError(`method ${name}: the handler must be a function`);
  const params = compileSchema(schema, 'input', 'params', `method ${name} params`);
  const entry: MethodEntry = { key: name, enabled: true, params, handler, run: (_core, p, x) => runMethod(entry, p, new RequestContext(x)) };
  return entry;
}

/**
 * Runs a custom method: params (without `_meta`) through the schema, then the handler.
 * @throws ProtocolError -32602 naming the field for invalid params; -32603 when the handler returns no object.
 */
export async function runMethod(entry: MethodEntry, params: JsonObject, ctx: RequestContext): Promise<JsonObject> {
  let input: JsonObject = params;
  if ('_meta' in params) {
    const { _meta: _omit, ...rest } = params;
    input = rest;
  }
  const outcome = await entry.params.validate(input);
  if (!outcome.ok) throw new ProtocolError(ErrorCode.InvalidParams, `Invalid params: ${outcome.problems.join('; ')}`);
  const result = await (entry.handler as MethodHandler<unknown>)(outcome.value, ctx);
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new ProtocolError(ErrorCode.InternalError, `Internal error: method ${entry.key} returned no result object`);
  }
  return result as JsonObject;
}
