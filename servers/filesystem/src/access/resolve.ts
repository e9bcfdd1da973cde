/**
 * Turns a path from a tool call into a checked location: null bytes refused, resolved against the allowed
 * directories, and contained on its real path (symlinks resolved, the nearest existing parent for a path
 * that does not exist yet).
 * @module
 */
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type AllowedDirectory, isWithin, isWithinAnyReal } from './allowed.js';
import { FsToolError, errnoCode, toFsToolError } from './errors.js';

/** A path that passed the containment checks. */
export interface ResolvedPath {
  /** What the caller passed; the only form that appears in messages. */
  readonly requested: string;
  /** Absolute and normalized, before any symlink is resolved. */
  readonly absolute: string;
  /** Real path: the target itself if it exists, else its nearest existing parent's real path plus the rest. */
  readonly real: string;
  /** Whether the target existed when it was resolved. */
  readonly exists: boolean;
}

/** A resolved directory entry: its parent is contained on its real path, its last segment is kept as named. */
export interface ResolvedEntry extends ResolvedPath {
  /** Real path of the parent directory (or of its nearest existing ancestor plus the missing segments). */
  readonly parentReal: string;
  readonly name: string;
}

/**
 * The absolute, normalized form of a requested path. A relative path is taken relative to the first allowed
 * directory, because the server's working directory means nothing to the client.
 * @throws FsToolError `INVALID_PATH` for an empty path or a null byte.
 */
export function absoluteOf(requested: string, dirs: readonly AllowedDirectory[]): string {
  if (typeof requested !== 'string' || requested.length === 0) throw new FsToolError('INVALID_PATH', 'path must be a non-empty string');
  // A null byte would truncate the path inside the C library call; Node refuses it too, but with the path in
  // the message.
  if (requested.includes('\0')) throw new FsToolError('INVALID_PATH', 'path contains a null byte');
  const base = dirs[0];
  if (!isAbsolute(requested) && !base) throw new FsToolError('NO_ALLOWED_DIRECTORIES', 'no allowed directories to resolve a relative path against');
  return isAbsolute(requested) ? resolve(requested) : resolve(base!.path, requested);
}

/**
 * realpath of `absolute`, or, when it does not exist, of its nearest existing ancestor with the missing
 * segments appended. A dangling symlink on the way is refused: creating through it would land wherever it
 * points.
 */
async function realpathNearest(absolute: string, requested: string): Promise<{ real: string; exists: boolean }> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: missing.length ? join(real, ...missing.reverse()) : real, exists: missing.length === 0 };
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw toFsToolError(error, requested);
      if (await isSymlink(current)) {
        throw new FsToolError('SYMLINK_REFUSED', `Access denied: ${requested} goes through a symbolic link whose target does not exist`);
      }
      const parent = dirname(current);
      if (parent === current) throw toFsToolError(error, requested);
      missing.push(basename(current));
      current = parent;
    }
  }
}

async function isSymlink(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Resolves and checks a requested path. Two tests must pass: the normalized path lies within an allowed
 * directory (so `..` cannot climb out, and nothing outside is even looked at), and its real path lies within
 * an allowed directory's real path (so a symlink cannot lead out: CVE-2025-53109).
 * @throws FsToolError `ACCESS_DENIED`, `SYMLINK_REFUSED`, `INVALID_PATH`, or an I/O code.
 * @example
 * const target = await resolveAllowed('notes/todo.md', dirs);
 */
export async function resolveAllowed(requested: string, dirs: readonly AllowedDirectory[]): Promise<ResolvedPath> {
  const absolute = absoluteOf(requested, dirs);
  if (!dirs.some((d) => isWithin(absolute, d.path) || isWithin(absolute, d.real))) {
    throw new FsToolError('ACCESS_DENIED', `Access denied: ${requested} is outside the allowed directories`);
  }
  const { real, exists } = await realpathNearest(absolute, requested);
  if (!isWithinAnyReal(real, dirs)) {
    // The normalized path was inside, so a symlink on the way leads out; where it leads is not said.
    throw new FsToolError('ACCESS_DENIED', `Access denied: ${requested} leads outside the allowed directories through a symbolic link`);
  }
  return { requested, absolute, real, exists };
}

/**
 * Like {@link resolveAllowed}, but for operations on a directory entry itself (move, the write target): the
 * parent is resolved and contained, the last segment is kept as it is, so a symlink named by the path is the
 * entry acted on rather than what it points to.
 * @throws FsToolError as resolveAllowed; `INVALID_PATH` for a path that names an allowed directory's parent.
 */
export async function resolveEntry(requested: string, dirs: readonly AllowedDirectory[]): Promise<ResolvedEntry> {
  const absolute = absoluteOf(requested, dirs);
  const name = basename(absolute);
  const parent = dirname(absolute);
  if (parent === absolute || name === '') throw new FsToolError('INVALID_PATH', `${requested}: names the file system root`);
  if (!dirs.some((d) => isWithin(absolute, d.path) || isWithin(absolute, d.real))) {
    throw new FsToolError('ACCESS_DENIED', `Access denied: ${requested} is outside the allowed directories`);
  }
  const { real: parentReal } = await realpathNearest(parent, requested);
  const real = join(parentReal, name);
  if (!isWithinAnyReal(real, dirs)) {
    throw new FsToolError('ACCESS_DENIED', `Access denied: ${requested} leads outside the allowed directories through a symbolic link`);
  }
  let exists = true;
  try {
    await lstat(real);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw toFsToolError(error, requested);
    exists = false;
  }
  return { requested, absolute, real, exists, parentReal, name };
}
