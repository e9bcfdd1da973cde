import { afterEach, describe, it, expect, vi } from 'vitest';
import { ErrorCode, ProtocolError } from './errors.js';
import {
  copyObject,
  errorResponse,
  isErrorResponse,
  isNotification,
  isRequest,
  isResponse,
  parseJson,
  parseMessage,
  recoverId,
  resultResponse,
} from './jsonrpc.js';
import type { JsonRpcMessage } from './jsonrpc.js';

/** Runs `fn`, which must throw a ProtocolError, and returns it. */
function protocolErrorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error('expected a ProtocolError, but nothing was thrown');
}

const request: JsonRpcMessage = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
const notification: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/initialized' };
const result: JsonRpcMessage = { jsonrpc: '2.0', id: 1, result: {} };
const failure: JsonRpcMessage = { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } };
const nullIdFailure: JsonRpcMessage = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } };
const idlessFailure: JsonRpcMessage = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } };

describe('message kind guards', () => {
  it.each([
    ['request', request, { isRequest: true, isNotification: false, isResponse: false, isErrorResponse: false }],
    ['notification', notification, { isRequest: false, isNotification: true, isResponse: false, isErrorResponse: false }],
    ['result response', result, { isRequest: false, isNotification: false, isResponse: true, isErrorResponse: false }],
    ['error response', failure, { isRequest: false, isNotification: false, isResponse: true, isErrorResponse: true }],
    ['error response with a null id', nullIdFailure, { isRequest: false, isNotification: false, isResponse: true, isErrorResponse: true }],
    ['error response without an id', idlessFailure, { isRequest: false, isNotification: false, isResponse: true, isErrorResponse: true }],
  ])('classify a %s', (_, message, expected) => {
    expect({
      isRequest: isRequest(message),
      isNotification: isNotification(message),
      isResponse: isResponse(message),
      isErrorResponse: isErrorResponse(message),
    }).toEqual(expected);
  });
});

