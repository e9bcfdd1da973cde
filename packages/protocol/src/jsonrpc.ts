/**
 * JSON-RPC 2.0 message types and the structural checks that classify incoming messages.
 * @module
 */
import { ErrorCode, type JsonRpcErrorObject, ProtocolError } from './errors.js';

export type RequestId = string | number;
/** A JSON object; params and results are always objects in MCP. */
export type JsonObject = Record<string, unknown>;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: JsonObject;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: JsonObject;
}

export interface JsonRpcResultResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result: JsonObject;
}

/**
 * An error response. `id` is absent when the request's id could not be read (a parse error): MCP's schema
 * (2025-11-25 on) makes it optional and allows no `null`. Received messages may still carry `id: null`.
 */
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id?: RequestId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcResultResponse | JsonRpcErrorResponse;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export function isRequest(m: JsonRpcMessage): m is JsonRpcRequest {
  return 'method' in m && 'id' in m;
}
export function isNotification(m: JsonRpcMessage): m is JsonRpcNotification {
  return 'method' in m && !('id' in m);
}
export function isResponse(m: JsonRpcMessage): m is JsonRpcResponse {
  return !('method' in m);
}
export function isErrorResponse(m: JsonRpcMessage): m is JsonRpcErrorResponse {
  return 'error' in m && !('method' in m);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string, id: RequestId | null = null): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidRequest, `Invalid request: ${message}`, id === null ? undefined : { id });
}

/** The id of a message if it has a usable one, for error replies to a malformed message. */
export function recoverId(value: unknown): RequestId | null {
  if (!isObject(value)) return null;
  const id = value.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/**
 * Checks the structure of one decoded JSON-RPC message without copying it.
 * @throws ProtocolError -32600 naming the offending field.
 */
export function parseMessage(value: unknown): JsonRpcMessage {
  if (!isObject(value)) throw invalid('a JSON-RPC message must be a JSON object');
  if (value.jsonrpc !== '2.0') throw invalid('jsonrpc must be "2.0"', recoverId(value));
  const method = value.method;
  const hasId = 'id' in value;
  const id = value.id;
  if (hasId && !(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
    // `null` ids are only legal on error responses.
    if (!(id === null && method === undefined && 'error' in value)) {
      throw invalid('id must be a string or a number');
    }
  }
  if (method !== undefined) {
    if (typeof method !== 'string' || method.length === 0) throw invalid('method must be a non-empty string', recoverId(value));
    if ('params' in value && value.params !== undefined && !isObject(value.params)) {
      throw invalid('params must be an object', recoverId(value));
    }
    return value as unknown as JsonRpcRequest | JsonRpcNotification;
  }
  if (!hasId) {
    // An error about an unreadable request carries no id (MCP 2025-11-25 schema).
    if ('error' in value && !('result' in value)) return checkError(value);
    throw invalid('a message needs a method, or an id with a result or an error');
  }
  if ('result' in value) {
    if (!isObject(value.result)) throw invalid('result must be an object', recoverId(value));
    return value as unknown as JsonRpcResultResponse;
  }
  if ('error' in value) return checkError(value);
  throw invalid('a response needs a result or an error', recoverId(value));
}

function checkError(value: JsonObject): JsonRpcErrorResponse {
  const error = value.error;
  if (!isObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
    throw invalid('error must be an object with a numeric code and a string message', recoverId(value));
  }
  return value as unknown as JsonRpcErrorResponse;
}

/**
 * Decodes JSON text. Invalid JSON (and input that exhausts the parser) is a -32700 error, never a crash.
 * @throws ProtocolError -32700
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'input too deeply nested';
    throw new ProtocolError(ErrorCode.ParseError, `Parse error: ${detail}`);
  }
}

/** Builds an error response; without a usable id, the `id` member is left out (see JsonRpcErrorResponse). */
export function errorResponse(id: RequestId | null | undefined, error: JsonRpcErrorObject): JsonRpcErrorResponse {
  return id === null || id === undefined ? { jsonrpc: '2.0', error } : { jsonrpc: '2.0', id, error };
}

/** Builds a result response. */
export function resultResponse(id: RequestId, result: JsonObject): JsonRpcResultResponse {
  return { jsonrpc: '2.0', id, result };
}

/**
 * A shallow copy of `source`'s own keys, meant to take more keys: `{ ...source }` followed by a new key (or
 * `{ ...source, key }`) is V8 11's slow path on Node 20, about 0.5 µs, and `Object.assign` is a tenth of that. An
 * own `__proto__` key (JSON.parse makes one from hostile input) would set the copy's prototype through
 * `Object.assign`: such a source is copied with the spread, which keeps it a plain key.
 */
export function copyObject<T extends object>(source: T | undefined): T {
  if (source === undefined) return {} as T;
  return Object.hasOwn(source, '__proto__') ? { ...source } : Object.assign({}, source);
}
