/**
 * Turns SQLite values into JSON and back: big integers, blobs and non-finite reals, plus the caps that keep
 * one result small enough for a model's context.
 * @module
 */

/** A blob, base64-encoded; `bytes` is its full size, so a blob cut by the cell cap shows as such. */
export interface BlobCell {
  base64: string;
  bytes: number;
}

/**
 * One value as it appears in a result: SQL NULL, a number, text, or a blob. Integers outside ±2^53 arrive
 * as decimal strings, since a JSON number would silently round them.
 */
export type Cell = null | number | string | BlobCell;

/** A bind parameter as a client sends it: a blob travels as `{ base64 }`, a boolean becomes 1 or 0. */
export type ParamValue = null | number | string | boolean | { base64: string };

/** Positional (`?`) or named (`:name`, `@name`, `$name`) parameters. */
export type Params = ParamValue[] | Record<string, ParamValue>;

/** What SQLite hands back with safe integers on: no JS number loses precision on the way. */
type SqliteValue = null | number | bigint | string | Uint8Array;

/** Limits on one result. */
export interface ResultCaps {
  maxRows: number;
  maxBytes: number;
  /** Longest text (in characters) or blob (in bytes) kept whole in one cell. */
  maxCell: number;
}

/** A converted cell and whether the cell cap cut it. */
export interface Converted {
  cell: Cell;
  cut: boolean;
}

/** Converts one SQLite value; `maxCell` bounds text length and blob size. */
export function toCell(value: SqliteValue, maxCell: number): Converted {
  if (value === null) return { cell: null, cut: false };
  if (typeof value === 'bigint') {
    const asNumber = Number(value);
    return { cell: Number.isSafeInteger(asNumber) ? asNumber : value.toString(), cut: false };
  }
  // SQLite can hold ±Infinity (1e999), which JSON cannot; NaN never comes out of SQLite (it reads as NULL).
  if (typeof value === 'number') return { cell: Number.isFinite(value) ? value : String(value), cut: false };
  if (typeof value === 'string') {
    if (value.length <= maxCell) return { cell: value, cut: false };
    return { cell: `${value.slice(0, maxCell)}… [${value.length - maxCell} more characters]`, cut: true };
  }
  const bytes = value.byteLength;
  const kept = bytes <= maxCell ? value : value.subarray(0, maxCell);
  return { cell: { base64: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString('base64'), bytes }, cut: bytes > maxCell };
}

/** Approximate JSON size of a row, counted as it is built so that no result is serialised twice. */
export function rowBytes(row: readonly Cell[]): number {
  let n = 2;
  for (const cell of row) {
    if (cell === null) n += 5;
    else if (typeof cell === 'number') n += 24;
    else if (typeof cell === 'string') n += cell.length + 3;
    else n += cell.base64.length + 32;
  }
  return n;
}

/** A bind parameter ready for better-sqlite3, or a message saying what is wrong with it. */
function toBindValue(value: ParamValue, where: string): null | number | string | Buffer {
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && typeof value.base64 === 'string') return Buffer.from(value.base64, 'base64');
  throw new TypeError(`${where} must be null, a number, a string, a boolean or { base64 }`);
}

/** Converts client parameters into what `stmt.iterate()`/`run()` take as arguments. */
export function toBindArgs(params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map((v, i) => toBindValue(v, `params[${i}]`));
  const named: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    // better-sqlite3 names parameters without their prefix character; accept either spelling.
    named[/^[:@$]/.test(k) ? k.slice(1) : k] = toBindValue(v, `params.${k}`);
  }
  return [named];
}