describe('parseMessage', () => {
  it.each([
    ['a request with a number id', { jsonrpc: '2.0', id: 7, method: 'ping' }],
    ['a request with id 0', { jsonrpc: '2.0', id: 0, method: 'ping' }],
    ['a request with a string id', { jsonrpc: '2.0', id: 'abc', method: 'tools/call', params: { name: 'echo' } }],
    ['a request with an empty string id', { jsonrpc: '2.0', id: '', method: 'ping' }],
    ['a request with a negative id', { jsonrpc: '2.0', id: -3, method: 'ping' }],
    ['a request whose params are explicitly undefined', { jsonrpc: '2.0', id: 1, method: 'ping', params: undefined }],
    ['a notification', { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } }],
    ['a result response', { jsonrpc: '2.0', id: 3, result: { tools: [] } }],
    ['an empty result', { jsonrpc: '2.0', id: 'x', result: {} }],
    ['an error response', { jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'bad' } }],
    ['an error response with data', { jsonrpc: '2.0', id: 3, error: { code: -32022, message: 'v', data: { supported: [] } } }],
    ['an error response with a null id', { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }],
    ['an error response without an id', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } }],
    ['a message with unknown extra members', { jsonrpc: '2.0', id: 1, method: 'ping', extra: true }],
  ])('accepts %s and returns it without copying', (_, value) => {
    expect(parseMessage(value)).toBe(value);
  });

  it.each<[string, unknown, string | number | null]>([
    ['null', null, null],
    ['a number', 42, null],
    ['a string', '{"jsonrpc":"2.0"}', null],
    ['a boolean', true, null],
    ['an array (batches are not supported)', [{ jsonrpc: '2.0', id: 1, method: 'ping' }], null],
    ['an empty array', [], null],
    ['an object without jsonrpc', { id: 4, method: 'ping' }, 4],
    ['jsonrpc "1.0"', { jsonrpc: '1.0', id: 'a', method: 'ping' }, 'a'],
    ['jsonrpc as a number', { jsonrpc: 2.0, id: 5, method: 'ping' }, 5],
    ['a null id on a request', { jsonrpc: '2.0', id: null, method: 'ping' }, null],
    ['a null id on a result', { jsonrpc: '2.0', id: null, result: {} }, null],
    ['a boolean id', { jsonrpc: '2.0', id: true, method: 'ping' }, null],
    ['an object id', { jsonrpc: '2.0', id: { n: 1 }, method: 'ping' }, null],
    ['an array id', { jsonrpc: '2.0', id: [1], method: 'ping' }, null],
    ['a NaN id', { jsonrpc: '2.0', id: Number.NaN, method: 'ping' }, null],
    ['an infinite id', { jsonrpc: '2.0', id: Number.POSITIVE_INFINITY, method: 'ping' }, null],
    ['an empty method', { jsonrpc: '2.0', id: 6, method: '' }, 6],
    ['a numeric method', { jsonrpc: '2.0', id: 6, method: 12 }, 6],
    ['a null method', { jsonrpc: '2.0', id: 6, method: null }, 6],
    ['array params', { jsonrpc: '2.0', id: 7, method: 'ping', params: [1, 2] }, 7],
    ['string params', { jsonrpc: '2.0', id: 7, method: 'ping', params: 'x' }, 7],
    ['null params', { jsonrpc: '2.0', id: 7, method: 'ping', params: null }, 7],
    ['array params on a notification', { jsonrpc: '2.0', method: 'notifications/x', params: [] }, null],
    ['no method and no id', { jsonrpc: '2.0' }, null],
    ['a result without an id', { jsonrpc: '2.0', result: {} }, null],
    ['an id with neither result nor error', { jsonrpc: '2.0', id: 8 }, 8],
    ['a string result', { jsonrpc: '2.0', id: 9, result: 'ok' }, 9],
    ['an array result', { jsonrpc: '2.0', id: 9, result: [] }, 9],
    ['a null result', { jsonrpc: '2.0', id: 9, result: null }, 9],
    ['a string error', { jsonrpc: '2.0', id: 10, error: 'bad' }, 10],
    ['an error without a code', { jsonrpc: '2.0', id: 10, error: { message: 'bad' } }, 10],
    ['an error with a string code', { jsonrpc: '2.0', id: 10, error: { code: '-32600', message: 'bad' } }, 10],
    ['an error without a message', { jsonrpc: '2.0', id: 10, error: { code: -32600 } }, 10],
    ['an error with a numeric message', { jsonrpc: '2.0', id: 10, error: { code: -32600, message: 5 } }, 10],
    ['a malformed error with a null id', { jsonrpc: '2.0', id: null, error: { code: 'x' } }, null],
    ['a malformed error without an id', { jsonrpc: '2.0', error: { code: -1 } }, null],
    ['both a result and an error without an id', { jsonrpc: '2.0', result: {}, error: { code: -1, message: 'm' } }, null],
  ])('rejects %s with -32600', (_, value, id) => {
    const error = protocolErrorOf(() => parseMessage(value));
    expect(error.code).toBe(ErrorCode.InvalidRequest);
    expect(error.message).toMatch(/^Invalid request: \S/);
    // The id, when one can be recovered, rides in `data` so the engine can address its answer.
    expect(error.data).toEqual(id === null ? undefined : { id });
  });

  it('names the offending field in its message', () => {
    expect(protocolErrorOf(() => parseMessage({ jsonrpc: '2.0', id: 1, method: 'x', params: [] })).message).toContain('params');
    expect(protocolErrorOf(() => parseMessage({ jsonrpc: '2.0', id: 1, result: 3 })).message).toContain('result');
    expect(protocolErrorOf(() => parseMessage({ jsonrpc: '2.0', id: true, method: 'x' })).message).toContain('id');
    expect(protocolErrorOf(() => parseMessage({ jsonrpc: '1.0', method: 'x' })).message).toContain('jsonrpc');
    expect(protocolErrorOf(() => parseMessage({ jsonrpc: '2.0', id: 1, method: '' })).message).toContain('method');
  });
});

describe('recoverId', () => {
  it.each<[string, unknown, string | number | null]>([
    ['a number id', { id: 3 }, 3],
    ['id 0', { id: 0 }, 0],
    ['a negative id', { id: -1 }, -1],
    ['a string id', { id: 'req-1' }, 'req-1'],
    ['an empty string id', { id: '' }, ''],
    ['an id on an otherwise broken message', { jsonrpc: 'nope', id: 'k', method: 7 }, 'k'],
    ['a null id', { id: null }, null],
    ['no id', { method: 'ping' }, null],
    ['a NaN id', { id: Number.NaN }, null],
    ['an infinite id', { id: Number.NEGATIVE_INFINITY }, null],
    ['a boolean id', { id: false }, null],
    ['an object id', { id: {} }, null],
    ['an array', [{ id: 1 }], null],
    ['null', null, null],
    ['a string', 'id', null],
    ['a number', 1, null],
  ])('from %s', (_, value, expected) => {
    expect(recoverId(value)).toBe(expected);
  });
});

