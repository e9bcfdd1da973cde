/**
 * Globs over namespaced names (`files__read`, `files__file:///docs/a.md`), compiled once into matchers.
 *
 * The rules:
 * - `*` matches any run of characters, including none and including `__` and `/`: `files__*` matches every
 *   tool of server `files` (also one named `a__b`), and `*` alone matches everything. There is no `**`.
 * - `?` matches exactly one character (one Unicode code point).
 * - `\*`, `\?` and `\\` match a literal `*`, `?` and `\`; any other backslash is an error.
 * - Everything else matches itself exactly: case-sensitive, code point by code point, no normalization. So a
 *   glob written in ASCII never matches a name with a different case, a look-alike letter or a fullwidth one
 *   in a literal position. (Names are checked separately, see `names.ts`; this module only matches.)
 * - A glob is refused when it is empty, longer than 1024 characters, not NFC, or has control, format,
 *   unassigned, private-use or space characters, since no valid name could contain them.
 *
 * Matching runs in O(name × glob) at worst (no backtracking blow-up), and in one comparison for the common
 * shapes: exact names, `prefix*`, `*suffix`, `*infix*`.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';

/** A compiled glob. `exact` is set when the glob has no wildcard, so callers can put it in a Set. */
export interface GlobMatcher {
  readonly source: string;
  readonly exact: string | undefined;
  test(name: string): boolean;
}

type Token = string | typeof STAR | typeof ONE;
const STAR = 0;
const ONE = 1;
const MAX_GLOB_LENGTH = 1024;
const FORBIDDEN = /[\p{C}\p{Z}]/u;

/**
 * Compiles one glob.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the glob and what is wrong with it.
 * @example
 * compileGlob('files__*').test('files__read'); // true
 * compileGlob('files__*').test('FILES__read'); // false
 */
export function compileGlob(glob: string): GlobMatcher {
  const tokens = parseGlob(glob);
  const source = glob;
  if (tokens.length === 1 && typeof tokens[0] === 'string') {
    const literal = tokens[0];
    return { source, exact: literal, test: (name) => name === literal };
  }
  if (tokens.length === 1 && tokens[0] === STAR) return { source, exact: undefined, test: () => true };
  const [first, second, third] = tokens;
  if (tokens.length === 2 && typeof first === 'string' && second === STAR) {
    return { source, exact: undefined, test: (name) => name.startsWith(first) };
  }
  if (tokens.length === 2 && first === STAR && typeof second === 'string') {
    return { source, exact: undefined, test: (name) => name.endsWith(second) };
  }
  if (tokens.length === 3 && first === STAR && typeof second === 'string' && third === STAR) {
    return { source, exact: undefined, test: (name) => name.includes(second) };
  }
  return { source, exact: undefined, test: (name) => matchTokens(tokens, name) };
}

function invalid(glob: string, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(`Invalid glob ${JSON.stringify(glob)}: ${problem}`);
}

function parseGlob(glob: string): Token[] {
  if (typeof glob !== 'string' || glob.length === 0) throw invalid(String(glob), 'a glob must be a non-empty string');
  if (glob.length > MAX_GLOB_LENGTH) throw invalid(glob.slice(0, 40) + '…', `longer than ${MAX_GLOB_LENGTH} characters`);
  const bad = FORBIDDEN.exec(glob);
  if (bad) throw invalid(glob, `character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} cannot appear in a name`);
  if (glob.normalize('NFC') !== glob) throw invalid(glob, 'not in Unicode normalization form C');
  const tokens: Token[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') tokens.push(literal);
    literal = '';
  };
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      const next = glob[++i];
      if (next !== '*' && next !== '?' && next !== '\\') throw invalid(glob, 'a backslash must be followed by *, ? or \\');
      literal += next;
    } else if (c === '*') {
      flush();
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (c === '?') {
      flush();
      tokens.push(ONE);
    } else {
      literal += c;
    }
  }
  flush();
  return tokens;
}

/** UTF-16 units taken by the code point at `i`. */
function width(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

// Greedy matching that, on a mismatch, lets the most recent `*` take one more code point and retries from
// there. Going back further never helps, so this is O(name × tokens) with no exponential case.
function matchTokens(tokens: readonly Token[], s: string): boolean {
  let t = 0;
  let i = 0;
  let starT = -1;
  let starI = 0;
  for (;;) {
    if (t < tokens.length) {
      const token = tokens[t]!;
      if (token === STAR) {
        starT = t++;
        starI = i;
        continue;
      }
      if (token === ONE) {
        if (i < s.length) {
          i += width(s, i);
          t++;
          continue;
        }
      } else if (s.startsWith(token, i)) {
        i += token.length;
        t++;
        continue;
      }
    } else if (i === s.length) {
      return true;
    }
    if (starT < 0 || starI >= s.length) return false;
    starI += width(s, starI);
    i = starI;
    t = starT + 1;
  }
}

/**
 * Several globs as one matcher: exact names in a Set, the rest tried in order.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for the first invalid glob.
 */
export class GlobSet {
  readonly #exact = new Set<string>();
  readonly #others: GlobMatcher[] = [];
  #all = false;

  constructor(globs: Iterable<string> = []) {
    for (const glob of globs) this.add(glob);
  }

  /** Adds one glob. */
  add(glob: string): void {
    const matcher = compileGlob(glob);
    if (matcher.exact !== undefined) this.#exact.add(matcher.exact);
    else if (glob === '*') this.#all = true;
    else this.#others.push(matcher);
  }

  /** Whether no glob was added. */
  get empty(): boolean {
    return !this.#all && this.#exact.size === 0 && this.#others.length === 0;
  }

  test(name: string): boolean {
    if (this.#all || this.#exact.has(name)) return true;
    for (const matcher of this.#others) if (matcher.test(name)) return true;
    return false;
  }
}
