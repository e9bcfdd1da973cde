/**
 * Enforcement: what a host or gateway does about a drift report, under a policy per server.
 * @module
 */
import type { DriftReport, ItemDrift } from './drift.js';
import type { ItemKind } from './definition.js';

/** What drift does (mcp.yaml `trust.onDrift`). */
export type DriftPolicy = 'block-server' | 'quarantine-tool' | 'warn';
/** What a server the lockfile does not know does (`trust.onNew`): pinned on first sight, or hidden until approved. */
export type NewServerPolicy = 'pin' | 'quarantine';

/** The verdict on one server's current definitions. */
export interface TrustDecision {
  /** Why the whole server is hidden and refused; absent when it is not blocked. */
  block?: string;
  /** `KIND:NAME` (e.g. `tool:read_file`, `resourceTemplate:file:///{path}`) → why it is quarantined. */
  quarantine: Map<string, string>;
  /** The server is new and the policy pins it now (trust on first use): the caller writes the lockfile. */
  pin: boolean;
  /** Drift that is served anyway (policy `warn`), or that cannot be hidden (removed items, changed instructions). */
  warnings: string[];
}

const KIND_WORD: Record<ItemKind, string> = { tool: 'tool', prompt: 'prompt', resourceTemplate: 'resource template' };

/** The key of an item in {@link TrustDecision.quarantine}. */
export function quarantineKey(kind: ItemKind, name: string): string {
  return `${kind}:${name}`;
}

/** One line saying how an item drifted, naming the fields. */
export function describeItemDrift(item: ItemDrift): string {
  const what = `${KIND_WORD[item.kind]} "${item.name}"`;
  switch (item.change) {
    case 'added':
      return `${what} was added after the server was approved`;
    case 'removed':
      return `${what} was removed`;
    case 'renamed':
      return `${what} is the approved ${KIND_WORD[item.kind]} "${item.from ?? '?'}" under a new name`;
    default: {
      const fields = [...new Set(item.changes.map((c) => c.pointer.split('/').slice(0, 2).join('/') || '/'))];
      return `${what} changed since it was approved (${fields.join(', ')})`;
    }
  }
}

/**
 * Decides what to do about a server's drift. Items added to an approved server are drift like changed ones (a new
 * tool is the commonest rug pull); `onNew` concerns servers the lockfile does not know at all.
 * @example
 * const decision = decideTrust(compareServer(lock.servers.files, snapshot, digests), { onDrift: 'quarantine-tool', onNew: 'pin' });
 * if (decision.pin) lock = pinServer(lock, digests, snapshot, { by: 'gateway (first use)' });
 */
export function decideTrust(report: DriftReport, policy: { onDrift: DriftPolicy; onNew: NewServerPolicy }): TrustDecision {
  const decision: TrustDecision = { quarantine: new Map(), pin: false, warnings: [] };
  if (report.status === 'unchanged') return decision;
  if (report.status === 'new-server') {
    if (policy.onNew === 'pin') decision.pin = true;
    else decision.block = `server "${report.server}" is not approved yet (run mcpkit trust approve ${report.server})`;
    return decision;
  }
  const hideable = report.items.filter((i) => i.change !== 'removed');
  const lines = report.items.map(describeItemDrift);
  if (report.instructionsChanged) lines.push('its instructions changed since they were approved');
  if (report.serverName) lines.push(`its name changed from "${report.serverName.before ?? ''}" to "${report.serverName.after ?? ''}"`);
  if (policy.onDrift === 'block-server') {
    decision.block = `server "${report.server}" drifted from its approved definitions: ${lines.join('; ')}`;
    return decision;
  }
  if (policy.onDrift === 'warn') {
    decision.warnings.push(...lines);
    return decision;
  }
  for (const item of hideable) {
    decision.quarantine.set(quarantineKey(item.kind, item.name), `${describeItemDrift(item)}; approve it with mcpkit trust approve ${report.server} ${item.name}`);
  }
  for (const item of report.items) if (item.change === 'removed') decision.warnings.push(describeItemDrift(item));
  if (report.instructionsChanged) decision.warnings.push('its instructions changed since they were approved');
  if (report.serverName) decision.warnings.push(`its name changed from "${report.serverName.before ?? ''}" to "${report.serverName.after ?? ''}"`);
  return decision;
}
