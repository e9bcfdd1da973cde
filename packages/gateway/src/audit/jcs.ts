/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte-exact JSON text per JSON value, so equal values hash
 * equally whatever their key order or number spelling.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';

/** A JSON value as JCS sees it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A number in JCS form: the ECMAScript Number-to-String serialization (RFC 8785 §3.2.2.3), which is what
 * `JSON.stringify` produces for finite numbers (`-0` becomes `0`, `1e21` becomes `1e+21`).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) for NaN and ±Infinity, which JSON cannot carry.
 */
export function canonicalNumber(value: number, path = '$'): string {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`${path}: ${value} is not a JSON number (JCS, RFC 8785 §3.2.2.3)`);
  return String(value); // Number::toString, the same text JSON.stringify gives, faster
}

/**
 * The JCS text of a value. Object members are sorted by their names' UTF-16 code units (RFC 8785 §3.2.3);
 * strings are escaped as `JSON.stringify` does (§3.2.2.2). Like `JSON.stringify`, `toJSON()` is honoured
 * (so a `Date` becomes its ISO string), and members whose value is `undefined`, a function or a symbol are
 * left out (`null` in arrays).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) naming the path of a non-finite number, a bigint or a cycle.
 * @example
 * canonicalize({ b: [1e3, 'x'], a: null }); // '{"a":null,"b":[1000,"x"]}'
 */
export function canonicalize(value: unknown): string {
  return write(value, '$', []);
}

function write(value: unknown, path: string, ancestors: object[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return canonicalNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new InvalidArgumentError(`${path}: a bigint is not a JSON value; convert it to a number or string first`);
    case 'object':
      break;
    default:
      return 'null'; // undefined, function, symbol: only reached at the top level or inside arrays
  }
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value), path, ancestors);
  if (ancestors.includes(value as object)) throw new InvalidArgumentError(`${path}: the value contains a cycle`);
  ancestors.push(value as object);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item, i) => write(item, `${path}[${i}]`, ancestors)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    // Array.prototype.sort compares strings by UTF-16 code units, which is the order JCS asks for.
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      parts.push(`${JSON.stringify(key)}:${write(member, `${path}.${key}`, ancestors)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  ancestors.pop();
  return out;
}
