/**
 * Pinning a directory by descriptor, so that later operations in it cannot be redirected by swapping a
 * path segment for a symlink. Node has no openat()/renameat(); on Linux, paths under `/proc/self/fd/N/`
 * resolve through the open descriptor and give the same guarantee.
 * @module
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type AllowedDirectory, isWithinAnyReal } from '../access/allowed.js';
import { FsToolError, errnoCode, toFsToolError } from '../access/errors.js';

const DIR_FLAGS = constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** A directory held open; `path(name)` names an entry in it. */
export interface PinnedDirectory {
  /** The path to use for `name` inside the pinned directory. */
  path(name: string): string;
  /** Whether operations are anchored to the descriptor (Linux with /proc) or only re-checked by path. */
  readonly anchored: boolean;
  close(): Promise<void>;
}

async function isSymlink(p: string): Promise<boolean> {
  return lstat(p).then((s) => s.isSymbolicLink(), () => false);
}

let procUsable: boolean | undefined;

async function procWorks(handle: FileHandle): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  if (procUsable !== undefined) return procUsable;
  try {
    procUsable = (await stat(`/proc/self/fd/${handle.fd}`)).isDirectory();
  } catch {
    procUsable = false;
  }
  return procUsable;
}

/**
 * Opens `dirReal` (which must not be a symlink) and checks, on the descriptor, that it is inside an allowed
 * directory. Without /proc, falls back to the path, checked once more by the caller's final realpath.
 * @throws FsToolError `ACCESS_DENIED` when the directory now lies outside; `SYMLINK_REFUSED` when it was
 *   replaced by a symlink; an I/O code otherwise (`NOT_FOUND` for a missing directory).
 */
export async function pinDirectory(dirReal: string, dirs: readonly AllowedDirectory[], display: string): Promise<PinnedDirectory> {
  let handle: FileHandle;
  try {
    handle = await open(dirReal, DIR_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR on Linux, ELOOP elsewhere.
    if (code === 'ENOTDIR' && (await isSymlink(dirReal))) {
      throw new FsToolError('SYMLINK_REFUSED', `${display}: a directory on the path was replaced by a symbolic link; refusing to follow it`);
    }
    if (code === 'ELOOP') throw new FsToolError('SYMLINK_REFUSED', `${display}: a directory on the path was replaced by a symbolic link; refusing to follow it`);
    if (code === 'ENOENT') throw new FsToolError('NOT_FOUND', `${display}: the parent directory does not exist (create it with create_directory)`);
    throw toFsToolError(error, display);
  }
  if (await procWorks(handle)) {
    const base = `/proc/self/fd/${handle.fd}`;
    const where = await readlink(base).catch(() => undefined);
    if (where === undefined || !isWithinAnyReal(where, dirs)) {
      await handle.close().catch(() => undefined);
      throw new FsToolError('ACCESS_DENIED', `Access denied: ${display} changed to lead outside the allowed directories`);
    }
    return { path: (name) => join(base, name), anchored: true, close: () => handle.close().catch(() => undefined) };
  }
  return { path: (name) => join(dirReal, name), anchored: false, close: () => handle.close().catch(() => undefined) };
}
