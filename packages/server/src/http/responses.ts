/**
 * The runtime-neutral reply the HTTP core produces, and builders for it. Adapters turn a reply into a web
 * Response or write it to a node:http response.
 * @module
 */
import { type JsonRpcErrorObject, type RequestId, ErrorCode, ProtocolError, errorResponse } from '@mcpkit/protocol';
import { SSE_HEADERS, type SseStream } from './sse.js';

/** A complete body (JSON or empty), or an SSE stream. */
export type HttpReply =
  | { status: number; headers: Record<string, string>; body?: string; sse?: undefined }
  | { status: number; headers: Record<string, string>; sse: SseStream; body?: undefined };

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON body reply. */
export function jsonReply(body: unknown, status = 200, headers?: Record<string, string>): HttpReply {
  // Literals, never a spread copy of JSON_HEADERS: writeReply adds content-length, and adding a key to a
  // `{ ...x }` copy is V8 11's slow path (Node 20: ~0.4 µs, and the copies outlived their request).
  return { status, headers: headers ? { 'content-type': 'application/json', ...headers } : { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** An empty reply (202, 204, 405 …). */
export function emptyReply(status: number, headers: Record<string, string> = {}): HttpReply {
  return { status, headers };
}

/** An SSE reply. */
export function sseReply(sse: SseStream, headers: Record<string, string> = {}): HttpReply {
  return { status: 200, headers: { ...SSE_HEADERS, ...headers }, sse };
}

/** A JSON-RPC error as a reply. */
export function rpcErrorReply(status: number, id: RequestId | null, error: JsonRpcErrorObject | ProtocolError, headers?: Record<string, string>): HttpReply {
  const body = error instanceof ProtocolError ? error.toJSON() : error;
  return jsonReply(errorResponse(id, body), status, headers);
}

/** A refusal of the HTTP request itself, with a JSON-RPC error body and no id (transport-level problems). */
export function refuse(status: number, code: number, message: string, headers?: Record<string, string>): HttpReply {
  return rpcErrorReply(status, null, { code, message }, headers);
}

/** The HTTP status for a JSON-RPC error in the stateless era (spec 2026-07-28 basic/transports/streamable-http). */
export function statusForError(code: number): number {
  switch (code) {
    case ErrorCode.MethodNotFound:
      return 404;
    case ErrorCode.HeaderMismatch:
    case ErrorCode.MissingRequiredClientCapability:
    case ErrorCode.UnsupportedProtocolVersion:
    case ErrorCode.ParseError:
    case ErrorCode.InvalidRequest:
      return 400;
    default:
      return 200;
  }
}
