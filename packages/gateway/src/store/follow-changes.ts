/**
 * What a gateway replica does with the change notices of the others: forget a revoked key, read the pins
 * again after an approval or a first-use pin, read the configuration again after a reload; after `resync`, all of it.
 * @module
 */
import { createHash } from 'node:crypto';
import { loadGatewayConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { ChangeBus, ChangeMessage } from './change-bus.js';

export interface ChangeFollower {
  bus: ChangeBus;
  log: Logger;
  /** Drops a cached store key (or every one). */
  forgetKey(id?: string): void;
  /** The pinning guard, when `trust:` is configured: `refresh()` reads the pins again, true when they changed. */
  trust?: { readonly path: string; readonly pinsKind: string; refresh(): Promise<boolean> };
  /** After the pins changed: check every upstream again. */
  recheckTrust(): void;
  config(): GatewayConfig;
  /** Applies a configuration without announcing it (the notice came from another replica). */
  reload(next: GatewayConfig): Promise<void>;
  /** Default: reads `config().source` as the gateway's loader does. */
  loadConfig?: (path: string) => Promise<GatewayConfig>;
}

/**
 * The digest replicas compare to tell whether they run the same configuration. `listen` and `source` are left out:
 * each replica may bind its own port (`--port`) and read its own copy of the file.
 */
export function configDigest(config: GatewayConfig): string {
  const { listen: _listen, source: _source, ...shared } = config;
  return createHash('sha256').update(JSON.stringify(shared)).digest('hex');
}

/** Subscribes the replica to the bus; returns the function that stops it. */
export function followChanges(f: ChangeFollower): () => void {
  const handle = async (m: ChangeMessage): Promise<void> => {
    if (m.type === 'key-revoked') return f.forgetKey(m.id);
    if (m.type === 'resync') f.forgetKey();
    if ((m.type === 'trust-approved' || m.type === 'resync') && f.trust) await rereadPins(f, m);
    if (m.type === 'config-reloaded' || m.type === 'resync') await rereadConfig(f, m.type === 'config-reloaded' ? m.digest : undefined);
  };
  return f.bus.subscribe((m) => {
    handle(m).catch((error: unknown) => f.log.error({ err: (error as Error).message, change: m.type }, 'could not apply a change from another replica'));
  });
}

async function rereadPins(f: ChangeFollower, m: ChangeMessage): Promise<void> {
  const trust = f.trust!;
  if (!(await trust.refresh())) {
    // A database's own writes notify every replica, this one included; only an unshared lockfile is a mistake.
    if (m.type === 'trust-approved' && trust.pinsKind === 'lockfile') {
      f.log.warn({ server: m.server, lockfile: trust.path }, 'another replica approved a change, but this lockfile has not changed: replicas must share the lockfile (e.g. on a volume) for approvals to apply everywhere');
    }
    return;
  }
  f.log.info({ pins: trust.path }, 'pins changed on another replica; checking every upstream again');
  f.recheckTrust();
}

async function rereadConfig(f: ChangeFollower, digest: string | undefined): Promise<void> {
  const current = configDigest(f.config());
  if (digest === current) return;
  const next = await (f.loadConfig ?? loadGatewayConfig)(f.config().source);
  // The file here may lag the one the other replica read; a watcher reloads it when it lands.
  if (configDigest(next) === current) return;
  await f.reload({ ...next, listen: f.config().listen });
  f.log.info('configuration reloaded after another replica reloaded it');
}
