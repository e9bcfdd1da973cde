/**
 * Reads configuration text as JSON or JSONC (comments, trailing commas), with line:column on a syntax error.
 * @module
 */
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { ConfigError } from './config-error.js';

// jsonc-parser rather than JSON.parse: V8's syntax errors differ between Node versions and some carry no
// position at all ("Unexpected end of JSON input"), and the same scanner reads both dialects. It is the
// parser VS Code itself uses for `.vscode/mcp.json`, so what we accept is what the editor accepts.
const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the document',
  InvalidCommentToken: 'comments are not allowed in this format',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character in a string',
};

/** 1-based line and column of a UTF-16 offset; `\r\n`, `\r` and `\n` each end a line. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Parses a configuration document. `jsonc` allows comments and trailing commas, as VS Code does.
 * @throws ConfigError `MCPKIT_CONFIG_INVALID` naming `file:line:column` and the first problem.
 */
export function parseConfigText(text: string, file: string, jsonc: boolean): unknown {
  const errors: ParseError[] = [];
  // A byte order mark is common in files saved by Windows editors; no JSON parser wants it.
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const value: unknown = parse(body, errors, { disallowComments: !jsonc, allowTrailingComma: jsonc, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const comma = jsonc ? -1 : trailingComma(body, first.offset);
    const offset = comma >= 0 ? comma : first.offset;
    const { line, column } = lineColumn(body, offset);
    const problem = comma >= 0 ? 'trailing commas are not allowed in this format' : (PROBLEMS[printParseErrorCode(first.error)] ?? 'invalid JSON');
    return fail(`${file}:${line}:${column}: invalid JSON: ${problem}`, file, line, column);
  }
  return value;
}

/**
 * The offset of a trailing comma that explains an error at `offset` (a `}` or `]` right after `,` and
 * whitespace), or -1. The scanner's own report, "expected a property name", would send people looking in the
 * wrong place. Comments cannot stand between them here: strict files reject comments first.
 */
function trailingComma(text: string, offset: number): number {
  const c = text[offset];
  if (c !== '}' && c !== ']') return -1;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return text[i] === ',' ? i : -1;
}

function fail(message: string, file: string, line: number, column: number): never {
  throw new ConfigError(message, { file, line, column });
}
