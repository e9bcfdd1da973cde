/**
 * Indented JSON with object members sorted by UTF-16 code units (the JCS order), so a file that mcpkit rewrites
 * changes only where its content changed.
 * @module
 */
import { canonicalize } from './jcs.js';

/**
 * `value` as JSON indented by two spaces, members sorted, with a trailing newline; `undefined` members left out.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) for anything JSON cannot carry (see `canonicalize`).
 * @example
 * stableJson({ b: 1, a: [true] }); // '{\n  "a": [\n    true\n  ],\n  "b": 1\n}\n'
 */
export function stableJson(value: unknown): string {
  canonicalize(value); // refuses cycles and non-JSON values up front, naming where they are
  return `${write(value, '')}\n`;
}

function write(value: unknown, indent: string): string {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalize(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + write(item, inner)).join(',\n')}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${write(record[key], inner)}`).join(',\n')}\n${indent}}`;
}
