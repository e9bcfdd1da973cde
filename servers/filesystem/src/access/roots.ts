/**
 * Allowed directories from the client's roots: `file://` URIs only, each realpath'd; fetched per call and
 * cached briefly per session.
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { RequestContext } from '@mcpkit/server';
import { type AllowedDirectory, loadAllowedDirectory } from './allowed.js';

/** A client root as `ctx.listRoots()` returns it (the type is not exported by @mcpkit/server). */
export type Root = Awaited<ReturnType<RequestContext['listRoots']>>[number];

/** A root that could not be used, and why; reported to the operator, not the model. */
export interface SkippedRoot {
  readonly uri: string;
  readonly reason: string;
}

/**
 * Turns roots into allowed directories. Non-`file:` URIs, file URIs with a remote host, and paths that do
 * not exist are skipped (spec 2025-11-25 client/roots: root URIs are `file://` URIs).
 */
export async function directoriesFromRoots(roots: readonly Root[]): Promise<{ directories: AllowedDirectory[]; skipped: SkippedRoot[] }> {
  const directories: AllowedDirectory[] = [];
  const skipped: SkippedRoot[] = [];
  for (const root of roots) {
    const uri = typeof root?.uri === 'string' ? root.uri : '';
    let path: string;
    try {
      const url = new URL(uri);
      if (url.protocol !== 'file:') throw new Error('not a file:// URI');
      // fileURLToPath refuses a remote host on POSIX and encoded slashes; both would be ambiguous here.
      path = fileURLToPath(url);
    } catch (error) {
      skipped.push({ uri, reason: error instanceof Error && error.message === 'not a file:// URI' ? 'not a file:// URI' : 'not a usable file:// URI' });
      continue;
    }
    try {
      const dir = await loadAllowedDirectory(path, '/');
      if (!directories.some((d) => d.real === dir.real)) directories.push(dir);
    } catch (error) {
      skipped.push({ uri, reason: error instanceof Error ? error.message : 'cannot be opened' });
    }
  }
  return { directories, skipped };
}
