/**
 * Bounded directory reading and walking. Symbolic links are reported but never followed, so a walk cannot
 * leave the directory it started in or loop.
 * @module
 */
import type { Dirent } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

/** What a directory entry is, without following a symlink. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** One entry of a directory. */
export interface DirEntry {
  readonly name: string;
  readonly type: EntryType;
}

/** Entries of one directory, sorted by name, and whether a cap cut the list short. */
export interface DirListing {
  readonly entries: DirEntry[];
  readonly truncated: boolean;
}

function typeOf(d: Dirent): EntryType {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isDirectory()) return 'directory';
  if (d.isFile()) return 'file';
  return 'other';
}

/**
 * Reads at most `max` entries of a directory, streaming (a huge directory is not loaded whole), and sorts
 * them by name. Which entries survive a cut is the file system's order, so `truncated` must be shown.
 */
export async function readDirectory(dirReal: string, max: number, signal?: AbortSignal): Promise<DirListing> {
  const entries: DirEntry[] = [];
  let truncated = false;
  const dir = await opendir(dirReal, { bufferSize: 64 });
  try {
    for (;;) {
      const d = await dir.read();
      if (d === null) break;
      if (entries.length >= max) {
        truncated = true;
        break;
      }
      entries.push({ name: d.name, type: typeOf(d) });
      if (signal?.aborted) break;
    }
  } finally {
    await dir.close().catch(() => undefined);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, truncated };
}

/** The walk's shared budget: entries visited so far against the cap. */
export interface WalkBudget {
  visited: number;
  readonly maxVisited: number;
  /** Set when the budget ran out somewhere. */
  exhausted: boolean;
}

/** One entry met during a walk. */
export interface WalkEntry extends DirEntry {
  /** `/`-separated path relative to the walk's root. */
  readonly relative: string;
  readonly depth: number;
}

/**
 * Walks a directory tree depth-first in name order, yielding every entry not excluded. Excluded directories
 * are not entered; symlinks are yielded and never followed; the walk stops when the budget is spent.
 */
export async function* walk(
  rootReal: string,
  options: { budget: WalkBudget; maxDepth: number; exclude: (relative: string) => boolean; signal?: AbortSignal },
): AsyncGenerator<WalkEntry> {
  const { budget, maxDepth, exclude, signal } = options;
  async function* visit(dirReal: string, prefix: string, depth: number): AsyncGenerator<WalkEntry> {
    const remaining = budget.maxVisited - budget.visited;
    if (remaining <= 0) {
      budget.exhausted = true;
      return;
    }
    const listing = await readDirectory(dirReal, remaining, signal);
    budget.visited += listing.entries.length;
    if (listing.truncated) budget.exhausted = true;
    for (const entry of listing.entries) {
      if (signal?.aborted) return;
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (exclude(relative)) continue;
      yield { ...entry, relative, depth };
      if (entry.type === 'directory' && depth < maxDepth) yield* visit(join(dirReal, entry.name), relative, depth + 1);
    }
  }
  yield* visit(rootReal, '', 1);
}
