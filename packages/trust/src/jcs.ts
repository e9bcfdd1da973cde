/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte-exact JSON text per JSON value, so equal values hash
 * equally whatever their key order or number spelling.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';

/** A JSON value as JCS sees it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper than any honest definition or argument object; keeps hostile input from overflowing the stack. */
const MAX_DEPTH = 1000;

/**
 * A number in JCS form: the ECMAScript Number-to-String serialization (RFC 8785 §3.2.2.3), which is what
 * `JSON.stringify` produces for finite numbers (`-0` becomes `0`, `1e21` becomes `1e+21`).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) for NaN and ±Infinity, which JSON cannot carry.
 * @example
 * canonicalNumber(1e21); // '1e+21'
 */
export function canonicalNumber(value: number, where = ''): string {
  if (!Number.isFinite(value)) throw refuse(`${value} is not a JSON number (RFC 8785 §3.2.2.3)`, where);
  return String(value); // Number::toString, the same text JSON.stringify gives, faster
}

/**
 * The JCS text of a JSON value. Object members are sorted by their names' UTF-16 code units (RFC 8785 §3.2.3);
 * strings are escaped as `JSON.stringify` does (§3.2.2.2); numbers use the ECMAScript form (§3.2.2.3).
 * An object member whose value is `undefined` is absent (as in `JSON.stringify`), and `toJSON()` is honoured
 * (a `Date` becomes its ISO string). Lone surrogates, which RFC 8785's I-JSON input excludes, are written as
 * `\udxxx` escapes like `JSON.stringify` does rather than refused, so a hostile definition still gets a digest.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) naming the JSON Pointer of anything JSON cannot carry:
 * NaN or ±Infinity, a bigint, a function, a symbol, `undefined` outside an object member, a Map, Set or other
 * non-plain object, a cycle, or nesting deeper than 1,000 levels.
 * @example
 * canonicalize({ b: [1e3, 'x'], a: null }); // '{"a":null,"b":[1000,"x"]}'
 */
export function canonicalize(value: unknown): string {
  return write(value, [], []);
}

function write(value: unknown, path: string[], ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw refuse(`${value} is not a JSON number (RFC 8785 §3.2.2.3)`, pointerOf(path));
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    case 'bigint':
      throw refuse('a bigint is not a JSON value; convert it to a number or a string first', pointerOf(path));
    default:
      throw refuse(`${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`} is not a JSON value`, pointerOf(path));
  }
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') return write(toJson.call(value), path, ancestors);
  if (ancestors.includes(value)) throw refuse('the value contains a cycle', pointerOf(path));
  if (ancestors.length >= MAX_DEPTH) throw refuse(`nested deeper than ${MAX_DEPTH} levels`, pointerOf(path));
  ancestors.push(value);
  const out = Array.isArray(value) ? writeArray(value, path, ancestors) : writeObject(value, path, ancestors);
  ancestors.pop();
  return out;
}

function writeArray(items: readonly unknown[], path: string[], ancestors: object[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    path.push(String(i));
    out += (i === 0 ? '' : ',') + write(items[i], path, ancestors);
    path.pop();
  }
  return `${out}]`;
}

function writeObject(value: object, path: string[], ancestors: object[]): string {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
    throw refuse(`${typeof kind === 'string' && kind !== '' ? `a ${kind}` : 'this object'} is not a JSON value; use a plain object`, pointerOf(path));
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  // Array.prototype.sort compares strings by UTF-16 code units, which is the order JCS asks for (§3.2.3).
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    path.push(key);
    out += `${first ? '' : ','}${JSON.stringify(key)}:${write(member, path, ancestors)}`;
    path.pop();
    first = false;
  }
  return `${out}}`;
}

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` in each reference token. */
function pointerOf(path: readonly string[]): string {
  return path.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function refuse(problem: string, where: string): InvalidArgumentError {
  return new InvalidArgumentError(`JCS: ${where === '' ? 'the value' : `at ${where}`}: ${problem}`);
}
