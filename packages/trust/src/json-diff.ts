/**
 * Field-level differences between two JSON values, each located by an RFC 6901 JSON Pointer.
 * @module
 */
import type { JsonValue } from './jcs.js';

/** One difference: `before` is absent for an added field, `after` for a removed one. */
export interface FieldChange {
  /** RFC 6901 JSON Pointer, e.g. `/inputSchema/properties/path/description` or `/inputSchema/properties/x/enum/2`. */
  pointer: string;
  before?: JsonValue;
  after?: JsonValue;
}

/**
 * One RFC 6901 reference token: `~` becomes `~0`, `/` becomes `~1`.
 * @example
 * escapePointerToken('a/b~c'); // 'a~1b~0c'
 */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The differences between `before` and `after`, in document order: objects are compared member by member (sorted),
 * arrays index by index, anything else by value.
 * @example
 * diffJson({ a: [1, 2] }, { a: [1, 3], b: true }); // [{ pointer: '/a/1', before: 2, after: 3 }, { pointer: '/b', after: true }]
 */
export function diffJson(before: JsonValue | undefined, after: JsonValue | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, '', out);
  return out;
}

function walk(before: JsonValue | undefined, after: JsonValue | undefined, pointer: string, out: FieldChange[]): void {
  if (before === after) return;
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) {
      const b = Object.hasOwn(before, key) ? before[key] : undefined;
      const a = Object.hasOwn(after, key) ? after[key] : undefined;
      walk(b, a, `${pointer}/${escapePointerToken(key)}`, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], `${pointer}/${i}`, out);
    return;
  }
  const change: FieldChange = { pointer };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
