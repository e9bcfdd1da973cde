/**
 * Watching a server's directory tree for `mcpkit dev`: one non-recursive `fs.watch` per directory, so that
 * node_modules, dist and .git are never descended into (a recursive watch on Linux registers every directory
 * of node_modules with inotify), and bursts of events (an editor's save, a checkout) are debounced into one.
 * @module
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join, relative } from 'node:path';

/** Directories never watched (nor anything under them). */
const IGNORED_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '.turbo', '.cache']);
/** Editors' swap and backup files, whose writes are not edits of the server. */
const SCRATCH_FILE = /(?:\.swp|\.swx|~|^4913)$|^\.#/;
/** A tree larger than this is most likely not one project (e.g. a home directory): watch only the first ones. */
const MAX_DIRS = 2000;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // removed: its watcher (if any) ends with an error or stays silent
  }
}

export interface TreeWatcher {
  close(): void;
  /** How many directories are watched. */
  readonly size: number;
  /** True when the tree had more than the cap of directories, and only part of it is watched. */
  readonly truncated: boolean;
}

/**
 * Calls `onChange` with the paths (relative to `root`) changed in a burst, `debounceMs` after the burst's last event.
 * @example
 * const watcher = watchTree('src', (files) => console.log('changed:', files.join(', ')));
 */
export function watchTree(root: string, onChange: (files: string[]) => void, debounceMs = 150): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  let truncated = false;
  let pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const fire = (): void => {
    timer = undefined;
    const files = [...pending].sort();
    pending = new Set();
    if (!closed && files.length > 0) onChange(files);
  };

  const add = (dir: string): void => {
    if (closed || watchers.has(dir)) return;
    if (watchers.size >= MAX_DIRS) {
      truncated = true;
      return;
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => onEvent(dir, name === null ? undefined : String(name)));
    } catch {
      return; // vanished or unreadable between the listing and the watch: nothing to watch there
    }
    // A watched directory that is removed reports an error on some platforms; it simply stops being watched.
    watcher.on('error', () => remove(dir));
    watchers.set(dir, watcher);
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // Unreadable: its own events are still watched, its subdirectories cannot be listed.
    }
    for (const entry of entries) if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) add(join(dir, entry.name));
  };

  const remove = (dir: string): void => {
    watchers.get(dir)?.close();
    watchers.delete(dir);
  };

  const onEvent = (dir: string, name: string | undefined): void => {
    if (closed || name === undefined || IGNORED_DIRS.has(name) || SCRATCH_FILE.test(name)) return;
    const path = join(dir, name);
    // A directory created (or moved in) since the start is watched from now on.
    if (isDirectory(path) && !watchers.has(path)) add(path);
    pending.add(relative(root, path) || name);
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };

  add(root);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
    get size() {
      return watchers.size;
    },
    get truncated() {
      return truncated;
    },
  };
}
