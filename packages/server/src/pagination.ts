/**
 * Opaque cursors over stable, ordered lists (spec basic/utilities/pagination).
 * @module
 */
import { invalidParams, type JsonObject } from '@mcpkit/protocol';

/** Slices `items` by an opaque cursor; `pageSize` undefined returns everything. */
export function paginate<T>(items: readonly T[], cursor: unknown, pageSize: number | undefined): { page: readonly T[]; nextCursor?: string } {
  let start = 0;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string') throw invalidParams('params.cursor', 'must be a string');
    const n = /^c(\d{1,9})$/.exec(cursor);
    if (!n || Number(n[1]) > items.length) throw invalidParams('params.cursor', 'is not a cursor this server issued');
    start = Number(n[1]);
  }
  if (pageSize === undefined || start + pageSize >= items.length) {
    return { page: start === 0 ? items : items.slice(start) };
  }
  return { page: items.slice(start, start + pageSize), nextCursor: `c${start + pageSize}` };
}

/** Builds a list result: `{ [key]: page, nextCursor? }`. */
export function listResult<T>(key: string, items: readonly T[], cursor: unknown, pageSize: number | undefined): JsonObject {
  const { page, nextCursor } = paginate(items, cursor, pageSize);
  return nextCursor === undefined ? { [key]: page } : { [key]: page, nextCursor };
}
