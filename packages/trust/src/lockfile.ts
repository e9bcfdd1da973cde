/**
 * `mcp.lock.json`: what was approved, per server, item by item, with the approved definitions kept so drift can be
 * explained later.
 *
 * ```jsonc
 * {
 *   "lockfileVersion": 1,
 *   "servers": {
 *     "files": {                                   // the name the host config or mcp.yaml gives the server
 *       "digest": "9c1e…",                         // server digest (see serverDigest) of what is approved below
 *       "serverName": "mcpkit-filesystem",         // serverInfo.name, covered by the server digest
 *       "instructions": { "digest": "…", "text": "…", "approvedAt": "…", "approvedBy": "…" },  // if it has some
 *       "tools": {
 *         "read_file": {
 *           "digest": "3f1c…",                     // SHA-256 (hex) of the JCS of the definition below
 *           "definition": { "name": "read_file", "description": "…", "inputSchema": { … } },
 *           "approvedAt": "2026-12-04T19:00:00.000Z",
 *           "approvedBy": "alice"
 *         }
 *       },
 *       "prompts": { "NAME": { … } },
 *       "resourceTemplates": { "file:///{path}": { … } },   // keyed by URI template
 *       "approvedAt": "2026-12-04T19:00:00.000Z",  // the last time the whole server was pinned
 *       "approvedBy": "alice",
 *       "signer": { "issuer": "https://mcp.example.com/mcp", "keys": [{ "kty": "OKP", … }] }  // optional
 *     }
 *   }
 * }
 * ```
 * The file is written with sorted keys, two-space indents and a trailing newline, so diffs are clean. `signer` pins
 * who must sign the server's manifest: its issuer and public keys (inline) or a JWKS URL the caller resolves.
 * @module
 */
import type { JWK } from 'jose';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { ServerSnapshot } from './snapshot.js';
import { canonicalDefinition, ITEM_KINDS, itemKey, type Definition, type ItemKind, type ItemOf } from './definition.js';
import { recordOf, serverDigest, sha256Hex, type ServerDigests } from './digest.js';
import { canonicalize } from './jcs.js';
import { getOwn, setOwn } from './own.js';
import { stableJson } from './stable-json.js';

/** The file name hosts, the gateway and the CLI look for. */
export const LOCKFILE_NAME = 'mcp.lock.json';
/** The only version this mcpkit reads and writes. */
export const LOCKFILE_VERSION = 1;

/** Who approved, and when (ISO 8601). */
export interface Approval {
  approvedAt: string;
  approvedBy: string;
}

/** One approved tool, prompt or resource template. */
export interface LockedItem extends Approval {
  digest: string;
  /** The pinned fields as approved (see `canonicalDefinition`), kept to explain drift. */
  definition: Definition;
}

/** Who must sign the server's manifest. */
export interface LockedSigner {
  /** The manifest's `server` (the server's canonical identity: its URL or package name). */
  issuer: string;
  /** Pinned public keys (JWK). */
  keys?: JWK[];
  /** A JWKS URL the caller fetches (the trust package does no I/O). */
  jwksUri?: string;
}

/** Approved instructions: their digest (SHA-256 of their JCS form) and text. */
export interface LockedInstructions extends Approval {
  digest: string;
  text: string;
}

/** Everything approved for one server. */
export interface LockedServer extends Approval {
  digest: string;
  serverName?: string;
  instructions?: LockedInstructions;
  tools: Record<string, LockedItem>;
  prompts: Record<string, LockedItem>;
  resourceTemplates: Record<string, LockedItem>;
  signer?: LockedSigner;
}

export interface Lockfile {
  lockfileVersion: typeof LOCKFILE_VERSION;
  servers: Record<string, LockedServer>;
}

/** Who approves and when: `at` defaults to now. */
export interface ApproveOptions {
  by: string;
  at?: Date | string | undefined;
}

