/**
 * Client-side 2026-07-28 routing headers (Mcp-Method, Mcp-Name, Mcp-Param-*), their encoding, x-mcp-header checks.
 * @module
 */
import { type JsonObject, type JsonRpcMessage, MCP_NAME_FIELDS, encodeHeaderValue } from '@mcpkit/protocol';

export { encodeHeaderValue };

/** Looks up a tool's `inputSchema` by tool name (the client's latest `tools/list`). */
export type ToolSchemaLookup = (toolName: string) => JsonObject | undefined;

/** RFC 9110 §5.6.2 `token = 1*tchar`. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'boolean']);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Annotation {
  header: string;
  path: string[];
  type: unknown;
}

/** The annotations reachable from the root through `properties` only: the ones that can carry a header. */
function reachableAnnotations(schema: JsonObject): Annotation[] {
  const out: Annotation[] = [];
  const walk = (node: JsonObject, path: string[]): void => {
    const props = node.properties;
    if (!isObject(props)) return;
    for (const [key, sub] of Object.entries(props)) {
      if (!isObject(sub)) continue;
      const here = [...path, key];
      if ('x-mcp-header' in sub) out.push({ header: sub['x-mcp-header'] as string, path: here, type: sub.type });
      walk(sub, here);
    }
  };
  walk(schema, []);
  return out;
}

/** Schema keywords whose value is one subschema, a list of them, or a map of them (JSON Schema 2020-12 + draft 7). */
const ONE: readonly string[] = [
  'additionalProperties',
  'propertyNames',
  'items',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const MANY: readonly string[] = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP: readonly string[] = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

/** Annotations anywhere else in the schema (under `items`, `anyOf`, `$defs`, …); instance data such as `default` is skipped. */
function unreachableAnnotations(schema: JsonObject): string[] {
  const out: string[] = [];
  // `onChain`: reached from the root through `properties` alone. The root itself is on the chain but is no property.
  const visit = (node: unknown, path: string, onChain: boolean): void => {
    if (!isObject(node)) return;
    if ('x-mcp-header' in node && (!onChain || path === '')) out.push(path || '(root)');
    for (const k of ONE) if (isObject(node[k])) visit(node[k], `${path}/${k}`, false);
    for (const k of MANY) {
      const list = node[k];
      if (Array.isArray(list)) list.forEach((s, i) => visit(s, `${path}/${k}/${i}`, false));
    }
    for (const k of MAP) {
      const map = node[k];
      if (!isObject(map)) continue;
      for (const [name, s] of Object.entries(map)) visit(s, `${path}/${k}/${name}`, k === 'properties' && onChain);
    }
  };
  visit(schema, '', true);
  return out;
}

/**
 * Checks a tool's `x-mcp-header` annotations (spec 2026-07-28 server/tools#x-mcp-header). A client on Streamable
 * HTTP must leave a tool with any problem out of its `tools/list` results.
 * @returns one readable problem per violation; empty when the tool is usable.
 * @example
 * validateHeaderAnnotations({ type: 'object', properties: { n: { type: 'number', 'x-mcp-header': 'N' } } });
 * // ['x-mcp-header on n: type must be "string", "integer" or "boolean", not "number"']
 */
export function validateHeaderAnnotations(inputSchema: JsonObject): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const a of reachableAnnotations(inputSchema)) {
    const where = `x-mcp-header on ${a.path.join('.')}`;
    if (typeof a.header !== 'string' || !TOKEN.test(a.header)) {
      problems.push(`${where}: ${JSON.stringify(a.header)} is not a non-empty HTTP token (RFC 9110 tchar)`);
      continue;
    }
    if (typeof a.type !== 'string' || !HEADER_TYPES.has(a.type)) {
      problems.push(`${where}: type must be "string", "integer" or "boolean", not ${JSON.stringify(a.type ?? null)}`);
    }
    const lower = a.header.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined) problems.push(`${where}: header name "${a.header}" repeats the one on ${first} (names are case-insensitive)`);
    else seen.set(lower, a.path.join('.'));
  }
  for (const where of unreachableAnnotations(inputSchema)) {
    problems.push(`x-mcp-header at ${where}: annotations may only be reached from the root through "properties"`);
  }
  return problems;
}

function valueAt(args: unknown, path: readonly string[]): unknown {
  let cur = args;
  for (const key of path) {
    if (!isObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** The header text of an argument, or undefined when it has no header form (absent, null, a fraction, an object). */
function headerText(value: unknown, type: unknown): string | undefined {
  if (type === 'string' && typeof value === 'string') return encodeHeaderValue(value);
  if (type === 'integer' && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (type === 'boolean' && typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

// A tool's schema object lives until the next tools/list replaces it: walk it once, not on every call.
const annotationsOf = new WeakMap<JsonObject, readonly Annotation[] | null>();

/** The schema's header annotations, or null when they are invalid (then no `Mcp-Param-*` header is sent). */
function headerAnnotations(schema: JsonObject): readonly Annotation[] | null {
  let annotations = annotationsOf.get(schema);
  if (annotations === undefined) {
    annotations = validateHeaderAnnotations(schema).length > 0 ? null : reachableAnnotations(schema);
    annotationsOf.set(schema, annotations);
  }
  return annotations;
}

/**
 * The 2026-07-28 routing headers of one outgoing message: `Mcp-Method` for every request, `Mcp-Name` for the
 * methods that name a target, and `Mcp-Param-*` for a `tools/call` whose tool schema is known and valid. A
 * tool never seen gets no `Mcp-Param-*` headers (SEP-2243: send without them).
 * @example
 * buildMcpHeaders({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } });
 * // { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'echo' }
 */
export function buildMcpHeaders(message: JsonRpcMessage, toolSchema?: ToolSchemaLookup): Record<string, string> {
  return addMcpHeaders({}, message, toolSchema);
}

/**
 * Every header of a Streamable HTTP POST: the media types, the session id (session era), the negotiated revision,
 * and in 2026-07-28 the routing headers (spec 2026-07-28 basic/transports/streamable-http#standard-request-headers).
 */
export function postHeaders(message: JsonRpcMessage, sessionId: string | undefined, protocolVersion: string | undefined, stateless: boolean, toolSchema: ToolSchemaLookup | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
  if (sessionId !== undefined) headers['Mcp-Session-Id'] = sessionId;
  if (protocolVersion !== undefined) headers['MCP-Protocol-Version'] = protocolVersion;
  return stateless ? addMcpHeaders(headers, message, toolSchema) : headers;
}

function addMcpHeaders(headers: Record<string, string>, message: JsonRpcMessage, toolSchema: ToolSchemaLookup | undefined): Record<string, string> {
  if (!('method' in message) || !('id' in message)) return headers;
  headers['Mcp-Method'] = message.method;
  const params = message.params;
  const field = MCP_NAME_FIELDS[message.method];
  const name = field === undefined ? undefined : params?.[field];
  if (typeof name === 'string') headers['Mcp-Name'] = encodeHeaderValue(name);
  if (message.method !== 'tools/call' || typeof params?.name !== 'string' || !toolSchema) return headers;
  const schema = toolSchema(params.name);
  const annotations = schema === undefined ? undefined : headerAnnotations(schema);
  if (!annotations) return headers;
  for (const a of annotations) {
    const text = headerText(valueAt(params.arguments, a.path), a.type);
    if (text !== undefined) headers[`Mcp-Param-${a.header}`] = text;
  }
  return headers;
}
