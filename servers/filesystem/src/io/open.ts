/**
 * Opening a resolved file for reading without following a symlink at the last moment, and re-checking
 * containment on the opened descriptor (best effort against a path swapped between check and open).
 * @module
 */
import { constants } from 'node:fs';
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';
import { type AllowedDirectory, isWithinAnyReal } from '../access/allowed.js';
import { FsToolError, errnoCode, toFsToolError } from '../access/errors.js';
import type { ResolvedPath } from '../access/resolve.js';

// O_NOFOLLOW: if the last segment became a symlink after realpath, open fails (ELOOP) instead of following it.
// O_NONBLOCK: a FIFO swapped in after the type check must not hang the open. Both are 0 where unsupported.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Where the kernel says an open descriptor points, on Linux; undefined elsewhere or when /proc is not mounted.
 */
async function pathOfDescriptor(fd: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return await readlink(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** Whether the opened descriptor still refers to something inside the allowed directories. */
async function stillInside(fd: number, real: string, opened: { dev: number; ino: number }, dirs: readonly AllowedDirectory[]): Promise<boolean> {
  const kernelPath = await pathOfDescriptor(fd);
  // "/path (deleted)" and non-path forms (pipes, anonymous files) are not paths to judge; fall through.
  if (kernelPath !== undefined && kernelPath.startsWith('/') && !kernelPath.endsWith(' (deleted)')) return isWithinAnyReal(kernelPath, dirs);
  try {
    const again = await realpath(real);
    const now = await stat(again);
    return isWithinAnyReal(again, dirs) && now.dev === opened.dev && now.ino === opened.ino;
  } catch {
    return false;
  }
}

/** An open regular file and its size at open time. */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
}

/**
 * Opens a resolved, existing regular file for reading. After opening, the descriptor is checked again: on
 * Linux its kernel path must still be inside an allowed directory; elsewhere the path is realpath'd again and
 * must still be inside and name the same device and inode, which catches a swap that is still in place but
 * not a swap-and-restore around the open.
 * @throws FsToolError `WRONG_TYPE` for a directory or special file, `SYMLINK_REFUSED`, `ACCESS_DENIED`.
 */
export async function openForRead(target: ResolvedPath, dirs: readonly AllowedDirectory[]): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(target.real, READ_FLAGS);
  } catch (error) {
    if (errnoCode(error) === 'ELOOP') {
      throw new FsToolError('SYMLINK_REFUSED', `${target.requested}: changed into a symbolic link while being opened; refusing to follow it`);
    }
    throw toFsToolError(error, target.requested);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new FsToolError('WRONG_TYPE', `${target.requested}: is a directory`);
    if (!info.isFile()) throw new FsToolError('WRONG_TYPE', `${target.requested}: not a regular file`);
    if (!(await stillInside(handle.fd, target.real, info, dirs))) {
      throw new FsToolError('ACCESS_DENIED', `Access denied: ${target.requested} changed to lead outside the allowed directories`);
    }
    return { handle, size: info.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw toFsToolError(error, target.requested);
  }
}

/** Runs `fn` with the opened file and closes it whatever happens. */
export async function withOpenFile<T>(target: ResolvedPath, dirs: readonly AllowedDirectory[], fn: (file: OpenedFile) => Promise<T>): Promise<T> {
  const file = await openForRead(target, dirs);
  try {
    return await fn(file);
  } finally {
    await file.handle.close().catch(() => undefined);
  }
}
