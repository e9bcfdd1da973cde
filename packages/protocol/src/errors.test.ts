import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it, expect } from 'vitest';
import {
  CancelledError,
  ConnectionClosedError,
  ErrorCode,
  InvalidArgumentError,
  MCPKIT_ERROR_CODES,
  McpkitError,
  MessageTooLargeError,
  MissingCapabilityError,
  HttpError,
  SessionExpiredError,
  ProcessExitedError,
  ProtocolViolationError,
  AuthDiscoveryError,
  AuthIssuerMismatchError,
  AuthResourceMismatchError,
  AuthPkceUnsupportedError,
  AuthUnsafeUrlError,
  AuthTokenError,
  AuthRegistrationError,
  AuthorizationError,
  AuthRetryLimitError,
  ProtocolError,
  RequestStateError,
  SendError,
  TimeoutError,
  TransportStateError,
  invalidParams,
} from './errors.js';
import * as protocol from './index.js';

type ErrorsModule = typeof import('./errors.js');
type LocalErrorClass = new (message: string, options?: { cause?: unknown }) => McpkitError;

const localErrors: Array<[LocalErrorClass, string, string]> = [
  [TimeoutError, 'MCPKIT_TIMEOUT', 'TimeoutError'],
  [CancelledError, 'MCPKIT_CANCELLED', 'CancelledError'],
  [ConnectionClosedError, 'MCPKIT_CONNECTION_CLOSED', 'ConnectionClosedError'],
  [SendError, 'MCPKIT_SEND_FAILED', 'SendError'],
  [MessageTooLargeError, 'MCPKIT_MESSAGE_TOO_LARGE', 'MessageTooLargeError'],
  [InvalidArgumentError, 'MCPKIT_INVALID_ARGUMENT', 'InvalidArgumentError'],
  [TransportStateError, 'MCPKIT_TRANSPORT_STATE', 'TransportStateError'],
  [RequestStateError, 'MCPKIT_INVALID_REQUEST_STATE', 'RequestStateError'],
  [MissingCapabilityError, 'MCPKIT_MISSING_CAPABILITY', 'MissingCapabilityError'],
  [HttpError, 'MCPKIT_HTTP_ERROR', 'HttpError'],
  [SessionExpiredError, 'MCPKIT_SESSION_EXPIRED', 'SessionExpiredError'],
  [ProcessExitedError, 'MCPKIT_PROCESS_EXITED', 'ProcessExitedError'],
  [ProtocolViolationError, 'MCPKIT_PROTOCOL_VIOLATION', 'ProtocolViolationError'],
  [AuthDiscoveryError, 'MCPKIT_AUTH_DISCOVERY_FAILED', 'AuthDiscoveryError'],
  [AuthIssuerMismatchError, 'MCPKIT_AUTH_ISSUER_MISMATCH', 'AuthIssuerMismatchError'],
  [AuthResourceMismatchError, 'MCPKIT_AUTH_RESOURCE_MISMATCH', 'AuthResourceMismatchError'],
  [AuthPkceUnsupportedError, 'MCPKIT_AUTH_PKCE_UNSUPPORTED', 'AuthPkceUnsupportedError'],
  [AuthUnsafeUrlError, 'MCPKIT_AUTH_UNSAFE_URL', 'AuthUnsafeUrlError'],
  [AuthTokenError, 'MCPKIT_AUTH_TOKEN_REQUEST_FAILED', 'AuthTokenError'],
  [AuthRegistrationError, 'MCPKIT_AUTH_REGISTRATION_FAILED', 'AuthRegistrationError'],
  [AuthorizationError, 'MCPKIT_AUTH_AUTHORIZATION_FAILED', 'AuthorizationError'],
  [AuthRetryLimitError, 'MCPKIT_AUTH_RETRY_LIMIT', 'AuthRetryLimitError'],
];

