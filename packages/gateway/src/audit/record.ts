/**
 * The audit record: what the caller hands in, and how it is checked and put into its stored form.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { canonicalize } from '@mcpkit/trust';
import type { RowBody } from './row.js';

export type AuditOutcome = 'ok' | 'error' | 'refused';

/** One request, as the gateway reports it. Fields left out are stored as `null`. */
export interface AuditRecordInput {
  /** When the request arrived: a `Date`, epoch milliseconds or an ISO 8601 string. Default: now. */
  time?: Date | number | string;
  /** Who made the request (subject or key id), or null when anonymous. */
  principal?: string | null;
  /** The API key's id, when a key authenticated the request. */
  keyId?: string | null;
  /** The JSON-RPC method, e.g. `tools/call`. */
  method: string;
  /** The upstream server name the request went to, or null for the gateway's own answers (lists, refusals). */
  upstream?: string | null;
  /** The namespaced tool, resource or prompt name (`server__tool`), or null. */
  target?: string | null;
  /** The arguments, already reduced with `reduceArguments` per `audit.arguments`. */
  arguments?: unknown;
  outcome: AuditOutcome;
  /** The JSON-RPC error code or local error code, when the outcome is not `ok`. */
  errorCode?: number | string | null;
  durationMs: number;
  bytesIn?: number;
  bytesOut?: number;
  /** The JSON-RPC request id. */
  requestId?: string | number | null;
  sessionId?: string | null;
  /** The gateway path (virtual server) the request came in on. */
  route?: string | null;
  /** Why the request was refused (e.g. `scope`, `rate-limit`, `auth`). */
  reason?: string | null;
}

/** A record as stored and read back: the input's fields plus its place in the hash chain. */
export interface StoredAuditRecord {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  /** ISO 8601, UTC, millisecond precision. */
  time: string;
  principal: string | null;
  keyId: string | null;
  method: string;
  upstream: string | null;
  target: string | null;
  arguments: unknown;
  outcome: AuditOutcome;
  errorCode: number | string | null;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  requestId?: string | number;
  sessionId?: string;
  route?: string;
  reason?: string;
  /** The previous record's `hash` (64 zeros for seq 1). */
  prevHash: string;
  /** See `recordHash` in chain.ts for exactly what is hashed. */
  hash: string;
}

const OUTCOMES: readonly string[] = ['ok', 'error', 'refused'];

/**
 * Checks an input record and turns it into the stored form (JSON-valued fields as JCS text).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) naming the first bad field.
 */
export function toRowBody(input: AuditRecordInput, now: () => number = Date.now): RowBody {
  if (typeof input !== 'object' || input === null) throw fieldError('record', 'must be an object', input);
  if (typeof input.method !== 'string' || input.method === '') throw fieldError('method', 'must be a non-empty string', input.method);
  if (!OUTCOMES.includes(input.outcome)) throw fieldError('outcome', "must be 'ok', 'error' or 'refused'", input.outcome);
  const errorCode = input.errorCode ?? null;
  if (errorCode !== null && typeof errorCode !== 'string' && !(typeof errorCode === 'number' && Number.isFinite(errorCode))) {
    throw fieldError('errorCode', 'must be a number, a string or null', errorCode);
  }
  const requestId = input.requestId ?? null;
  if (requestId !== null && typeof requestId !== 'string' && !(typeof requestId === 'number' && Number.isFinite(requestId))) {
    throw fieldError('requestId', 'must be a string, a number or null', requestId);
  }
  let args: string | null;
  try {
    args = input.arguments === undefined || input.arguments === null ? null : canonicalize(input.arguments);
  } catch (error) {
    throw new InvalidArgumentError(`audit record: arguments cannot be stored as JSON: ${(error as Error).message}`, { cause: error });
  }
  return {
    time: isoTime(input.time ?? now()),
    principal: optionalString(input, 'principal'),
    keyId: optionalString(input, 'keyId'),
    method: input.method,
    upstream: optionalString(input, 'upstream'),
    target: optionalString(input, 'target'),
    arguments: args,
    outcome: input.outcome,
    errorCode: errorCode === null ? null : canonicalize(errorCode),
    durationMs: nonNegative(input.durationMs, 'durationMs', false),
    bytesIn: nonNegative(input.bytesIn ?? 0, 'bytesIn', true),
    bytesOut: nonNegative(input.bytesOut ?? 0, 'bytesOut', true),
    requestId: requestId === null ? null : canonicalize(requestId),
    sessionId: optionalString(input, 'sessionId'),
    route: optionalString(input, 'route'),
    reason: optionalString(input, 'reason'),
  };
}

/** A time as the log stores it: ISO 8601 UTC with milliseconds, which sorts as text in time order. */
export function isoTime(value: Date | number | string, field = 'time'): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  // Years 0..9999 keep the fixed-width form, so text order is time order.
  if (!Number.isFinite(ms) || ms < -62167219200000 || ms > 253402300799999) {
    throw fieldError(field, 'must be a Date, epoch milliseconds or an ISO 8601 string between years 0 and 9999', value);
  }
  if (ms !== lastIso.ms) {
    lastIso.ms = ms;
    lastIso.text = new Date(ms).toISOString();
  }
  return lastIso.text;
}

// A burst of records shares its millisecond: format it once (toISOString showed in the audit's profile).
const lastIso = { ms: Number.NaN, text: '' };

function optionalString(input: AuditRecordInput, field: 'principal' | 'keyId' | 'upstream' | 'target' | 'sessionId' | 'route' | 'reason'): string | null {
  const value = input[field] ?? null;
  if (value !== null && typeof value !== 'string') throw fieldError(field, 'must be a string or null', value);
  return value;
}

function nonNegative(value: number, field: string, integer: boolean): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!integer || Number.isSafeInteger(value));
  if (!ok) throw fieldError(field, integer ? 'must be a non-negative integer' : 'must be a non-negative finite number', value);
  return value;
}

function fieldError(field: string, problem: string, value: unknown): InvalidArgumentError {
  let shown: string;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  return new InvalidArgumentError(`audit record: ${field} ${problem}, got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`);
}