/** A lockfile with no servers. */
export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, servers: {} };
}

/**
 * The lockfile as text: sorted keys, two-space indents, a trailing newline.
 * @example
 * await writeFile('mcp.lock.json', serializeLockfile(lock));
 */
export function serializeLockfile(lock: Lockfile): string {
  return stableJson(lock);
}

/**
 * Pins a whole server as it is now: every item, the instructions and the server digest, replacing what the lockfile
 * held for it (its `signer` is kept unless `options.signer` is given). Returns a new lockfile.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when `digests` is not of `snapshot`, or `by` is empty.
 * @example
 * lock = pinServer(lock, await digestServer(snapshot), snapshot, { by: 'alice' });
 */
export function pinServer(
  lock: Lockfile,
  digests: ServerDigests,
  snapshot: ServerSnapshot,
  options: ApproveOptions & { signer?: LockedSigner | undefined },
): Lockfile {
  if (digests.server !== snapshot.name) {
    throw new InvalidArgumentError(`pinServer: the digests are of server "${digests.server}", the snapshot of "${snapshot.name}"`);
  }
  const approval = approvalOf(options);
  const entry: LockedServer = { digest: digests.digest, tools: {}, prompts: {}, resourceTemplates: {}, ...approval };
  if (digests.serverName !== undefined) entry.serverName = digests.serverName;
  if (digests.instructions !== undefined && snapshot.instructions !== undefined) {
    entry.instructions = { digest: digests.instructions, text: snapshot.instructions, ...approval };
  }
  const lists: Record<ItemKind, readonly object[]> = {
    tool: snapshot.tools,
    prompt: snapshot.prompts,
    resourceTemplate: snapshot.resourceTemplates,
  };
  for (const kind of ITEM_KINDS) {
    const record = entry[recordOf(kind)];
    for (const item of lists[kind]) {
      const name = itemKey(kind, item);
      const digest = getOwn(digests[recordOf(kind)], name);
      if (digest === undefined) throw new InvalidArgumentError(`pinServer: the digests have no ${kind} "${name}"; digest this snapshot`);
      if (getOwn(record, name) !== undefined) continue; // a duplicate: the first copy is the one digested
      setOwn(record, name, { digest, definition: canonicalDefinition(kind, item as ItemOf[typeof kind]), ...approval });
    }
  }
  const signer = options.signer ?? getOwn(lock.servers, snapshot.name)?.signer;
  if (signer !== undefined) entry.signer = signer;
  return withServer(lock, snapshot.name, entry);
}

/**
 * Approves one item of a pinned server as it is now (a changed or added tool, say) and recomputes the server digest.
 * `definition` is the item's `canonicalDefinition`, kept to explain later drift.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when the server is not in the lockfile, or the definition
 * names another item or does not hash to `digest`.
 * @example
 * lock = await approveItem(lock, 'files', 'tool', 'read_file', digests.tools.read_file!, { by: 'alice', definition });
 */
export async function approveItem(
  lock: Lockfile,
  server: string,
  kind: ItemKind,
  name: string,
  digest: string,
  options: ApproveOptions & { definition: Definition },
): Promise<Lockfile> {
  const entry = lockedServer(lock, server, 'approveItem');
  if (itemKey(kind, options.definition) !== name) {
    throw new InvalidArgumentError(`approveItem: the definition is of ${kind} "${itemKey(kind, options.definition)}", not "${name}"`);
  }
  // The digest is what the approver was shown; refuse a definition that is not what it names (a race, or a mix-up).
  const actual = await sha256Hex(canonicalize(options.definition));
  if (actual !== digest) throw new InvalidArgumentError(`approveItem: the definition of ${kind} "${name}" hashes to ${actual}, not ${digest}`);
  const record = { ...entry[recordOf(kind)] };
  setOwn(record, name, { digest, definition: options.definition, ...approvalOf(options) });
  return withServer(lock, server, await redigest({ ...entry, [recordOf(kind)]: record }));
}

