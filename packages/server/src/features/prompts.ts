/**
 * Prompts: registration records, argument validation and `prompts/get`.
 * @module
 */
import {
  type GetPromptResult,
  type Icon,
  type JsonObject,
  type Prompt,
  type PromptArgument,
  ErrorCode,
  ProtocolError,
  invalidParams,
} from '@mcpkit/protocol';
import type { RequestContext } from '../context.js';
import type { Completer } from './resources.js';
import { type CompiledSchema, compileSchema } from '../schema/compile.js';
import { type StandardSchemaV1, isStandardSchema } from '../schema/standard.js';

/** A prompt handler; `Args` is inferred from a shape of `arguments` (see {@link PromptArgs}). */
export type PromptHandler<Args = Record<string, string>> = (args: Args, ctx: RequestContext) => GetPromptResult | Promise<GetPromptResult>;

export interface PromptConfig<A extends Record<string, StandardSchemaV1> | undefined = Record<string, StandardSchemaV1> | undefined> {
  title?: string;
  description?: string;
  icons?: Icon[];
  /** Argument declarations, or a shape of Standard Schemas (string-valued) that also validates them. */
  arguments?: PromptArgument[] | A;
  /** Completions for arguments. */
  complete?: Record<string, Completer>;
  _meta?: JsonObject;
}

export interface PromptEntry {
  key: string;
  enabled: boolean;
  definition: Prompt;
  schema: CompiledSchema | undefined;
  complete: Record<string, Completer> | undefined;
  handler: PromptHandler<never>;
}

export function createPromptEntry(name: string, config: PromptConfig, handler: PromptHandler<never>): PromptEntry {
  const definition: Prompt = { name };
  let schema: CompiledSchema | undefined;
  const args = config.arguments;
  if (Array.isArray(args)) {
    definition.arguments = args;
  } else if (args !== undefined) {
    schema = compileSchema(args, 'input', 'arguments', `prompt ${name} arguments`);
    const props = (schema.jsonSchema.properties ?? {}) as Record<string, JsonObject>;
    const required = new Set((schema.jsonSchema.required as string[] | undefined) ?? []);
    definition.arguments = Object.entries(props).map(([argName, s]) => {
      const a: PromptArgument = { name: argName, required: required.has(argName) };
      if (typeof s.description === 'string') a.description = s.description;
      return a;
    });
    for (const v of Object.values(args)) if (!isStandardSchema(v)) throw new ProtocolError(ErrorCode.InternalError, 'bad prompt schema');
  }
  if (config.title !== undefined) definition.title = config.title;
  if (config.description !== undefined) definition.description = config.description;
  if (config.icons !== undefined) definition.icons = config.icons;
  if (config._meta !== undefined) definition._meta = config._meta;
  return { key: name, enabled: true, definition, schema, complete: config.complete, handler };
}

/** Checks `params.arguments` of `prompts/get` against the declaration. */
export async function preparePromptArgs(entry: PromptEntry, raw: unknown): Promise<Record<string, string>> {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw invalidParams('params.arguments', 'must be an object');
  }
  const args = (raw ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(args)) {
    if (typeof v !== 'string') throw invalidParams(`params.arguments.${k}`, 'must be a string');
  }
  if (entry.schema) {
    const outcome = await entry.schema.validate(args);
    if (!outcome.ok) throw invalidParams('params.arguments', `are invalid: ${outcome.problems.join('; ')}`);
    return outcome.value as Record<string, string>;
  }
  for (const a of entry.definition.arguments ?? []) {
    if (a.required && args[a.name] === undefined) throw invalidParams(`params.arguments.${a.name}`, 'is required');
  }
  return args as Record<string, string>;
}
