/**
 * Small builders for the HTTP responses the handler sends.
 * @module
 */
import { type JsonRpcErrorObject, type RequestId, ErrorCode, ProtocolError, errorResponse } from '@mcpkit/protocol';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON body response. */
export function jsonResponse(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS });
}

/** A JSON-RPC error as an HTTP response. */
export function rpcErrorResponse(status: number, id: RequestId | null, error: JsonRpcErrorObject | ProtocolError, headers?: Record<string, string>): Response {
  const body = error instanceof ProtocolError ? error.toJSON() : error;
  return jsonResponse(errorResponse(id, body), status, headers);
}

/** A refusal of the HTTP request itself, with a JSON-RPC error body and no id (transport-level problems). */
export function refuse(status: number, code: number, message: string, headers?: Record<string, string>): Response {
  return rpcErrorResponse(status, null, { code, message }, headers);
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