/**
 * Takes one item out of a pinned server (it was removed on purpose) and recomputes the server digest.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when the server or the item is not in the lockfile.
 * @example
 * lock = await removeItem(lock, 'files', 'tool', 'delete_file');
 */
export async function removeItem(lock: Lockfile, server: string, kind: ItemKind, name: string): Promise<Lockfile> {
  const entry = lockedServer(lock, server, 'removeItem');
  if (getOwn(entry[recordOf(kind)], name) === undefined) {
    throw new InvalidArgumentError(`removeItem: server "${server}" has no approved ${kind} "${name}"`);
  }
  const record: Record<string, LockedItem> = {};
  for (const [key, item] of Object.entries(entry[recordOf(kind)])) if (key !== name) setOwn(record, key, item);
  return withServer(lock, server, await redigest({ ...entry, [recordOf(kind)]: record }));
}

/**
 * Approves a server's instructions as they are now (`undefined`: the server gives none) and recomputes the digest.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when the server is not in the lockfile.
 * @example
 * lock = await approveInstructions(lock, 'files', { digest: digests.instructions!, text: snapshot.instructions! }, { by: 'alice' });
 */
export async function approveInstructions(
  lock: Lockfile,
  server: string,
  instructions: { digest: string; text: string } | undefined,
  options: ApproveOptions,
): Promise<Lockfile> {
  const { instructions: _old, ...entry } = lockedServer(lock, server, 'approveInstructions');
  const next: LockedServer = instructions === undefined ? entry : { ...entry, instructions: { ...instructions, ...approvalOf(options) } };
  return withServer(lock, server, await redigest(next));
}

/**
 * The lockfile without `server`.
 * @example
 * lock = removeServer(lock, 'files');
 */
export function removeServer(lock: Lockfile, server: string): Lockfile {
  const servers: Record<string, LockedServer> = {};
  for (const [name, entry] of Object.entries(lock.servers)) if (name !== server) setOwn(servers, name, entry);
  return { lockfileVersion: LOCKFILE_VERSION, servers };
}

/**
 * The server digest of a lockfile entry, from its items, instructions and name (what `digestServer` would give).
 * @example
 * (await lockedServerDigest(lock.servers.files!)) === lock.servers.files!.digest; // true for a consistent lockfile
 */
export function lockedServerDigest(entry: LockedServer): Promise<string> {
  const items: Array<{ kind: ItemKind; digest: string }> = [];
  for (const kind of ITEM_KINDS) for (const item of Object.values(entry[recordOf(kind)])) items.push({ kind, digest: item.digest });
  return serverDigest({ serverName: entry.serverName, instructions: entry.instructions?.digest, items });
}

async function redigest(entry: LockedServer): Promise<LockedServer> {
  return { ...entry, digest: await lockedServerDigest(entry) };
}

function lockedServer(lock: Lockfile, server: string, caller: string): LockedServer {
  const entry = getOwn(lock.servers, server);
  if (entry === undefined) throw new InvalidArgumentError(`${caller}: server "${server}" is not in the lockfile; pin it first`);
  return entry;
}

function withServer(lock: Lockfile, server: string, entry: LockedServer): Lockfile {
  const servers = { ...lock.servers };
  setOwn(servers, server, entry);
  return { lockfileVersion: LOCKFILE_VERSION, servers };
}

function approvalOf(options: ApproveOptions): Approval {
  if (typeof options.by !== 'string' || options.by.trim() === '') {
    throw new InvalidArgumentError('an approval needs `by`: who approved (a user name or e-mail)');
  }
  const at = options.at ?? new Date();
  const time = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(time.getTime())) throw new InvalidArgumentError(`an approval's \`at\` must be a date, got ${JSON.stringify(at)}`);
  return { approvedAt: time.toISOString(), approvedBy: options.by };
}
