/**
 * Glob patterns for `search_files` and `excludePatterns`, compiled once per call with minimatch and bounded
 * so that a pattern cannot make the server expand or backtrack without limit.
 * @module
 */
import { Minimatch } from 'minimatch';
import { FsToolError } from '../access/errors.js';

const MAX_PATTERN_LENGTH = 512;
const MAX_PATTERNS = 100;
/** Brace expansion multiplies: `{a,b}{c,d}{e,f}` is 8 patterns. Far more than anyone types by hand. */
const MAX_EXPANSIONS = 256;

/** Tests a path relative to the walk's root, in `/`-separated form, with no leading `./`. */
export type PathMatcher = (relative: string) => boolean;

/**
 * Compiles one glob. A pattern without `/` matches an entry's name at any depth (`*.ts`, `node_modules`); one
 * with `/` matches the whole relative path (`docs/*.md`). Dot-files match like any other name.
 * @throws FsToolError `INVALID_ARGUMENT` for an empty, overlong or over-expanding pattern.
 */
export function compileGlob(pattern: string, what = 'pattern'): PathMatcher {
  if (typeof pattern !== 'string' || pattern.length === 0) throw new FsToolError('INVALID_ARGUMENT', `${what} must be a non-empty string`);
  if (pattern.length > MAX_PATTERN_LENGTH) throw new FsToolError('INVALID_ARGUMENT', `${what} is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (pattern.includes('\0')) throw new FsToolError('INVALID_ARGUMENT', `${what} contains a null byte`);
  // `./src/*` and `/src/*` are written by people who mean "relative to the search root".
  const normalized = pattern.replace(/^\.?\/+/, '');
  let mm: Minimatch;
  try {
    mm = new Minimatch(normalized, { dot: true, matchBase: !normalized.includes('/'), nocomment: true, nonegate: true, braceExpandMax: MAX_EXPANSIONS + 1, platform: 'linux' });
  } catch {
    throw new FsToolError('INVALID_ARGUMENT', `${what} expands to too many alternatives`);
  }
  // minimatch stops expanding at braceExpandMax rather than failing; one more than allowed means "too many".
  if (mm.set.length > MAX_EXPANSIONS) throw new FsToolError('INVALID_ARGUMENT', `${what} expands to too many alternatives`);
  return (relative) => mm.match(relative);
}

/**
 * Compiles `excludePatterns` into one matcher (true = leave out). A directory that matches is not entered.
 * @throws FsToolError `INVALID_ARGUMENT` as compileGlob, or for too many patterns.
 */
export function compileExcludes(patterns: readonly string[] | undefined): PathMatcher {
  if (!patterns || patterns.length === 0) return () => false;
  if (patterns.length > MAX_PATTERNS) throw new FsToolError('INVALID_ARGUMENT', `excludePatterns has more than ${MAX_PATTERNS} patterns`);
  const matchers = patterns.map((p, i) => compileGlob(p, `excludePatterns[${i}]`));
  return (relative) => matchers.some((m) => m(relative));
}
