import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { toRowBody, type AuditRecordInput } from './record.js';

const base: AuditRecordInput = { method: 'tools/call', outcome: 'ok', durationMs: 1.5 };

describe('toRowBody', () => {
  it('fills defaults and stores JSON-valued fields as JCS text', () => {
    const body = toRowBody(
      { ...base, time: 0, principal: 'alice', arguments: { b: 2, a: 1 }, errorCode: -32602, requestId: 7, bytesIn: 10 },
      () => 0,
    );
    expect(body).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      principal: 'alice',
      keyId: null,
      method: 'tools/call',
      upstream: null,
      target: null,
      arguments: '{"a":1,"b":2}',
      outcome: 'ok',
      errorCode: '-32602',
      durationMs: 1.5,
      bytesIn: 10,
      bytesOut: 0,
      requestId: '7',
      sessionId: null,
      route: null,
      reason: null,
    });
  });

  it('takes the time as a Date, epoch ms or ISO string, defaulting to now', () => {
    const iso = '2026-12-04T10:00:00.123Z';
    expect(toRowBody({ ...base, time: new Date(iso) }).time).toBe(iso);
    expect(toRowBody({ ...base, time: Date.parse(iso) }).time).toBe(iso);
    expect(toRowBody({ ...base, time: '2026-12-04T11:00:00.123+01:00' }).time).toBe(iso);
    expect(toRowBody(base, () => Date.parse(iso)).time).toBe(iso);
  });

  it('keeps string error codes and request ids apart from numbers', () => {
    const body = toRowBody({ ...base, errorCode: 'MCPKIT_TIMEOUT', requestId: '7' });
    expect(body.errorCode).toBe('"MCPKIT_TIMEOUT"');
    expect(body.requestId).toBe('"7"');
  });

  it.each<[string, Partial<AuditRecordInput> | Record<string, unknown>, RegExp]>([
    ['method', { method: '' }, /audit record: method must be a non-empty string, got ""/],
    ['outcome', { outcome: 'maybe' }, /audit record: outcome must be 'ok', 'error' or 'refused', got "maybe"/],
    ['durationMs', { durationMs: -1 }, /audit record: durationMs must be a non-negative finite number, got -1/],
    ['bytesIn', { bytesIn: 1.5 }, /audit record: bytesIn must be a non-negative integer, got 1.5/],
    ['principal', { principal: 42 }, /audit record: principal must be a string or null, got 42/],
    ['errorCode', { errorCode: Number.NaN }, /audit record: errorCode must be a number, a string or null/],
    ['time', { time: 'yesterday' }, /audit record: time must be a Date, epoch milliseconds or an ISO 8601 string/],
    ['arguments', { arguments: { n: Number.POSITIVE_INFINITY } }, /audit record: arguments cannot be stored as JSON: JCS: at \/n: Infinity/],
  ])('names the bad field: %s', (_field, patch, message) => {
    const call = () => toRowBody({ ...base, ...patch } as AuditRecordInput);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });
});
