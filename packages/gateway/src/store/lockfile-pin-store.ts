/**
 * Pins in `mcp.lock.json` (`trust.lockfile`): what `mcpkit lock` and `mcpkit trust approve` write and a repository
 * commits. One process's store: its writes are serialized in that process and rename the file atomically, but two
 * processes writing at once can lose one write; replicas use SQLite or PostgreSQL instead.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { type FSWatcher, mkdirSync, watch } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type LockedServer, type Lockfile, emptyLockfile, parseLockfile, serializeLockfile } from '@mcpkit/trust';
import { type PinChange, type PinStore, entryOf, withEntry } from './pin-store.js';

/** Reads a lockfile; a missing file is an empty lockfile. */
export async function readLockfile(path: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLockfile();
    throw error;
  }
  return parseLockfile(text, path);
}

/** Writes a lockfile atomically (a temporary file renamed over it). */
export async function writeLockfile(path: string, lock: Lockfile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, serializeLockfile(lock), { mode: 0o644 });
  await rename(tmp, path);
}

/** Writes in this process, per lockfile, one after another: each reads the file afresh, so none undoes another. */
const queues = new Map<string, Promise<unknown>>();

/**
 * @example
 * const pins = new LockfilePinStore('/srv/mcp.lock.json');
 * const lock = await pins.load();
 */
export class LockfilePinStore implements PinStore {
  readonly kind = 'lockfile';
  readonly location: string;

  constructor(path: string) {
    this.location = path;
  }

  load(): Promise<Lockfile> {
    return readLockfile(this.location);
  }

  pinIfAbsent(server: string, entry: LockedServer): Promise<{ entry: LockedServer; pinned: boolean }> {
    return this.#serial(async () => {
      const lock = await readLockfile(this.location);
      const held = entryOf(lock, server);
      if (held !== undefined) return { entry: held, pinned: false };
      await writeLockfile(this.location, withEntry(lock, server, entry));
      return { entry, pinned: true };
    });
  }

  update(server: string, change: PinChange): Promise<LockedServer | undefined> {
    return this.#serial(async () => {
      const lock = await readLockfile(this.location);
      const next = await change(entryOf(lock, server));
      await writeLockfile(this.location, withEntry(lock, server, next));
      return next;
    });
  }

  watch(onChange: () => void): () => void {
    let watcher: FSWatcher;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      mkdirSync(dirname(this.location), { recursive: true });
      // The folder, not the file: editors and `mcpkit trust approve` replace the file by renaming.
      watcher = watch(dirname(this.location), (_event, file) => {
        if (file !== null && file.toString() !== basename(this.location)) return;
        clearTimeout(timer);
        timer = setTimeout(onChange, 50);
      });
    } catch (error) {
      console.error(`[mcpkit] cannot watch ${this.location} (changes made by other processes are seen after a restart): ${(error as Error).message}`);
      return () => {};
    }
    watcher.on('error', (error) => console.error(`[mcpkit] stopped watching ${this.location}: ${error.message}`));
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  async close(): Promise<void> {
    await queues.get(this.location);
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const run = (queues.get(this.location) ?? Promise.resolve()).then(step);
    const settled = run.catch(() => undefined);
    queues.set(this.location, settled);
    // Forget an idle lockfile, so the map holds only files being written.
    void settled.then(() => queues.get(this.location) === settled && queues.delete(this.location));
    return run;
  }
}
