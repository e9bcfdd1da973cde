/**
 * Moving a directory entry without replacing anything at the destination.
 * @module
 */
import { link, lstat, realpath, rename, unlink } from 'node:fs/promises';
import { type AllowedDirectory, isWithin, isWithinAnyReal } from '../access/allowed.js';
import { FsToolError, errnoCode, toFsToolError } from '../access/errors.js';
import type { ResolvedEntry } from '../access/resolve.js';
import { pinDirectory } from './pin.js';

/**
 * Moves `source` to `destination`, both already resolved as entries. Refuses when the destination exists
 * (a dangling symlink counts), when the source is an allowed directory itself, when a directory would move
 * into itself, and when the source is a symlink that leads outside the allowed directories.
 * Both parents are pinned by descriptor (see pin.ts). A regular file moves by link() then unlink(), so the
 * no-overwrite check is atomic; a directory or symlink moves by rename() after the check, which leaves a
 * small window for a destination created meanwhile.
 * @throws FsToolError `NOT_FOUND`, `ALREADY_EXISTS`, `INVALID_ARGUMENT`, `ACCESS_DENIED`, or an I/O code.
 */
export async function moveEntry(source: ResolvedEntry, destination: ResolvedEntry, dirs: readonly AllowedDirectory[]): Promise<void> {
  if (!source.exists) throw new FsToolError('NOT_FOUND', `${source.requested}: no such file or directory`);
  if (destination.exists) throw new FsToolError('ALREADY_EXISTS', `${destination.requested}: already exists; move_file never overwrites`);
  if (dirs.some((d) => d.real === source.real)) throw new FsToolError('INVALID_ARGUMENT', `${source.requested}: is an allowed directory itself and cannot be moved`);
  const info = await lstat(source.real).catch((error: unknown) => {
    throw toFsToolError(error, source.requested);
  });
  if (info.isSymbolicLink()) {
    const target = await realpath(source.real).catch(() => undefined);
    if (target === undefined || !isWithinAnyReal(target, dirs)) {
      throw new FsToolError('ACCESS_DENIED', `Access denied: ${source.requested} is a symbolic link that leads outside the allowed directories`);
    }
  }
  const parentInfo = await lstat(destination.parentReal).catch(() => undefined);
  if (!parentInfo?.isDirectory()) throw new FsToolError('NOT_FOUND', `${destination.requested}: the destination's parent directory does not exist`);
  if (info.isDirectory() && isWithin(destination.real, source.real)) {
    throw new FsToolError('INVALID_ARGUMENT', `Cannot move ${source.requested} into itself`);
  }
  const from = await pinDirectory(source.parentReal, dirs, source.requested);
  try {
    const to = await pinDirectory(destination.parentReal, dirs, destination.requested);
    try {
      await moveWithin(from.path(source.name), to.path(destination.name), info.isFile());
    } finally {
      await to.close();
    }
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw new FsToolError('ALREADY_EXISTS', `${destination.requested}: already exists; move_file never overwrites`);
    if (errnoCode(error) === 'EXDEV') throw new FsToolError('IO_ERROR', `Cannot move ${source.requested} to ${destination.requested}: they are on different file systems`);
    throw toFsToolError(error, source.requested);
  } finally {
    await from.close();
  }
}

/** The move itself, on paths inside pinned directories; EEXIST when something is at `to`. */
async function moveWithin(from: string, to: string, regularFile: boolean): Promise<void> {
  if (regularFile) {
    let linked = true;
    try {
      await link(from, to);
    } catch (error) {
      const code = errnoCode(error);
      // Some file systems (FAT, some network mounts) have no hard links; fall back to rename below.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw error;
      linked = false;
    }
    if (linked) {
      try {
        await unlink(from);
      } catch (error) {
        // Leave the file where it was rather than in two places.
        await unlink(to).catch(() => undefined);
        throw error;
      }
      return;
    }
  }
  if (await lstat(to).then(() => true, () => false)) throw Object.assign(new Error('destination exists'), { code: 'EEXIST' });
  await rename(from, to);
}
