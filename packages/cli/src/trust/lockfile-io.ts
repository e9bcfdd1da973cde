/**
 * Reading and writing `mcp.lock.json`: a missing file is an empty lockfile, a malformed one a usage error, and
 * every write is atomic (a temporary file in the same folder, then a rename), so a reader never sees half a file.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { McpkitError } from '@mcpkit/protocol';
import { type LockedServer, type Lockfile, parseLockfile, serializeLockfile } from '@mcpkit/trust';
import { CliError, ExitCode } from '../failure.js';

/**
 * The lockfile at `path`, or `undefined` when there is no file.
 * @throws CliError (exit 2) when the file cannot be read or is not a valid lockfile.
 */
export async function readLockfile(path: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(ExitCode.Usage, `${path}: cannot read the lockfile: ${(error as Error).message}`, undefined, { cause: error });
  }
  try {
    return parseLockfile(text, path);
  } catch (error) {
    if (error instanceof McpkitError) throw new CliError(ExitCode.Usage, error.message, 'fix the lockfile, or restore it from version control', { cause: error });
    throw error;
  }
}

/** Writes `lock` to `path` atomically: a temporary file beside it, renamed over it. */
export async function writeLockfile(path: string, lock: Lockfile): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, serializeLockfile(lock), { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new CliError(ExitCode.Usage, `cannot write the lockfile ${path}: ${(error as Error).message}`, undefined, { cause: error });
  }
}

/** Who approves: `--by`, else the OS user name. */
export function approver(by: string | undefined): string {
  if (by !== undefined && by.trim() !== '') return by.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    // No passwd entry for this uid (some containers): fall back to the environment.
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** The lockfile's entry for `server`, own properties only (a server may be called `__proto__`). */
export function lockedEntry(lock: Lockfile, server: string): LockedServer | undefined {
  return Object.hasOwn(lock.servers, server) ? lock.servers[server] : undefined;
}
