/**
 * Writing: atomic replace through a temporary file created with O_EXCL beside the target, and directory
 * creation one checked segment at a time; both inside a directory pinned by descriptor (see pin.ts).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type AllowedDirectory, isWithinAnyReal } from '../access/allowed.js';
import { FsToolError, errnoCode, toFsToolError } from '../access/errors.js';
import type { ResolvedPath } from '../access/resolve.js';
import { type PinnedDirectory, pinDirectory } from './pin.js';

// O_EXCL makes the create fail rather than open anything already there, a planted symlink included (for
// O_CREAT|O_EXCL the kernel does not follow a symlink in the last segment).
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Refuses a write target that is a symbolic link. Writes never go through a link, even one that points
 * inside the allowed directories: the caller asked to change `path`, and silently changing another file
 * (or replacing the link with a regular file) would both surprise. Also refuses directories and special files.
 * @throws FsToolError `SYMLINK_REFUSED` or `WRONG_TYPE`.
 */
export async function checkWriteTarget(target: ResolvedPath): Promise<{ mode: number | undefined }> {
  let info;
  try {
    info = await lstat(target.absolute);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { mode: undefined };
    throw toFsToolError(error, target.requested);
  }
  if (info.isSymbolicLink()) {
    throw new FsToolError('SYMLINK_REFUSED', `Refusing to write ${target.requested}: it is a symbolic link, and writes never follow symbolic links`);
  }
  if (info.isDirectory()) throw new FsToolError('WRONG_TYPE', `${target.requested}: is a directory`);
  if (!info.isFile()) throw new FsToolError('WRONG_TYPE', `${target.requested}: not a regular file`);
  return { mode: info.mode & 0o7777 };
}

/** Without a descriptor anchor, the best left is to check by path that the directory did not move. */
async function recheckByPath(pinned: PinnedDirectory, dirReal: string, dirs: readonly AllowedDirectory[], display: string): Promise<void> {
  if (pinned.anchored) return;
  const now = await realpath(dirReal).catch(() => undefined);
  if (now !== dirReal || !isWithinAnyReal(now, dirs)) {
    throw new FsToolError('ACCESS_DENIED', `Access denied: ${display} changed to lead outside the allowed directories`);
  }
}

/**
 * Replaces (or creates) the file at `target.real` with `data`, atomically: readers see the old or the new
 * content, never a mix, and an existing file keeps its permission bits. The parent directory must exist.
 * @returns the number of bytes written.
 * @throws FsToolError for a symlink target, a missing parent, or an I/O failure.
 */
export async function writeFileAtomic(target: ResolvedPath, data: string | Uint8Array, dirs: readonly AllowedDirectory[]): Promise<number> {
  const { mode } = await checkWriteTarget(target);
  const parent = dirname(target.real);
  const name = basename(target.real);
  const pinned = await pinDirectory(parent, dirs, target.requested);
  const temp = pinned.path(`.${name}.${randomBytes(8).toString('hex')}.tmp`);
  let renamed = false;
  let handle;
  try {
    handle = await open(temp, CREATE_FLAGS, mode ?? 0o666);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await handle.writeFile(bytes);
    // The umask narrows the mode given to open(); an existing file's exact bits are restored here.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await recheckByPath(pinned, parent, dirs, target.requested);
    // rename() replaces the directory entry: it never writes through a symlink that appeared at the target.
    await rename(temp, pinned.path(name));
    renamed = true;
    return bytes.length;
  } catch (error) {
    throw toFsToolError(error, target.requested);
  } finally {
    await handle?.close().catch(() => undefined);
    if (!renamed) await unlink(temp).catch(() => undefined);
    await pinned.close();
  }
}

/**
 * Creates the directory at `target.real` and any missing parents, one segment at a time, each inside its
 * pinned parent; a segment that turns out to be a symlink planted meanwhile is refused.
 * @returns whether anything was created.
 * @throws FsToolError `ALREADY_EXISTS` when a non-directory is in the way, `SYMLINK_REFUSED`, or an I/O code.
 */
export async function createDirectories(target: ResolvedPath, dirs: readonly AllowedDirectory[]): Promise<boolean> {
  const missing: string[] = [];
  let existing = target.real;
  for (;;) {
    try {
      const info = await lstat(existing);
      // The path was realpath'd, so a symlink here was planted since.
      if (info.isSymbolicLink()) throw new FsToolError('SYMLINK_REFUSED', `Refusing to create ${target.requested}: a symbolic link appeared on the path`);
      if (!info.isDirectory()) throw new FsToolError('ALREADY_EXISTS', `${target.requested}: a file is in the way of the directory`);
      break;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw toFsToolError(error, target.requested);
      missing.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
  let current = existing;
  let pinned = await pinDirectory(current, dirs, target.requested);
  try {
    for (const segment of missing) {
      try {
        await mkdir(pinned.path(segment));
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw toFsToolError(error, target.requested);
      }
      await recheckByPath(pinned, current, dirs, target.requested);
      const next = pinned.path(segment);
      current = join(current, segment);
      // Opening with O_NOFOLLOW refuses a symlink that replaced the segment just created.
      const child = await pinDirectory(pinned.anchored ? next : current, dirs, target.requested);
      await pinned.close();
      pinned = child;
    }
  } finally {
    await pinned.close();
  }
  return missing.length > 0;
}
