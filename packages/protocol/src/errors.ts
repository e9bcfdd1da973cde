/**
 * Errors of two families: {@link ProtocolError} travels on the wire as a JSON-RPC error;
 * {@link McpkitError} is a local failure with a stable string code.
 * @module
 */

/** JSON-RPC and MCP error codes. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Session era (2024-11-05 .. 2025-11-25): resources/read for an unknown URI. */
  ResourceNotFound: -32002,
  /** 2025-11-25: the server needs the user to visit a URL before it can go on. */
  UrlElicitationRequired: -32042,
  /** 2026-07-28: the HTTP headers and the body disagree (Mcp-Method, Mcp-Name, x-mcp-header). */
  HeaderMismatch: -32020,
  /** 2026-07-28: the request needs a client capability that its `_meta` did not declare. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the server does not speak the protocol version the request names. */
  UnsupportedProtocolVersion: -32022,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const protocolBrand = Symbol.for('mcpkit.ProtocolError');
const mcpkitBrand = Symbol.for('mcpkit.McpkitError');

/** The body of a JSON-RPC error response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * An error that is sent to (or came from) the other side as a JSON-RPC error object.
 * @example
 * throw new ProtocolError(ErrorCode.InvalidParams, 'params.name: expected a string');
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.data = data;
    Object.defineProperty(this, protocolBrand, { value: true });
  }

  /** Recognises instances from any loaded copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[protocolBrand] === true;
  }

  /** Rebuilds an error received on the wire. */
  static fromWire(error: JsonRpcErrorObject): ProtocolError {
    return new ProtocolError(error.code, error.message, error.data);
  }

  toJSON(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** Builds the `-32602` error for one offending field, e.g. `invalidParams('params.name', 'must be a string')`. */
export function invalidParams(field: string, problem: string, data?: unknown): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidParams, `Invalid params: ${field} ${problem}`, data);
}

/**
 * A local failure: never sent on the wire as is. `code` is stable and listed in docs/errors.md.
 * Subclasses are recognised across loaded copies by their code.
 */
export class McpkitError extends Error {
  override name = 'McpkitError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, mcpkitBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[mcpkitBrand] !== true) {
      return false;
    }
    const own = (this as unknown as { errorCode?: string }).errorCode;
    return own === undefined || (value as McpkitError).code === own;
  }
}

function defineError(code: string, name: string) {
  return class extends McpkitError {
    static readonly errorCode = code;
    constructor(message: string, options?: { cause?: unknown }) {
      super(code, message, options);
      this.name = name;
    }
  };
}

/** A request got no answer in time. Code `MCPKIT_TIMEOUT`. */
export class TimeoutError extends defineError('MCPKIT_TIMEOUT', 'TimeoutError') {}
/** A request was cancelled through its `AbortSignal`. Code `MCPKIT_CANCELLED`. */
export class CancelledError extends defineError('MCPKIT_CANCELLED', 'CancelledError') {}
/** The connection closed while a request was outstanding. Code `MCPKIT_CONNECTION_CLOSED`. */
export class ConnectionClosedError extends defineError('MCPKIT_CONNECTION_CLOSED', 'ConnectionClosedError') {}
/** A message could not be sent or was not valid to send. Code `MCPKIT_SEND_FAILED`. */
export class SendError extends defineError('MCPKIT_SEND_FAILED', 'SendError') {}
/** A message exceeded the configured maximum size. Code `MCPKIT_MESSAGE_TOO_LARGE`. */
export class MessageTooLargeError extends defineError('MCPKIT_MESSAGE_TOO_LARGE', 'MessageTooLargeError') {}
/** An API was used wrongly (e.g. a duplicate registration). Code `MCPKIT_INVALID_ARGUMENT`. */
export class InvalidArgumentError extends defineError('MCPKIT_INVALID_ARGUMENT', 'InvalidArgumentError') {}
/** The transport is not started, or already closed. Code `MCPKIT_TRANSPORT_STATE`. */
export class TransportStateError extends defineError('MCPKIT_TRANSPORT_STATE', 'TransportStateError') {}
/** A stateless-era `requestState` failed verification. Code `MCPKIT_INVALID_REQUEST_STATE`. */
export class RequestStateError extends defineError('MCPKIT_INVALID_REQUEST_STATE', 'RequestStateError') {}

/** A handler asked the client for something it did not declare support for. Code `MCPKIT_MISSING_CAPABILITY`. */
export class MissingCapabilityError extends defineError('MCPKIT_MISSING_CAPABILITY', 'MissingCapabilityError') {}

/** An HTTP exchange failed (a non-2xx status without a JSON-RPC answer, a network error). Code `MCPKIT_HTTP_ERROR`. */
export class HttpError extends defineError('MCPKIT_HTTP_ERROR', 'HttpError') {
  /** The HTTP status, or 0 for a network failure. */
  status = 0;
  /** The start of the response body, for diagnostics. */
  body = '';
  static from(status: number, message: string, body = '', options?: { cause?: unknown }): HttpError {
    const e = new HttpError(message, options);
    e.status = status;
    e.body = body.slice(0, 2000);
    return e;
  }
}
/** The server no longer knows the session (HTTP 404 on a session request). Code `MCPKIT_SESSION_EXPIRED`. */
export class SessionExpiredError extends defineError('MCPKIT_SESSION_EXPIRED', 'SessionExpiredError') {}
/** A spawned server process exited or could not start. Code `MCPKIT_PROCESS_EXITED`. */
export class ProcessExitedError extends defineError('MCPKIT_PROCESS_EXITED', 'ProcessExitedError') {
  /** Exit code, or null when killed by a signal or never started. */
  exitCode: number | null = null;
  /** The last lines the process wrote to stderr. */
  stderrTail = '';
}
/** The peer broke the protocol (malformed SSE, a result that is not what the method returns). Code `MCPKIT_PROTOCOL_VIOLATION`. */
export class ProtocolViolationError extends defineError('MCPKIT_PROTOCOL_VIOLATION', 'ProtocolViolationError') {}

/** Every local error code, append-only. A test keeps docs/errors.md equal to this list. */
export const MCPKIT_ERROR_CODES = [
  'MCPKIT_TIMEOUT',
  'MCPKIT_CANCELLED',
  'MCPKIT_CONNECTION_CLOSED',
  'MCPKIT_SEND_FAILED',
  'MCPKIT_MESSAGE_TOO_LARGE',
  'MCPKIT_INVALID_ARGUMENT',
  'MCPKIT_TRANSPORT_STATE',
  'MCPKIT_INVALID_REQUEST_STATE',
  'MCPKIT_MISSING_CAPABILITY',
  'MCPKIT_HTTP_ERROR',
  'MCPKIT_SESSION_EXPIRED',
  'MCPKIT_PROCESS_EXITED',
  'MCPKIT_PROTOCOL_VIOLATION',
] as const;
