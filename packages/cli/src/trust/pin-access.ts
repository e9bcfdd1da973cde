/**
 * Where `mcpkit trust approve|show|revoke` keep approvals: the lockfile, or, for a gateway `mcp.yaml` whose
 * `trust.pins` is `store`, the gateway's database (SQLite or PostgreSQL), whose writes every running replica hears.
 * @module
 */
import type { GatewayConfig, PinStore } from '@mcpkit/gateway';
import type { Lockfile } from '@mcpkit/trust';
import { loadGateway } from '../commands/gateway.js';
import { usageError } from '../failure.js';
import { lockedEntry, readLockfile, writeLockfile } from './lockfile-io.js';
import { lockfilePath } from './targets.js';

export interface PinAccess {
  /** The lockfile's path, or the database (password redacted). */
  readonly location: string;
  /** Whether approvals live in a lockfile (file messages and hints apply). */
  readonly isFile: boolean;
  /** Every approval; undefined when there is no lockfile yet. */
  read(): Promise<Lockfile | undefined>;
  /** Writes `server`'s entry of `lock` (absent there: removed). */
  save(lock: Lockfile, server: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `--lockfile` when given; else the gateway config's pin store when it keeps pins in its database; else the lockfile.
 * @throws CliError (usage) when the database cannot be opened.
 */
export async function openPinAccess(explicit: string | undefined, gateway: GatewayConfig | undefined): Promise<PinAccess> {
  const trust = gateway?.trust;
  if (explicit === undefined && gateway !== undefined && trust?.pins === 'store') {
    let store: PinStore;
    try {
      store = await (await loadGateway()).openPinStore({ ...gateway, trust });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    return {
      location: store.location,
      isFile: false,
      read: () => store.load(),
      save: async (lock, server) => void (await store.update(server, () => lockedEntry(lock, server))),
      close: () => store.close(),
    };
  }
  const path = lockfilePath(explicit, { gateway });
  return { location: path, isFile: true, read: () => readLockfile(path), save: (lock) => writeLockfile(path, lock), close: async () => {} };
}