describe('parseJson', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('decodes JSON text of any shape, leaving structure checks to parseMessage', () => {
    expect(parseJson('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toEqual({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(parseJson('42')).toBe(42);
    expect(parseJson(' [1,"two"] ')).toEqual([1, 'two']);
    expect(parseJson('"\\u00e9\\n"')).toBe('é\n');
  });

  it.each([[''], ['{'], ['{"a":1,}'], ["{'a':1}"], ['undefined'], ['{"a":1}{"b":2}'], ['\u0000']])('turns invalid JSON %j into -32700', (text) => {
    const error = protocolErrorOf(() => parseJson(text));
    expect(error.code).toBe(ErrorCode.ParseError);
    expect(error.message).toMatch(/^Parse error: ./);
    expect(error.data).toBeUndefined();
  });

  it('turns a parser that runs out of stack into -32700 instead of crashing', () => {
    vi.spyOn(JSON, 'parse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const error = protocolErrorOf(() => parseJson('[[[[]]]]'));
    expect(error.code).toBe(ErrorCode.ParseError);
    expect(error.message).toBe('Parse error: input too deeply nested');
  });

  it('decodes very deeply nested input or reports -32700, but never throws anything else', () => {
    const depth = 200_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    let outcome: unknown;
    try {
      outcome = parseJson(text);
    } catch (error) {
      outcome = error;
    }
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(ProtocolError);
      expect((outcome as ProtocolError).code).toBe(ErrorCode.ParseError);
    } else {
      expect(Array.isArray(outcome)).toBe(true);
    }
  });
});

describe('response builders', () => {
  it('builds a result response that parseMessage accepts', () => {
    const response = resultResponse('r1', { content: [] });
    expect(response).toEqual({ jsonrpc: '2.0', id: 'r1', result: { content: [] } });
    expect(parseMessage(response)).toBe(response);
    expect(isResponse(response) && !isErrorResponse(response)).toBe(true);
  });

  it('builds an error response that parseMessage accepts', () => {
    const wire = new ProtocolError(ErrorCode.InvalidParams, 'bad', { field: 'x' }).toJSON();
    const response = errorResponse(4, wire);
    expect(response).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32602, message: 'bad', data: { field: 'x' } } });
    expect(parseMessage(response)).toBe(response);
    expect(errorResponse(0, wire).id).toBe(0);
    expect(errorResponse('', wire).id).toBe('');
  });

  it.each([[null], [undefined]])('leaves the id out of an error response when the id is %s', (id) => {
    // MCP's schema (2025-11-25 on) makes the id of an error response optional and does not allow null.
    const anonymous = errorResponse(id, { code: ErrorCode.ParseError, message: 'Parse error' });
    expect(anonymous).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } });
    expect('id' in anonymous).toBe(false);
    expect(parseMessage(anonymous)).toBe(anonymous);
    expect(isErrorResponse(anonymous)).toBe(true);
  });

  it('builds responses that survive a JSON round trip', () => {
    const response = resultResponse(0, { nested: { list: [1, 'a', null] } });
    expect(parseMessage(parseJson(JSON.stringify(response)))).toEqual(response);
  });
});

describe('copyObject', () => {
  it('copies own keys in order, and the copy takes new keys without touching the source', () => {
    const source = { b: 1, a: { nested: true } };
    const copy = copyObject(source) as Record<string, unknown>;
    copy.c = 3;
    expect(Object.keys(copy)).toEqual(['b', 'a', 'c']);
    expect(copy.a).toBe(source.a);
    expect(source).toEqual({ b: 1, a: { nested: true } });
    expect(copyObject(undefined)).toEqual({});
  });

  it('keeps a hostile own __proto__ key a plain key: the copy keeps Object.prototype', () => {
    const hostile = JSON.parse('{"content":[],"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const copy = copyObject(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.polluted).toBeUndefined();
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(JSON.stringify(copy)).toBe('{"content":[],"__proto__":{"polluted":true}}');
    // What Object.assign alone would have done:
    expect((Object.assign({}, hostile) as Record<string, unknown>).polluted).toBe(true);
  });
});

