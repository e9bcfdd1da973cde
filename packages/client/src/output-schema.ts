/**
 * Validates `structuredContent` against a tool's `outputSchema`, with validators compiled once per schema.
 * @module
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv as AjvDraft7 } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type CallToolResult, type JsonObject, type Tool, ProtocolViolationError } from '@mcpkit/protocol';

const addFormats = addFormatsModule as unknown as (ajv: unknown) => void;
let ajv2020: Ajv2020 | undefined;
let ajv7: AjvDraft7 | undefined;

function ajvFor(schema: JsonObject): Ajv2020 | AjvDraft7 {
  if (typeof schema.$schema === 'string' && /draft-0[4-7]/.test(schema.$schema)) {
    ajv7 ??= new AjvDraft7({ strict: false, validateSchema: false });
    addFormats(ajv7);
    return ajv7;
  }
  if (!ajv2020) {
    ajv2020 = new Ajv2020({ strict: false, validateSchema: false });
    addFormats(ajv2020);
  }
  return ajv2020;
}

const compiled = new WeakMap<JsonObject, ValidateFunction | null>();

/** Problems with `value` under `schema`, or an empty array. A schema that cannot compile is not enforced. */
export function checkOutput(schema: JsonObject, value: unknown): string[] {
  let fn = compiled.get(schema);
  if (fn === undefined) {
    try {
      fn = ajvFor(schema).compile(schema);
    } catch {
      fn = null;
    }
    compiled.set(schema, fn);
  }
  if (fn === null || fn(value)) return [];
  return (fn.errors ?? []).map((e) => `structuredContent${e.instancePath.replace(/\//g, '.')}: ${e.message ?? 'is invalid'}`);
}

/**
 * Checks a tool's result against the tool's `outputSchema`, when it has one (an error result is not checked).
 * @throws ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` for missing or non-conforming `structuredContent`.
 */
export function checkToolResult(tool: Tool | undefined, result: CallToolResult): CallToolResult {
  const schema = tool?.outputSchema as JsonObject | undefined;
  if (!schema || result.isError) return result;
  if (result.structuredContent === undefined) throw new ProtocolViolationError(`Tool ${tool!.name} has an outputSchema but returned no structuredContent`);
  const problems = checkOutput(schema, result.structuredContent);
  if (problems.length) throw new ProtocolViolationError(`Tool ${tool!.name} returned structuredContent that breaks its outputSchema: ${problems.join('; ')}`);
  return result;
}
