/**
 * The argument forms of `McpServer.tool()`: `(name, config, handler)`, and the official SDK's positional ones
 * `(name, [description,] [schema,] [annotations,] handler)`. Which form a call uses is decided once, at
 * registration, from the arguments' runtime shapes.
 * @module
 */
import { type ToolAnnotations, InvalidArgumentError } from '@mcpkit/protocol';
import { isStandardSchema } from '../schema/standard.js';
import type { SchemaInput } from '../schema/compile.js';
import type { ToolConfig, ToolHandler } from './tools.js';

const CONFIG_KEYS: ReadonlySet<string> = new Set([
  'title',
  'description',
  'inputSchema',
  'outputSchema',
  'annotations',
  'icons',
  'task',
  'execution',
  '_meta',
]);
/** The only config members whose value may itself be a schema. */
const SCHEMA_KEYS: ReadonlySet<string> = new Set(['inputSchema', 'outputSchema']);
const ANNOTATION_KEYS: ReadonlySet<string> = new Set(['title', 'readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']);
/** Keywords that mark an object without `type` as a JSON Schema rather than a config. */
const JSON_SCHEMA_KEYWORDS = ['$schema', '$ref', '$defs', 'properties', 'required', 'additionalProperties', 'allOf', 'anyOf', 'oneOf'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Whether the object in a tool's second position is a config or an input schema:
 * - a Standard Schema (zod `z.object(...)` …) is a schema;
 * - an object whose members are all Standard Schemas is a shape, unless its keys are only `inputSchema` and
 *   `outputSchema` (then it is a config: name such an argument through the config form);
 * - an object with a `type` member is a JSON Schema (configs have no `type`);
 * - an object of config members only (or `{}`) is a config; one with JSON Schema keywords is a schema;
 * - an object of annotation members with at least one hint (`readOnlyHint` …) is annotations (`{ title }`
 *   alone is a config).
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for anything else.
 */
export function classifyToolObject(tool: string, value: unknown): 'config' | 'schema' | 'annotations' {
  if (isStandardSchema(value)) return 'schema';
  if (!isPlainObject(value)) {
    throw new InvalidArgumentError(`tool ${tool}: expected a config object, a schema or a handler, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const keys = Object.keys(value);
  const schemaValued = keys.filter((k) => isStandardSchema(value[k]));
  if (keys.length > 0 && schemaValued.length === keys.length) return keys.every((k) => SCHEMA_KEYS.has(k)) ? 'config' : 'schema';
  if ('type' in value) return 'schema';
  const unknown = keys.filter((k) => !CONFIG_KEYS.has(k));
  if (unknown.length === 0 && schemaValued.every((k) => SCHEMA_KEYS.has(k))) return 'config';
  if (schemaValued.length === 0 && keys.some((k) => JSON_SCHEMA_KEYWORDS.includes(k))) return 'schema';
  if (isAnnotations(value)) return 'annotations';
  const hint = schemaValued.length > 0 ? ` (members ${schemaValued.join(', ')} are schemas but ${keys.filter((k) => !schemaValued.includes(k)).join(', ')} are not)` : ` (unknown members: ${unknown.join(', ')})`;
  throw new InvalidArgumentError(`tool ${tool}: the object after the name is neither a tool config, an input schema nor annotations${hint}`);
}

/** Tool annotations (title and hints), as the positional forms take them. */
function isAnnotations(value: unknown): value is ToolAnnotations {
  if (!isPlainObject(value)) return false;
  return Object.entries(value).every(([k, v]) => ANNOTATION_KEYS.has(k) && (k === 'title' ? typeof v === 'string' : typeof v === 'boolean'));
}

/**
 * The config and handler of a `tool()` call, whichever form it used.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for arguments that fit no form.
 */
export function readToolArguments(name: string, args: readonly unknown[]): { config: ToolConfig; handler: ToolHandler<never, unknown> } {
  const handler = args[args.length - 1];
  if (typeof handler !== 'function') throw new InvalidArgumentError(`tool ${String(name)}: the last argument must be the handler function`);
  const h = handler as ToolHandler<never, unknown>;
  if (args.length > 5) throw new InvalidArgumentError(`tool ${name}: tool() takes 2 to 5 arguments, got ${args.length + 1}`);
  const rest = args.slice(0, -1);
  if (rest.length === 1 && typeof rest[0] !== 'string') {
    const only = rest[0];
    const kind = classifyToolObject(name, only);
    if (kind === 'config') return { config: only as ToolConfig, handler: h };
    if (kind === 'annotations') return { config: { annotations: only as ToolAnnotations }, handler: h };
    return { config: schemaConfig(only), handler: h };
  }
  // The positional forms: [description,] [schema,] [annotations,] in this order.
  const config: ToolConfig = {};
  let i = 0;
  if (typeof rest[i] === 'string') config.description = rest[i++] as string;
  if (i < rest.length) {
    // Here `{ title }` alone is annotations: a config cannot follow a description.
    const kind = isAnnotations(rest[i]) && Object.keys(rest[i] as object).length > 0 ? 'annotations' : classifyToolObject(name, rest[i]);
    if (kind === 'schema' || (kind === 'config' && Object.keys(rest[i] as object).length === 0)) Object.assign(config, schemaConfig(rest[i++]));
    else if (kind === 'config') {
      throw new InvalidArgumentError(`tool ${name}: a config goes right after the name, as tool(name, config, handler)`);
    }
  }
  if (i < rest.length) {
    if (!isAnnotations(rest[i])) throw new InvalidArgumentError(`tool ${name}: expected tool annotations (title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint) before the handler`);
    config.annotations = rest[i++] as ToolAnnotations;
  }
  if (i < rest.length) throw new InvalidArgumentError(`tool ${name}: the arguments fit none of the forms tool(name, [description,] [schema,] [annotations,] handler)`);
  return { config, handler: h };
}

/** An empty object is "no arguments", like a config without inputSchema. */
function schemaConfig(schema: unknown): ToolConfig {
  if (isPlainObject(schema) && Object.keys(schema).length === 0) return {};
  return { inputSchema: schema as SchemaInput };
}
