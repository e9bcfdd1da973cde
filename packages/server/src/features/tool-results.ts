/**
 * What a tool handler may return, typed against its output schema, and how a plain string or plain object
 * becomes a `CallToolResult`.
 * @module
 */
import { type CallToolResult, type ContentBlock, type JsonObject, ErrorCode, ProtocolError } from '@mcpkit/protocol';
import type { InferInput, InferOutput, StandardSchemaV1 } from '../schema/standard.js';

/** `{ a: T | undefined }` → `{ a?: T | undefined }`, so optional schema members are optional keys. */
type OptionalUndefined<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] } & {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
};
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The structured output a tool returns for an output schema: what a Standard Schema (zod …) or a shape of
 * them accepts; `undefined` (untyped) for a JSON Schema or no schema.
 */
export type ToolOutput<O> = O extends StandardSchemaV1
  ? InferInput<O>
  : O extends Record<string, StandardSchemaV1>
    ? Simplify<OptionalUndefined<{ [K in keyof O]: InferInput<O[K]> }>>
    : undefined;

/** A result whose `structuredContent` is typed by the tool's output schema; `content` defaults to its JSON. */
export interface TypedToolResult<Out> {
  content?: ContentBlock[];
  structuredContent: Out;
  isError?: false;
  _meta?: JsonObject;
}

/**
 * A tool execution error: no structured content needed. `isError` may be a plain boolean when the result carries
 * no `structuredContent` (TypeScript widens `isError: true` returned from a helper function to `boolean`).
 */
export type ToolErrorResult = (CallToolResult & { isError: true }) | (Omit<CallToolResult, 'structuredContent'> & { isError: boolean; structuredContent?: undefined });

/**
 * What a tool handler may return. Without a typed output schema: a string (one text content), a
 * `CallToolResult`, or any other object (its `structuredContent`, with its JSON as text). With one: the
 * structured object itself, a result carrying it as `structuredContent`, or an `isError` result.
 */
export type ToolReturn<Out = undefined> = [Out] extends [undefined] ? string | CallToolResult | object : Out | TypedToolResult<Out> | ToolErrorResult;

/**
 * A result typed as the plain `CallToolResult` (untyped `structuredContent`, e.g. from a `ToolHandler<A>`
 * helper) passes as is; one that spells out its `structuredContent` must match the output schema instead
 * (`never` here sends it to the typed overload of McpServer.tool).
 */
export type UntypedResult<R> = 'structuredContent' extends keyof R
  ? R extends { structuredContent?: infer C }
    ? Record<string, unknown> extends C
      ? unknown
      : never
    : never
  : unknown;

/** The arguments a prompt handler receives for a shape of Standard Schemas, or plain strings. */
export type PromptArgs<A> = A extends Record<string, StandardSchemaV1> ? { [K in keyof A]: InferOutput<A[K]> } : Record<string, string>;

/**
 * Turns what a handler returned into a `CallToolResult`. An object with a `content` array or a
 * `structuredContent` member is a result; any other object is structured content.
 * @throws ProtocolError -32603 for anything else (undefined, an array, a number).
 */
export function toCallToolResult(raw: unknown, tool: string): CallToolResult {
  if (typeof raw === 'string') return { content: [{ type: 'text', text: raw }] };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const what = raw === undefined ? 'nothing' : Array.isArray(raw) ? 'an array' : typeof raw;
    throw new ProtocolError(ErrorCode.InternalError, `Internal error: tool ${tool} returned ${what}; return a string, an object or a CallToolResult`);
  }
  const r = raw as JsonObject;
  if (Array.isArray(r.content)) return r as CallToolResult;
  if ('structuredContent' in r) {
    const structured = r.structuredContent;
    return { ...r, content: structured === undefined ? [] : [{ type: 'text', text: JSON.stringify(structured) }] } as CallToolResult;
  }
  return { content: [{ type: 'text', text: JSON.stringify(r) }], structuredContent: r };
}
