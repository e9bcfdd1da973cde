/**
 * Reads the JSON_ARGS of `call` and `get`, saying exactly where invalid JSON goes wrong.
 * @module
 */
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import type { JsonObject } from '@mcpkit/protocol';
import { usageError } from './failure.js';

// jsonc-parser rather than JSON.parse: V8's messages change between Node versions and some ("Unexpected end
// of JSON input") carry no position, while the scanner reports an offset for every problem.
const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' or the end of the object or array",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character in a string',
};

/** The line of `text` holding `offset`, and a caret under it; long lines are cut around the caret. */
function pointAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const endAt = text.indexOf('\n', offset);
  const line = text.slice(start, endAt < 0 ? undefined : endAt);
  let column = offset - start;
  let shown = line;
  if (line.length > 70) {
    const from = Math.max(0, column - 35);
    shown = `${from > 0 ? '…' : ''}${line.slice(from, from + 70)}${from + 70 < line.length ? '…' : ''}`;
    column = column - from + (from > 0 ? 1 : 0);
  }
  return `  ${shown}\n  ${' '.repeat(column)}^`;
}

/**
 * Parses `text` as a JSON object.
 * @throws CliError (exit 2) naming the position (0-based offset, 1-based line and column) of the first problem.
 */
export function parseJsonObject(text: string, what: string): JsonObject {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - (before.lastIndexOf('\n') + 1) + 1;
    const problem = PROBLEMS[printParseErrorCode(first.error)] ?? 'invalid JSON';
    const where = line > 1 ? `position ${first.offset} (line ${line}, column ${column})` : `position ${first.offset}`;
    throw usageError(`${what} is not valid JSON: ${problem} at ${where}\n${pointAt(text, first.offset)}`, "quote the JSON for your shell, e.g. '{\"text\": \"hi\"}'");
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw usageError(`${what} must be a JSON object, not ${kind}`, 'pass the arguments by name, e.g. \'{"text": "hi"}\'');
  }
  return value as JsonObject;
}

/**
 * Parses prompt arguments: a JSON object whose values are strings (spec server/prompts: arguments are strings).
 * @throws CliError (exit 2) for invalid JSON or a value that is not a string.
 */
export function parsePromptArgs(text: string): Record<string, string> {
  const object = parseJsonObject(text, 'JSON_ARGS');
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string') {
      throw usageError(`prompt argument ${JSON.stringify(key)} is ${value === null ? 'null' : typeof value}, but prompt arguments are strings`, `quote it: {"${key}": "${String(JSON.stringify(value)).replace(/"/g, '\\"')}"}`);
    }
  }
  return object as Record<string, string>;
}
