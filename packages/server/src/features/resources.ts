/**
 * Resources and resource templates: registration records and `resources/read` resolution.
 * @module
 */
import {
  copyObject,
  type Annotations,
  type Icon,
  type JsonObject,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  ErrorCode,
  InvalidArgumentError,
  ProtocolError,
  UriTemplate,
} from '@mcpkit/protocol';
import type { RequestContext } from '../context.js';

export interface ResourceMetadata {
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: JsonObject;
}

/** A read result; a content item without `uri` gets the requested URI. */
export interface ResourceReadResult {
  contents: Array<{ uri?: string; mimeType?: string; text?: string; blob?: string; _meta?: JsonObject }>;
  _meta?: JsonObject;
}

export type ResourceHandler = (uri: string, ctx: RequestContext) => ResourceReadResult | Promise<ResourceReadResult>;
export type TemplateVariables = Record<string, string | string[]>;
export type ResourceTemplateHandler = (uri: string, variables: TemplateVariables, ctx: RequestContext) => ResourceReadResult | Promise<ResourceReadResult>;
/** Suggests values for one template variable or prompt argument. */
export type Completer = (value: string, context: { arguments: Record<string, string> }, ctx: RequestContext) => string[] | Promise<string[]>;

export interface ResourceTemplateConfig extends Omit<ResourceMetadata, 'size'> {
  /** Lists concrete resources of this template for `resources/list`. */
  list?: (ctx: RequestContext) => Resource[] | Promise<Resource[]>;
  /** Completions for template variables. */
  complete?: Record<string, Completer>;
}

export interface ResourceEntry {
  key: string;
  enabled: boolean;
  definition: Resource;
  handler: ResourceHandler;
}

export interface TemplateEntry {
  key: string;
  enabled: boolean;
  definition: ResourceTemplate;
  template: UriTemplate;
  list: ResourceTemplateConfig['list'];
  complete: Record<string, Completer> | undefined;
  handler: ResourceTemplateHandler;
}

function assign<T extends object>(target: T, meta: object): T {
  for (const [k, v] of Object.entries(meta)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}

export function createResourceEntry(name: string, uri: string, meta: ResourceMetadata, handler: ResourceHandler): ResourceEntry {
  if (typeof uri !== 'string' || uri.length === 0) throw new InvalidArgumentError(`resource ${name}: uri must be a non-empty string`);
  return { key: uri, enabled: true, definition: assign({ uri, name } as Resource, meta), handler };
}

export function createTemplateEntry(name: string, uriTemplate: string, config: ResourceTemplateConfig, handler: ResourceTemplateHandler): TemplateEntry {
  const { list, complete, ...meta } = config;
  return {
    key: name,
    enabled: true,
    definition: assign({ uriTemplate, name } as ResourceTemplate, meta),
    template: new UriTemplate(uriTemplate),
    list,
    complete,
    handler,
  };
}

const notFoundBrand = Symbol.for('mcpkit.ResourceNotFound');

/**
 * Throw from a resource or template handler when the URI names nothing; the client gets the revision's
 * not-found error (-32002 in the session era, -32602 from 2026-07-28) with `data.uri`.
 * @example
 * server.resourceTemplate('row', 'db://rows/{id}', {}, (uri, { id }) => {
 *   const row = rows.get(String(id));
 *   if (!row) throw new ResourceNotFoundError(uri);
 *   return { contents: [{ text: JSON.stringify(row) }] };
 * });
 */
export class ResourceNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundError';
  readonly uri: string;
  /** Why, shown to the client after the URI (e.g. "no table is named x"). */
  readonly detail: string | undefined;
  constructor(uri: string, detail?: string) {
    super(`Resource not found: ${uri}${detail === undefined ? '' : ` (${detail})`}`);
    this.uri = uri;
    this.detail = detail;
    Object.defineProperty(this, notFoundBrand, { value: true });
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[notFoundBrand] === true;
  }
}

/** The error for an unknown URI: -32002 in the session era, -32602 from 2026-07-28 (SEP-2164). */
export function resourceNotFound(uri: string, revision: string, detail?: string): ProtocolError {
  const code = revision >= '2026-07-28' ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound;
  return new ProtocolError(code, `Resource not found: ${uri}${detail === undefined ? '' : ` (${detail})`}`, { uri });
}

/** Fills in missing content URIs and checks the handler's result shape. */
export function normalizeRead(uri: string, result: ResourceReadResult, where: string): ReadResourceResult {
  if (typeof result !== 'object' || result === null || !Array.isArray(result.contents)) {
    throw new ProtocolError(ErrorCode.InternalError, `Internal error: ${where} returned no contents array`);
  }
  let contents = result.contents;
  if (contents.some((c) => c.uri === undefined)) contents = contents.map((c) => (c.uri === undefined ? { ...c, uri } : c));
  // copyObject, then a store: a spread copy with a key set after it is V8 11's slow path (Node 20).
  const out: ResourceReadResult = copyObject(result);
  out.contents = contents;
  return out as ReadResourceResult;
}
