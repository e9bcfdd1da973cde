/**
 * Pinning for a host: a catalogue guard for `McpHost` (`@mcpkit/host`, option `guard`) that checks every
 * listing against a lockfile. Typed structurally, so this package needs no client.
 * @module
 */
import type { Implementation, Prompt, Tool } from '@mcpkit/protocol';
import { compareServer } from './drift.js';
import { digestServer } from './digest.js';
import { type DriftPolicy, type NewServerPolicy, decideTrust } from './enforce.js';
import { type Lockfile, pinServer } from './lockfile.js';
import type { ServerSnapshot } from './snapshot.js';

/** What McpHost hands its guard. */
export interface HostListing {
  server: string;
  serverInfo: Implementation | undefined;
  instructions: string | undefined;
  tools: readonly Tool[];
  prompts: readonly Prompt[];
}

/** What McpHost expects back. */
export interface HostVerdict {
  block?: string;
  quarantine?: ReadonlyMap<string, string>;
}

export interface LockfileGuardOptions {
  onDrift: DriftPolicy;
  onNew: NewServerPolicy;
  /** The lockfile now (read it each time, so approvals take effect). */
  lockfile: () => Lockfile;
  /** Called with the new lockfile when a server is pinned on first use; write it. */
  onPin?: (lock: Lockfile) => void | Promise<void>;
  /** Told about drift served anyway (`warn`) or not hideable (removed items, changed instructions). */
  onWarning?: (server: string, warnings: string[]) => void;
}

/**
 * A catalogue guard that pins servers' tools and prompts in a lockfile: drift is blocked, quarantined or reported.
 * Resource templates are not listed by McpHost, so they are not pinned here (the gateway pins them).
 * @example
 * const host = new McpHost({ clientInfo, guard: lockfileGuard({ onDrift: 'quarantine-tool', onNew: 'pin', lockfile: () => lock, onPin: (l) => { lock = l; } }) });
 */
export function lockfileGuard(options: LockfileGuardOptions): (listing: HostListing) => Promise<HostVerdict> {
  return async (listing) => {
    const lock = options.lockfile();
    const entry = lock.servers[listing.server];
    // Templates are not part of a host listing: compare against the approved ones, so they never count as removed.
    const templates = entry ? Object.values(entry.resourceTemplates).map((t) => t.definition) : [];
    const snapshot: ServerSnapshot = {
      name: listing.server,
      serverInfo: listing.serverInfo,
      instructions: listing.instructions,
      tools: listing.tools,
      prompts: listing.prompts,
      resourceTemplates: templates as unknown as ServerSnapshot['resourceTemplates'],
    };
    const digests = await digestServer(snapshot);
    const decision = decideTrust(compareServer(entry, snapshot, digests), { onDrift: options.onDrift, onNew: options.onNew });
    if (decision.pin) await options.onPin?.(pinServer(lock, digests, snapshot, { by: 'mcpkit host (first use)' }));
    if (decision.warnings.length) options.onWarning?.(listing.server, decision.warnings);
    const verdict: HostVerdict = { quarantine: decision.quarantine };
    if (decision.block !== undefined) verdict.block = decision.block;
    return verdict;
  };
}
