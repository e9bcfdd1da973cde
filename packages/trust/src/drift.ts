/**
 * Drift: how a server now differs from what its lockfile entry approved, item by item and field by field.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { ServerSnapshot } from './snapshot.js';
import { canonicalize } from './jcs.js';
import { canonicalDefinition, ITEM_KINDS, itemKey, keyField, type Definition, type ItemKind, type ItemOf } from './definition.js';
import { recordOf, type ServerDigests } from './digest.js';
import { diffJson, type FieldChange } from './json-diff.js';
import type { LockedItem, LockedServer } from './lockfile.js';
import { getOwn } from './own.js';

/**
 * How an item changed. `renamed`: the same definition apart from its name (or URI template) — still drift, so a
 * server cannot slip an approved tool under a new name, or an unapproved name onto an approved tool.
 */
export type ItemChange = 'added' | 'removed' | 'changed' | 'renamed';

/** One drifted tool, prompt or resource template. */
export interface ItemDrift {
  kind: ItemKind;
  /** The item's name (URI template for resource templates) now; for `removed`, as approved. */
  name: string;
  change: ItemChange;
  /** For `renamed`: the approved name. */
  from?: string;
  /** Field by field, old and new text (for `changed` and `renamed`; empty for `added` and `removed`). */
  changes: FieldChange[];
  /** For `added`: the definition now; for `removed`: the approved one. */
  definition?: Definition;
}

export type DriftStatus = 'unchanged' | 'drifted' | 'new-server';

/** What changed on one server since it was approved. */
export interface DriftReport {
  server: string;
  status: DriftStatus;
  /** Drifted items, tools first, then prompts, then resource templates, each sorted by name. */
  items: ItemDrift[];
  instructionsChanged: boolean;
  /** The approved and the current instructions, when they changed (absent side: there were none). */
  instructions?: { before?: string; after?: string };
  /** The approved and the current `serverInfo.name`, when it changed. */
  serverName?: { before?: string; after?: string };
  /** The lockfile's server digest (absent for a new server) and the current one. */
  digest: { locked?: string; current: string };
  /** Items the server lists twice under one name (see `ServerDigests.duplicates`). */
  duplicates?: Array<{ kind: ItemKind; name: string }>;
}

/**
 * Compares a server with its lockfile entry (`undefined`: the lockfile does not know it).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when `digests` is not of `snapshot`.
 * @example
 * const report = compareServer(lock.servers.files, snapshot, await digestServer(snapshot));
 * if (report.status !== 'unchanged') console.error(explainDrift(report));
 */
export function compareServer(entry: LockedServer | undefined, snapshot: ServerSnapshot, digests: ServerDigests): DriftReport {
  if (digests.server !== snapshot.name) {
    throw new InvalidArgumentError(`compareServer: the digests are of server "${digests.server}", the snapshot of "${snapshot.name}"`);
  }
  const lists: Record<ItemKind, readonly object[]> = {
    tool: snapshot.tools,
    prompt: snapshot.prompts,
    resourceTemplate: snapshot.resourceTemplates,
  };
  const items: ItemDrift[] = [];
  for (const kind of ITEM_KINDS) items.push(...compareKind(kind, entry?.[recordOf(kind)] ?? {}, lists[kind], digests[recordOf(kind)]));
  const report: DriftReport = {
    server: snapshot.name,
    status: 'unchanged',
    items,
    instructionsChanged: entry !== undefined && entry.instructions?.digest !== digests.instructions,
    digest: { current: digests.digest },
  };
  if (digests.duplicates !== undefined) report.duplicates = digests.duplicates;
  if (entry === undefined) {
    report.status = 'new-server';
    return report;
  }
  report.digest.locked = entry.digest;
  if (report.instructionsChanged) report.instructions = sides(entry.instructions?.text, snapshot.instructions);
  if (entry.serverName !== digests.serverName) report.serverName = sides(entry.serverName, digests.serverName);
  const drifted = items.length > 0 || report.instructionsChanged || report.serverName !== undefined || entry.digest !== digests.digest;
  report.status = drifted ? 'drifted' : 'unchanged';
  return report;
}

function compareKind(
  kind: ItemKind,
  locked: Readonly<Record<string, LockedItem>>,
  current: readonly object[],
  digests: Readonly<Record<string, string>>,
): ItemDrift[] {
  const out: ItemDrift[] = [];
  const added = new Map<string, Definition>();
  const seen = new Set<string>();
  for (const item of current) {
    const name = itemKey(kind, item);
    if (seen.has(name)) continue; // a duplicate: the first copy is the one digested
    seen.add(name);
    const approved = getOwn(locked, name);
    if (approved !== undefined && approved.digest === getOwn(digests, name)) continue;
    const definition = canonicalDefinition(kind, item as ItemOf[typeof kind]);
    if (approved === undefined) added.set(name, definition);
    else out.push({ kind, name, change: 'changed', changes: diffJson(approved.definition, definition) });
  }
  const removed = Object.keys(locked).filter((name) => !seen.has(name));
  // A rename keeps everything but the name: match removed and added items on their definitions without it.
  const addedByBody = new Map<string, string>();
  for (const [name, definition] of added) {
    const body = bodyOf(kind, definition);
    if (!addedByBody.has(body)) addedByBody.set(body, name);
  }
  for (const from of removed) {
    const definition = getOwn(locked, from)!.definition;
    const body = bodyOf(kind, definition);
    const to = addedByBody.get(body);
    if (to === undefined) {
      out.push({ kind, name: from, change: 'removed', changes: [], definition });
      continue;
    }
    addedByBody.delete(body);
    added.delete(to);
    out.push({ kind, name: to, change: 'renamed', from, changes: [{ pointer: `/${keyField(kind)}`, before: from, after: to }] });
  }
  for (const [name, definition] of added) out.push({ kind, name, change: 'added', changes: [], definition });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The JCS text of a definition without the field that names it. */
function bodyOf(kind: ItemKind, definition: Definition): string {
  const { [keyField(kind)]: _name, ...body } = definition;
  return canonicalize(body);
}

function sides(before: string | undefined, after: string | undefined): { before?: string; after?: string } {
  const out: { before?: string; after?: string } = {};
  if (before !== undefined) out.before = before;
  if (after !== undefined) out.after = after;
  return out;
}