describe('ErrorCode', () => {
  it('holds the JSON-RPC and MCP wire codes', () => {
    expect(ErrorCode).toEqual({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      ResourceNotFound: -32002,
      UrlElicitationRequired: -32042,
      HeaderMismatch: -32020,
      MissingRequiredClientCapability: -32021,
      UnsupportedProtocolVersion: -32022,
    });
  });

  it('never gives two names the same code', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('ProtocolError', () => {
  it('carries a code, a message, data and a cause', () => {
    const cause = new Error('underlying');
    const error = new ProtocolError(ErrorCode.InvalidParams, 'bad name', { field: 'name' }, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe(-32602);
    expect(error.message).toBe('bad name');
    expect(error.data).toEqual({ field: 'name' });
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('ProtocolError: bad name');
  });

  it('omits data from its wire form when there is none', () => {
    const json = new ProtocolError(ErrorCode.MethodNotFound, 'Method not found: x').toJSON();
    expect(json).toEqual({ code: -32601, message: 'Method not found: x' });
    expect('data' in json).toBe(false);
  });

  it.each([[0], [null], [false], [''], [{ nested: [1, 2] }]])('keeps falsy and structured data (%j) in its wire form', (data) => {
    const json = new ProtocolError(ErrorCode.InternalError, 'm', data).toJSON();
    expect(json).toEqual({ code: -32603, message: 'm', data });
    expect('data' in json).toBe(true);
  });

  it('serialises through JSON.stringify as a JSON-RPC error object, without the cause or stack', () => {
    const error = new ProtocolError(-32000, 'custom', { a: 1 }, { cause: new Error('secret') });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: -32000, message: 'custom', data: { a: 1 } });
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('round-trips through fromWire', () => {
    const wire = { code: ErrorCode.HeaderMismatch, message: 'Mcp-Name does not match', data: { header: 'Mcp-Name' } };
    const rebuilt = ProtocolError.fromWire(wire);
    expect(rebuilt).toBeInstanceOf(ProtocolError);
    expect(rebuilt.code).toBe(wire.code);
    expect(rebuilt.message).toBe(wire.message);
    expect(rebuilt.data).toEqual(wire.data);
    expect(rebuilt.toJSON()).toEqual(wire);
    expect(ProtocolError.fromWire({ code: 1, message: 'no data' }).toJSON()).toEqual({ code: 1, message: 'no data' });
  });

  it('is not an McpkitError, and an McpkitError is not a ProtocolError', () => {
    expect(new ProtocolError(-32603, 'x')).not.toBeInstanceOf(McpkitError);
    expect(new TimeoutError('x')).not.toBeInstanceOf(ProtocolError);
    expect(new McpkitError('MCPKIT_TIMEOUT', 'x')).not.toBeInstanceOf(ProtocolError);
  });

  it.each([[null], [undefined], [42], ['ProtocolError'], [new Error('plain')], [{ code: -32600, message: 'look-alike', name: 'ProtocolError' }]])(
    'does not claim %s',
    (value) => {
      expect(value instanceof ProtocolError).toBe(false);
    },
  );
});

describe('invalidParams', () => {
  it('builds a -32602 naming the field and the problem', () => {
    const error = invalidParams('params.name', 'must be a string', { got: 3 });
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toBe('Invalid params: params.name must be a string');
    expect(error.data).toEqual({ got: 3 });
    expect(invalidParams('params.cursor', 'is unknown').toJSON()).toEqual({
      code: -32602,
      message: 'Invalid params: params.cursor is unknown',
    });
  });
});

describe('McpkitError', () => {
  it('carries a code, a message and a cause', () => {
    const cause = new Error('root');
    const error = new McpkitError('MCPKIT_SOMETHING', 'went wrong', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(McpkitError);
    expect(error.name).toBe('McpkitError');
    expect(error.code).toBe('MCPKIT_SOMETHING');
    expect(error.message).toBe('went wrong');
    expect(error.cause).toBe(cause);
  });

  it.each(localErrors.map(([Class, code, name]) => [name, Class, code] as const))('%s has its code, name and class identity', (name, Class, code) => {
    const cause = new Error('root');
    const error = new Class('it failed', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(McpkitError);
    expect(error).toBeInstanceOf(Class);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message).toBe('it failed');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe(`${name}: it failed`);
    expect(error.stack).toContain('it failed');
    for (const [Other, otherCode] of localErrors) {
      if (otherCode !== code) expect(error).not.toBeInstanceOf(Other);
    }
  });

  it('recognises a subclass by its code, so an McpkitError built with that code matches the subclass', () => {
    expect(new McpkitError('MCPKIT_TIMEOUT', 'x')).toBeInstanceOf(TimeoutError);
    expect(new McpkitError('MCPKIT_TIMEOUT', 'x')).not.toBeInstanceOf(CancelledError);
    expect(new McpkitError('MCPKIT_UNLISTED', 'x')).not.toBeInstanceOf(TimeoutError);
  });

  it('does not claim plain objects that copy its fields (the brand is not enumerable)', () => {
    const error = new TimeoutError('x');
    const copy = { ...error, message: error.message };
    expect(copy.code).toBe('MCPKIT_TIMEOUT');
    expect(copy instanceof McpkitError).toBe(false);
    expect(copy instanceof TimeoutError).toBe(false);
  });

  it.each([[null], [undefined], [0], ['MCPKIT_TIMEOUT'], [new Error('plain')], [{ code: 'MCPKIT_TIMEOUT', name: 'TimeoutError' }]])(
    'does not claim %s',
    (value) => {
      expect(value instanceof McpkitError).toBe(false);
      expect(value instanceof TimeoutError).toBe(false);
    },
  );
});

/** Codes whose classes live in packages above protocol. */
const ELSEWHERE: ReadonlySet<string> = new Set([
  'MCPKIT_CONFIG_INVALID',
  'MCPKIT_GATEWAY_CONFIG_INVALID',
  'MCPKIT_RATE_LIMITED',
  'MCPKIT_CONCURRENCY_LIMITED',
  'MCPKIT_SCOPE_DENIED',
  'MCPKIT_QUARANTINED',
  'MCPKIT_TASKS_UNSUPPORTED',
]);

describe('MCPKIT_ERROR_CODES', () => {
  it('lists unique, well-formed codes', () => {
    expect(new Set(MCPKIT_ERROR_CODES).size).toBe(MCPKIT_ERROR_CODES.length);
    for (const code of MCPKIT_ERROR_CODES) expect(code).toMatch(/^MCPKIT_[A-Z]+(?:_[A-Z]+)*$/);
  });

  it('lists exactly the codes of the exported error classes, in append order', () => {
    // These classes live above the protocol package: @mcpkit/client, @mcpkit/host and @mcpkit/gateway (tested there).
    expect(localErrors.map(([, code]) => code)).toEqual(MCPKIT_ERROR_CODES.filter((c) => !ELSEWHERE.has(c)));
    for (const [Class, code] of localErrors) expect(new Class('x').code).toBe(code);
  });

  it('covers every McpkitError subclass the package entry exports', () => {
    const exported = Object.entries(protocol).filter(
      ([, value]) => typeof value === 'function' && Object.prototype.isPrototypeOf.call(McpkitError.prototype, value.prototype),
    );
    const codes = exported.map(([, Class]) => new (Class as LocalErrorClass)('x').code).sort();
    expect(codes).toEqual(MCPKIT_ERROR_CODES.filter((c) => !ELSEWHERE.has(c)).sort());
    expect(exported.map(([name]) => name).sort()).toEqual(localErrors.map(([, , name]) => name).sort());
  });
});

describe('instanceof across two loaded copies of the module', () => {
  // Two copies of the built file, as when two packages each bundle or install their own @mcpkit/protocol.
  const distPath = fileURLToPath(new URL('../dist/errors.js', import.meta.url));

  async function loadCopy(tag: string): Promise<ErrorsModule> {
    return (await import(`${pathToFileURL(distPath).href}?copy=${tag}`)) as ErrorsModule;
  }

  it('has a build to load (run `npx tsc -b` first)', () => {
    expect(existsSync(distPath)).toBe(true);
  });

  it('loads genuinely distinct classes', async () => {
    const a = await loadCopy('a');
    const b = await loadCopy('b');
    expect(a.TimeoutError).not.toBe(b.TimeoutError);
    expect(a.McpkitError).not.toBe(b.McpkitError);
    expect(a.ProtocolError).not.toBe(b.ProtocolError);
    expect(a.ProtocolError).not.toBe(ProtocolError);
    // Without the brand, instanceof would fail: the prototype chains are unrelated.
    expect(Object.getPrototypeOf(new b.TimeoutError('x'))).not.toBe(a.TimeoutError.prototype);
  });

  it.each(localErrors.map(([, code, name]) => [name, code]))('recognises %s from the other copy', async (name, code) => {
    const a = await loadCopy('a');
    const b = await loadCopy('b');
    const aClass = a[name as keyof ErrorsModule] as unknown as LocalErrorClass;
    const bClass = b[name as keyof ErrorsModule] as unknown as LocalErrorClass;
    const fromB = new bClass('from b');
    const fromA = new aClass('from a');
    expect(fromB.code).toBe(code);
    expect(fromB).toBeInstanceOf(aClass);
    expect(fromB).toBeInstanceOf(a.McpkitError);
    expect(fromA).toBeInstanceOf(bClass);
    expect(fromA).toBeInstanceOf(b.McpkitError);
    // ... and the copy that tests and sources import.
    const local = localErrors.find(([, c]) => c === code)![0];
    expect(fromB).toBeInstanceOf(local);
    expect(new local('local')).toBeInstanceOf(bClass);
    expect(fromB).not.toBeInstanceOf(a.ProtocolError);
  });

  it('still tells subclasses apart across copies', async () => {
    const a = await loadCopy('a');
    const b = await loadCopy('b');
    expect(new b.TimeoutError('x')).not.toBeInstanceOf(a.CancelledError);
    expect(new b.CancelledError('x')).not.toBeInstanceOf(a.TimeoutError);
    expect(new b.ConnectionClosedError('x')).not.toBeInstanceOf(TimeoutError);
  });

  it('recognises ProtocolError from the other copy', async () => {
    const a = await loadCopy('a');
    const b = await loadCopy('b');
    const fromB = new b.ProtocolError(b.ErrorCode.InvalidParams, 'bad', { x: 1 });
    expect(fromB).toBeInstanceOf(a.ProtocolError);
    expect(fromB).toBeInstanceOf(ProtocolError);
    expect(new a.ProtocolError(-32600, 'x')).toBeInstanceOf(b.ProtocolError);
    expect(b.invalidParams('p', 'q')).toBeInstanceOf(a.ProtocolError);
    expect(fromB).not.toBeInstanceOf(a.McpkitError);
    expect(new b.TimeoutError('x')).not.toBeInstanceOf(a.ProtocolError);
  });

  it('lists the same codes in every copy', async () => {
    const b = await loadCopy('b');
    expect([...b.MCPKIT_ERROR_CODES]).toEqual([...MCPKIT_ERROR_CODES]);
    expect(b.ErrorCode).toEqual(ErrorCode);
  });
});
