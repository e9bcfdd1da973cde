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

/** OAuth discovery failed: no usable protected resource or authorization server metadata, or a document lacks a required field. Code `MCPKIT_AUTH_DISCOVERY_FAILED`. */
export class AuthDiscoveryError extends defineError('MCPKIT_AUTH_DISCOVERY_FAILED', 'AuthDiscoveryError') {}
/** An `issuer` did not match exactly: in authorization server metadata (RFC 8414 §3.3) or the `iss` authorization response parameter (RFC 9207). Code `MCPKIT_AUTH_ISSUER_MISMATCH`. */
export class AuthIssuerMismatchError extends defineError('MCPKIT_AUTH_ISSUER_MISMATCH', 'AuthIssuerMismatchError') {}
/** Protected resource metadata names a `resource` other than the MCP server being accessed (RFC 9728 §3.3). Code `MCPKIT_AUTH_RESOURCE_MISMATCH`. */
export class AuthResourceMismatchError extends defineError('MCPKIT_AUTH_RESOURCE_MISMATCH', 'AuthResourceMismatchError') {}
/** The authorization server does not advertise PKCE with `S256`, so the client refuses to proceed. Code `MCPKIT_AUTH_PKCE_UNSUPPORTED`. */
export class AuthPkceUnsupportedError extends defineError('MCPKIT_AUTH_PKCE_UNSUPPORTED', 'AuthPkceUnsupportedError') {}
/** A URL was refused: not http(s), plain http to a non-loopback host, or a private / loopback / link-local address the client was not allowed to reach. Code `MCPKIT_AUTH_UNSAFE_URL`. */
export class AuthUnsafeUrlError extends defineError('MCPKIT_AUTH_UNSAFE_URL', 'AuthUnsafeUrlError') {}
/** A token endpoint (or token exchange) request failed. Code `MCPKIT_AUTH_TOKEN_REQUEST_FAILED`. */
export class AuthTokenError extends defineError('MCPKIT_AUTH_TOKEN_REQUEST_FAILED', 'AuthTokenError') {
  /** The OAuth `error` code from the response (e.g. `invalid_grant`), or '' when there was none. */
  error = '';
  /** The OAuth `error_description`, if any. */
  errorDescription = '';
  /** The HTTP status, or 0 when the response was unusable for another reason. */
  status = 0;
  static from(message: string, fields: { error?: string; errorDescription?: string; status?: number }, options?: { cause?: unknown }): AuthTokenError {
    const e = new AuthTokenError(message, options);
    e.error = fields.error ?? '';
    e.errorDescription = fields.errorDescription ?? '';
    e.status = fields.status ?? 0;
    return e;
  }
}
/** The client could not obtain a client identity: no pre-registered credentials, no Client ID Metadata Document support, and registration failed or is unavailable. Code `MCPKIT_AUTH_REGISTRATION_FAILED`. */
export class AuthRegistrationError extends defineError('MCPKIT_AUTH_REGISTRATION_FAILED', 'AuthRegistrationError') {}
/** The authorization step failed: the host callback failed, the response carried an `error`, the `state` did not match, or no code came back. Code `MCPKIT_AUTH_AUTHORIZATION_FAILED`. */
export class AuthorizationError extends defineError('MCPKIT_AUTH_AUTHORIZATION_FAILED', 'AuthorizationError') {}
/** The server kept refusing after the client re-authorized for the same scopes as many times as allowed. Code `MCPKIT_AUTH_RETRY_LIMIT`. */
export class AuthRetryLimitError extends defineError('MCPKIT_AUTH_RETRY_LIMIT', 'AuthRetryLimitError') {}

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
  'MCPKIT_AUTH_DISCOVERY_FAILED',
  'MCPKIT_AUTH_ISSUER_MISMATCH',
  'MCPKIT_AUTH_RESOURCE_MISMATCH',
  'MCPKIT_AUTH_PKCE_UNSUPPORTED',
  'MCPKIT_AUTH_UNSAFE_URL',
  'MCPKIT_AUTH_TOKEN_REQUEST_FAILED',
  'MCPKIT_AUTH_REGISTRATION_FAILED',
  'MCPKIT_AUTH_AUTHORIZATION_FAILED',
  'MCPKIT_AUTH_RETRY_LIMIT',
  'MCPKIT_CONFIG_INVALID',
  'MCPKIT_GATEWAY_CONFIG_INVALID',
  'MCPKIT_RATE_LIMITED',
  'MCPKIT_CONCURRENCY_LIMITED',
  'MCPKIT_SCOPE_DENIED',
  'MCPKIT_QUARANTINED',
  'MCPKIT_TASKS_UNSUPPORTED',
] as const;
