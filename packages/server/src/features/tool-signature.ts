/**
 * The argument forms of `McpServer.tool()`: `(name, config, handler)`, `(name, schema, handler)`,
 * `(name, description, schema, handler)`, `(name, description, handler)` and `(name, handler)`. Which form a
 * call uses is decided once, at registration, from the arguments' runtime shapes.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
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
 * - an object of config members only (or `{}`) is a config; one with JSON Schema keywords is a schema.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for anything else.
 */
export function classifyToolObject(tool: string, value: unknown): 'config' | 'schema' {
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
  const hint = schemaValued.length > 0 ? ` (members ${schemaValued.join(', ')} are schemas but ${keys.filter((k) => !schemaValued.includes(k)).join(', ')} are not)` : ` (unknown members: ${unknown.join(', ')})`;
  throw new InvalidArgumentError(
    `tool ${tool}: the object after the name is neither a tool config nor an input schema${hint}; annotations go in the config form: { annotations: { … } }`,
  );
}

/** The config and handler of a `tool()` call, whichever form it used. */
export function readToolArguments(name: string, args: readonly unknown[]): { config: ToolConfig; handler: ToolHandler<never, unknown> } {
  const handler = args[args.length - 1];
  if (typeof handler !== 'function') throw new InvalidArgumentError(`tool ${String(name)}: the last argument must be the handler function`);
  const h = handler as ToolHandler<never, unknown>;
  const [first, second] = args;
  if (args.length === 1) return { config: {}, handler: h };
  if (args.length === 2) {
    if (typeof first === 'string') return { config: { description: first }, handler: h };
    if (classifyToolObject(name, first) === 'config') return { config: first as ToolConfig, handler: h };
    return { config: schemaConfig(first), handler: h };
  }
  if (args.length === 3) {
    if (typeof first !== 'string') throw new InvalidArgumentError(`tool ${name}: tool(name, description, schema, handler) takes the description as a string`);
    if (classifyToolObject(name, second) === 'config' && Object.keys(second as object).length > 0) {
      throw new InvalidArgumentError(`tool ${name}: tool(name, description, schema, handler) takes an input schema third; pass a config as tool(name, config, handler)`);
    }
    return { config: { description: first, ...schemaConfig(second) }, handler: h };
  }
  throw new InvalidArgumentError(`tool ${name}: tool() takes 2 to 4 arguments, got ${args.length + 1}`);
}

/** An empty object is "no arguments", like a config without inputSchema. */
function schemaConfig(schema: unknown): ToolConfig {
  if (isPlainObject(schema) && Object.keys(schema).length === 0) return {};
  return { inputSchema: schema as SchemaInput };
}
