/**
 * Which namespaced names the security plane accepts at all, and how a namespaced name splits into server and
 * upstream name.
 *
 * Names that could mean something other than what a glob sees are refused outright, never normalized: checking
 * a cleaned-up form while the upstream receives the raw one would authorize a different string than the one
 * used. So:
 * - A tool or prompt name is 1–256 printable ASCII characters without spaces (`!` to `~`). Leading or trailing
 *   spaces, control characters, Cyrillic or Greek look-alikes, fullwidth letters, zero-width and bidi
 *   characters are all refused. Case is kept and matched exactly, so `FILES__read` is simply another name that
 *   an ASCII glob `files__*` does not match.
 * - A resource is authorized as `SERVER__URI` (see `scopes.ts`). URIs may hold non-ASCII letters (IRIs), but
 *   the whole name must be at most 4096 characters, free of control, format, unassigned, private-use and space
 *   characters, and unchanged by NFKC (no fullwidth or compatibility forms, which a server might fold into
 *   `/` or `.`). Because `*` in a resource glob crosses `/`, anything that could step out of the path a glob
 *   names is refused too: a backslash, `%2e`, `%5c`, `%00`, and a `.` or `..` segment (also when delimited by
 *   `%2f` or `;`).
 * - A server name is 1–64 of `A-Z a-z 0-9 -` in parts joined by single underscores, so it never contains `__`
 *   and never starts or ends with `_`. Then `SERVER__rest` splits in exactly one way.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { TargetKind } from './errors.js';

/** The separator between a server's name and its own name for a tool, prompt or resource. */
export const NAMESPACE_SEPARATOR = '__';

const TOOL_NAME = /^[!-~]{1,256}$/;
const MAX_RESOURCE_NAME = 4096;
const PRINTABLE_ASCII = /^[!-~]*$/;
const FORBIDDEN = /[\p{C}\p{Z}]/u;
// One pass for every way out of a path: a backslash, an encoded dot, backslash or NUL, or a `.`/`..` segment
// (delimited by `/`, `%2f`, `;`, `?`, `#` or the end).
const PATH_TRICK = /\\|%(?:2e|5c|00)|(?:\/|%2f)\.\.?(?:[/?#;]|%2f|$)/i;
const SERVER_NAME = /^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/;

function describe(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a namespaced name is refused, or `undefined` when it is acceptable. Cheap for valid ASCII names (one
 * regular expression test).
 * @example
 * nameProblem('tool', 'files__read'); // undefined
 * nameProblem('tool', 'files__read '); // 'character U+0020 is not allowed in a tool name (…)'
 */
export function nameProblem(kind: TargetKind, name: string): string | undefined {
  if (kind !== 'resource') return TOOL_NAME.test(name) ? undefined : asciiNameProblem(kind, name);
  if (typeof name !== 'string' || name.length === 0) return 'a resource name must be a non-empty string';
  if (name.length > MAX_RESOURCE_NAME) return `a resource name must be at most ${MAX_RESOURCE_NAME} characters`;
  if (!PRINTABLE_ASCII.test(name)) {
    const bad = FORBIDDEN.exec(name);
    if (bad) return `character ${describe(bad[0])} is not allowed in a resource URI`;
    if (name.normalize('NFKC') !== name) return 'a resource URI must be unchanged by Unicode NFKC normalization (no fullwidth or compatibility characters)';
  }
  // Every trick holds `\`, `%` or `/.`; most URIs have none, and `includes` is far cheaper than the regex.
  if (!name.includes('/.') && !name.includes('%') && !name.includes('\\')) return undefined;
  const trick = PATH_TRICK.exec(name);
  if (trick === null) return undefined;
  if (trick[0] === '\\') return 'a backslash is not allowed in a resource URI';
  if (trick[0].startsWith('%') && !/^%2f/i.test(trick[0])) return 'percent-encoded ".", "\\" or NUL is not allowed in a resource URI';
  return 'a "." or ".." path segment is not allowed in a resource URI';
}

function asciiNameProblem(kind: TargetKind, name: string): string {
  if (typeof name !== 'string' || name.length === 0) return `a ${kind} name must be a non-empty string`;
  if (name.length > 256) return `a ${kind} name must be at most 256 characters`;
  for (const char of name) {
    if (char < '!' || char > '~') return `character ${describe(char)} is not allowed in a ${kind} name (printable ASCII only, no spaces)`;
  }
  return `invalid ${kind} name`;
}

/** Whether `name` is usable as a server name (no `__`, no leading or trailing `_`, at most 64 characters). */
export function isValidServerName(name: string): boolean {
  return typeof name === 'string' && name.length <= 64 && SERVER_NAME.test(name);
}

/**
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` when {@link isValidServerName} is false, saying why.
 * @example
 * assertServerName('files'); // ok
 * assertServerName('a__b'); // throws: must not contain "__"
 */
export function assertServerName(name: string): void {
  if (isValidServerName(name)) return;
  const why = typeof name !== 'string' || name.length === 0
    ? 'it must be a non-empty string'
    : name.length > 64
      ? 'it is longer than 64 characters'
      : name.includes(NAMESPACE_SEPARATOR) || name.startsWith('_') || name.endsWith('_')
        ? 'it must not contain "__" nor start or end with "_" (that would make namespaced names ambiguous)'
        : 'only A-Z, a-z, 0-9, "-" and single "_" are allowed';
  throw new InvalidArgumentError(`Invalid server name ${JSON.stringify(name)}: ${why}`);
}

/** A namespaced name resolved to its server, or why it could not be. */
export type SplitName =
  | { ok: true; server: string; name: string }
  | { ok: false; error: 'unknown_server' | 'ambiguous'; message: string };

/**
 * Splits `SERVER__name` by trying every `__` in it against the known server names. Exactly one must match:
 * with servers `a` and `a_`, `a___x` could be `a` + `_x` or `a_` + `x`, and is refused as ambiguous rather
 * than guessed. (Server names that pass {@link assertServerName} can never be ambiguous.)
 * @example
 * splitNamespaced('files__read__all', new Set(['files'])); // { ok: true, server: 'files', name: 'read__all' }
 */
export function splitNamespaced(namespaced: string, knownServers: ReadonlySet<string> | readonly string[]): SplitName {
  const known = knownServers instanceof Set ? knownServers : new Set(knownServers as readonly string[]);
  let found: { server: string; name: string } | undefined;
  for (let at = namespaced.indexOf(NAMESPACE_SEPARATOR); at >= 0; at = namespaced.indexOf(NAMESPACE_SEPARATOR, at + 1)) {
    if (at === 0) continue;
    const server = namespaced.slice(0, at);
    if (!known.has(server)) continue;
    if (found) {
      return { ok: false, error: 'ambiguous', message: `${JSON.stringify(namespaced)} is ambiguous: it could belong to server ${JSON.stringify(found.server)} or ${JSON.stringify(server)}` };
    }
    found = { server, name: namespaced.slice(at + NAMESPACE_SEPARATOR.length) };
  }
  if (found) return { ok: true, ...found };
  return { ok: false, error: 'unknown_server', message: `${JSON.stringify(namespaced)} does not start with a known server name followed by "__"` };
}
