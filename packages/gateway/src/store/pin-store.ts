/**
 * Where the gateway keeps its pins and approvals (issue 9's lockfile, per server): the {@link PinStore} interface
 * and the helpers its backends share. Backends: the lockfile (one process, the default without PostgreSQL),
 * SQLite and PostgreSQL (replicas).
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { type LockedServer, type Lockfile, parseLockfile, removeServer } from '@mcpkit/trust';

/** Which backend holds the pins: `lockfile` (`trust.lockfile`), or the gateway's database (`sqlite`, `postgres`). */
export type PinStoreKind = 'lockfile' | 'sqlite' | 'postgres';

/** Computes a server's next entry from its current one; `undefined` takes the server out. */
export type PinChange = (current: LockedServer | undefined) => LockedServer | undefined | Promise<LockedServer | undefined>;

/**
 * Pins and approvals, per upstream. Every write is atomic per server: two writers never interleave on one entry.
 * @example
 * const { entry, pinned } = await pins.pinIfAbsent('files', lock.servers.files!);
 */
export interface PinStore {
  readonly kind: PinStoreKind;
  /** Where the pins are, for messages: the lockfile's path or the database (password redacted). */
  readonly location: string;
  /**
   * Every pin, as a lockfile.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the field of a malformed lockfile or stored entry.
   */
  load(): Promise<Lockfile>;
  /**
   * Pins `server` unless it has an entry already: the first writer wins, and every other one gets the winner's
   * entry back (`pinned: false`) to adopt.
   */
  pinIfAbsent(server: string, entry: LockedServer): Promise<{ entry: LockedServer; pinned: boolean }>;
  /** Reads, changes and writes one server's entry as one step; resolves with the entry written. */
  update(server: string, change: PinChange): Promise<LockedServer | undefined>;
  /**
   * Calls `onChange` when another process may have changed the pins (the lockfile changed on disk; another
   * SQLite connection committed). PostgreSQL needs none: its writes notify every replica. Returns the stop function.
   */
  watch(onChange: () => void): () => void;
  close(): Promise<void>;
}

/** `lock` with `server`'s entry replaced (or removed, for `undefined`), as a new lockfile. */
export function withEntry(lock: Lockfile, server: string, entry: LockedServer | undefined): Lockfile {
  const next = removeServer(lock, server);
  // A defined property, so a server named `__proto__` is an entry like any other.
  if (entry !== undefined) Object.defineProperty(next.servers, server, { value: entry, enumerable: true, writable: true, configurable: true });
  return next;
}

/** A server's entry in `lock`, own properties only. */
export function entryOf(lock: Lockfile, server: string): LockedServer | undefined {
  return Object.hasOwn(lock.servers, server) ? lock.servers[server] : undefined;
}

/**
 * Stored rows (server name and the entry's JSON) as a checked lockfile: a database is read as defensively as a
 * hand-edited file.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the server and field of a bad entry.
 */
export function lockfileOfRows(rows: Iterable<{ server: string; entry: string }>, source: string): Lockfile {
  const servers: Record<string, unknown> = {};
  for (const row of rows) {
    let value: unknown;
    try {
      value = JSON.parse(row.entry);
    } catch (error) {
      throw new InvalidArgumentError(`${source}: servers.${row.server}: the stored entry is not JSON: ${(error as Error).message}`, { cause: error });
    }
    Object.defineProperty(servers, row.server, { value, enumerable: true, writable: true, configurable: true });
  }
  return parseLockfile(JSON.stringify({ lockfileVersion: 1, servers }), source);
}

/** One stored entry, checked like a lockfile's. */
export function entryOfRow(server: string, entry: string, source: string): LockedServer {
  return entryOf(lockfileOfRows([{ server, entry }], source), server)!;
}

/** The text an entry is stored as. */
export function entryText(entry: LockedServer): string {
  return JSON.stringify(entry);
}
