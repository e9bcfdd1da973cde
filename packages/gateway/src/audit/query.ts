/**
 * The filter `AuditLog.query()` takes, checked and turned into a SQL `WHERE` clause both backends share.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { isoTime, type AuditOutcome } from './record.js';

export interface AuditQuery {
  /** Records at or after this time. */
  since?: Date | number | string;
  /** Records before this time. */
  until?: Date | number | string;
  principal?: string;
  method?: string;
  target?: string;
  outcome?: AuditOutcome;
  /** Records with a seq greater than this (for paging and tailing). */
  afterSeq?: number;
  /** At most this many records, oldest first. Default 100, at most 10,000. */
  limit?: number;
}

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 10_000;

export interface SqlFilter {
  /** `WHERE …` (or '') with placeholders made by the backend's `placeholder(n)`. */
  where: string;
  params: unknown[];
  limit: number;
}

/**
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) naming the bad filter field.
 */
export function buildFilter(query: AuditQuery, placeholder: (n: number) => string): SqlFilter {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', placeholder(params.length)));
  };
  if (query.afterSeq !== undefined) {
    if (!Number.isSafeInteger(query.afterSeq) || query.afterSeq < 0) throw filterError('afterSeq', 'a non-negative integer', query.afterSeq);
    add('seq > ?', query.afterSeq);
  }
  if (query.since !== undefined) add('time >= ?', isoTime(query.since, 'since'));
  if (query.until !== undefined) add('time < ?', isoTime(query.until, 'until'));
  for (const [field, column] of [['principal', 'principal'], ['method', 'method'], ['target', 'target'], ['outcome', 'outcome']] as const) {
    const value = query[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw filterError(field, 'a string', value);
    add(`${column} = ?`, value);
  }
  const limit = query.limit ?? DEFAULT_QUERY_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) throw filterError('limit', `an integer from 1 to ${MAX_QUERY_LIMIT}`, limit);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params, limit };
}

function filterError(field: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`audit query: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
}
