/**
 * Tools: registration records, `tools/list` and `tools/call`.
 * @module
 */
import {
  type CallToolResult,
  type Icon,
  type JsonObject,
  type Tool,
  type ToolAnnotations,
  ErrorCode,
  InvalidArgumentError,
  ProtocolError,
  invalidParams,
} from '@mcpkit/protocol';
import { type CompiledSchema, type SchemaInput, EMPTY_OBJECT_SCHEMA, compileSchema } from '../schema/compile.js';
import type { InferOutput, StandardSchemaV1 } from '../schema/standard.js';
import type { RequestContext } from '../context.js';
import { isInputRequired } from '../stateless/input-required.js';
import { type HeaderParam, findHeaderParams } from './header-params.js';
import { toCallToolResult } from './tool-results.js';

/** The arguments type a tool handler receives for a given input schema. */
export type ToolArgs<S> = S extends StandardSchemaV1
  ? InferOutput<S>
  : S extends Record<string, StandardSchemaV1>
    ? { [K in keyof S]: InferOutput<S[K]> }
    : Record<string, unknown>;

/**
 * A tool handler. `R` is what it returns: a `CallToolResult` by default; registration also takes a string
 * or a plain object (see {@link ToolReturn}).
 */
export type ToolHandler<Args, R = CallToolResult> = (args: Args, ctx: RequestContext) => R | Promise<R>;

export interface ToolConfig<S extends SchemaInput | undefined = SchemaInput | undefined, O extends SchemaInput | undefined = SchemaInput | undefined> {
  title?: string;
  description?: string;
  /** Standard Schema (zod v4 …), a shape of Standard Schemas, or a JSON Schema object with `type: "object"`. */
  inputSchema?: S;
  /** When set, results must carry `structuredContent` matching it; a Standard Schema also types it. */
  outputSchema?: O;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  /**
   * Whether the tool may run as a task (tasks extension, 2026-07-28). `optional` runs it as a task when the
   * client declares the extension, `required` refuses clients that don't. `start: 'manual'` lets the handler
   * finish MRTR rounds first and become a task when it calls `ctx.startTask()`.
   */
  task?: TaskSupport | { support: TaskSupport; start?: 'auto' | 'manual' };
  /** Raw `execution` object for session-era (2025-11-25) clients. */
  execution?: JsonObject;
  _meta?: JsonObject;
}

export type TaskSupport = 'optional' | 'required';

export interface ToolEntry {
  key: string;
  enabled: boolean;
  definition: Tool;
  input: CompiledSchema | undefined;
  output: CompiledSchema | undefined;
  /** Arguments mirrored into `Mcp-Param-*` headers (2026-07-28 HTTP). */
  headerParams: HeaderParam[];
  task: { support: TaskSupport; start: 'auto' | 'manual' } | undefined;
  handler: ToolHandler<never, unknown>;
}

/** Validates a tool name per spec 2025-11-25 server/tools#tool-names (1-128 chars of [A-Za-z0-9_.-]). */
function checkName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
    throw new InvalidArgumentError(`tool name "${name}" must be 1-128 characters of A-Z a-z 0-9 _ - .`);
  }
}

/** Builds the registration record, compiling schemas once. */
export function createToolEntry(name: string, config: ToolConfig, handler: ToolHandler<never, unknown>): ToolEntry {
  checkName(name);
  const input = config.inputSchema === undefined ? undefined : compileSchema(config.inputSchema, 'input', 'arguments', `tool ${name} inputSchema`);
  const output = config.outputSchema === undefined ? undefined : compileSchema(config.outputSchema, 'output', 'structuredContent', `tool ${name} outputSchema`);
  const inputSchema = input?.jsonSchema ?? EMPTY_OBJECT_SCHEMA;
  if (inputSchema.type !== 'object') throw new InvalidArgumentError(`tool ${name}: inputSchema must have type "object" at its root`);
  const definition: Tool = { name, inputSchema };
  if (config.title !== undefined) definition.title = config.title;
  if (config.description !== undefined) definition.description = config.description;
  if (output) definition.outputSchema = output.jsonSchema;
  if (config.annotations !== undefined) definition.annotations = config.annotations;
  if (config.icons !== undefined) definition.icons = config.icons;
  if (config.execution !== undefined) definition.execution = config.execution;
  if (config._meta !== undefined) definition._meta = config._meta;
  const t = config.task;
  const task = t === undefined ? undefined : typeof t === 'string' ? { support: t, start: 'auto' as const } : { support: t.support, start: t.start ?? 'auto' };
  return { key: name, enabled: true, definition, input, output, headerParams: findHeaderParams(inputSchema, name), task, handler };
}

/** The `tools/list` entry for a revision: fields a revision does not know are left out. */
export function toolForRevision(tool: Tool, revision: string): Tool {
  if (revision >= '2025-11-25') {
    if (revision >= '2026-07-28' && tool.execution !== undefined) {
      const { execution: _drop, ...rest } = tool;
      return rest;
    }
    return tool;
  }
  const { title, icons, outputSchema, execution, ...rest } = tool;
  const out: Tool = rest;
  if (revision >= '2025-06-18') {
    if (title !== undefined) out.title = title;
    if (outputSchema !== undefined) out.outputSchema = outputSchema;
  }
  return out;
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Runs a tool call: argument validation, the handler, output validation.
 * A handler that throws yields an `isError` result carrying the error's message (never its stack);
 * a thrown `ProtocolError` stays a JSON-RPC error.
 */
export async function callTool(
  entry: ToolEntry,
  args: unknown,
  ctx: RequestContext,
  onHandlerError: (error: unknown, tool: string) => void,
): Promise<CallToolResult> {
  let value: unknown = args ?? {};
  // Sync validators and handlers are not awaited: an await of a plain value still costs a microtask turn.
  if (entry.input) {
    const checked = entry.input.validate(value);
    const outcome = checked instanceof Promise ? await checked : checked;
    // spec 2025-11-25 server/tools#error-handling: input validation errors are tool execution errors,
    // so the model can read them and correct itself.
    if (!outcome.ok) return errorResult(`Invalid arguments for tool ${entry.key}: ${outcome.problems.join('; ')}`);
    value = outcome.value;
  }
  let raw: unknown;
  try {
    raw = (entry.handler as ToolHandler<unknown, unknown>)(value, ctx);
    if (isThenable(raw)) raw = await raw;
  } catch (error) {
    if (error instanceof ProtocolError || isInputRequired(error) || ctx.signal.aborted) throw error;
    onHandlerError(error, entry.key);
    const message = error instanceof Error && error.message ? error.message : 'Tool failed';
    return errorResult(message);
  }
  const result = toCallToolResult(raw, entry.key);
  if (entry.output && !result.isError) {
    if (result.structuredContent === undefined) {
      throw new ProtocolError(ErrorCode.InternalError, `Internal error: tool ${entry.key} has an outputSchema but returned no structuredContent`);
    }
    const outcome = await entry.output.validate(result.structuredContent);
    if (!outcome.ok) {
      throw new ProtocolError(ErrorCode.InternalError, `Internal error: tool ${entry.key} returned structuredContent that does not match its outputSchema: ${outcome.problems.join('; ')}`);
    }
  }
  return result;
}

/** Reads `params.name` and `params.arguments` of a `tools/call`. */
export function readCallParams(params: JsonObject): { name: string; args: JsonObject | undefined } {
  const name = params.name;
  if (typeof name !== 'string') throw invalidParams('params.name', 'must be a string');
  const args = params.arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw invalidParams('params.arguments', 'must be an object');
  }
  return { name, args: args as JsonObject | undefined };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
