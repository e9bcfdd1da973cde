/**
 * Allowed directories: how they are loaded (realpath'd once) and the path-segment containment test that
 * every access decision ends in.
 * @module
 */
import { realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
import { FsToolError, errnoCode } from './errors.js';

/** One directory the server may touch, in the form the user gave it and as its real path. */
export interface AllowedDirectory {
  /** Absolute and normalized, as given (on the command line or in a root URI); shown to clients. */
  readonly path: string;
  /** `realpath(path)` at load time. Containment is decided against this. */
  readonly real: string;
}

/** Splits an absolute path into its segments; the root alone is `[]`. */
function segments(absolute: string): string[] {
  return absolute.split(sep).filter((s) => s.length > 0);
}

/**
 * Whether `candidate` is `dir` or lies below it, comparing whole path segments: `/x/allowed` contains
 * `/x/allowed/a` but not `/x/allowed_evil` (CVE-2025-53110 was a string-prefix test). Both paths must be
 * absolute and normalized.
 */
export function isWithin(candidate: string, dir: string): boolean {
  const c = segments(candidate);
  const d = segments(dir);
  if (c.length < d.length) return false;
  for (let i = 0; i < d.length; i++) if (c[i] !== d[i]) return false;
  return true;
}

/** Whether `candidate` lies within any of `dirs`, judged by their real paths. */
export function isWithinAnyReal(candidate: string, dirs: readonly AllowedDirectory[]): boolean {
  return dirs.some((d) => isWithin(candidate, d.real));
}

/** Expands a leading `~` the way a shell would; only for command-line arguments, never for tool paths. */
function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return p;
}

/**
 * Resolves one directory to an {@link AllowedDirectory}.
 * @throws FsToolError `NOT_FOUND` when it does not exist, `WRONG_TYPE` when it is not a directory,
 *   `INVALID_PATH` for a null byte.
 */
export async function loadAllowedDirectory(given: string, base = process.cwd()): Promise<AllowedDirectory> {
  if (given.includes('\0')) throw new FsToolError('INVALID_PATH', 'directory path contains a null byte');
  const path = resolve(base, expandHome(given));
  let real: string;
  try {
    real = await realpath(path);
    if (!(await stat(real)).isDirectory()) throw new FsToolError('WRONG_TYPE', `${given}: not a directory`);
  } catch (error) {
    if (FsToolError.is(error)) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT') throw new FsToolError('NOT_FOUND', `${given}: no such directory`, { cause: error });
    if (code === 'ENOTDIR') throw new FsToolError('WRONG_TYPE', `${given}: not a directory`, { cause: error });
    throw new FsToolError('IO_ERROR', `${given}: cannot be opened (${code ?? 'unknown error'})`, { cause: error });
  }
  return { path, real };
}

/**
 * Loads the command-line directories: each is made absolute, `~` expanded, and realpath'd; duplicates
 * (by real path) are dropped.
 * @throws FsToolError for the first directory that is missing or not a directory.
 * @example
 * const dirs = await loadAllowedDirectories(['./project', '~/notes']);
 */
export async function loadAllowedDirectories(given: readonly string[], base = process.cwd()): Promise<AllowedDirectory[]> {
  const out: AllowedDirectory[] = [];
  for (const g of given) {
    const dir = await loadAllowedDirectory(g, base);
    if (!out.some((d) => d.real === dir.real)) out.push(dir);
  }
  return out;
}
