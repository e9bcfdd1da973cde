/**
 * Pinning in the gateway: every catalogue an upstream serves is digested and compared with `mcp.lock.json`; the
 * verdict (block the server, quarantine items, warn) decides what the front shows and calls. New servers are
 * pinned on first use when the policy says so; the lockfile is re-read when it changes on disk (mcpkit trust
 * approve). Every new drift is logged, audited and counted.
 * @module
 */
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  type LockedSigner,
  type Lockfile,
  type ServerDigests,
  MANIFEST_METHOD,
  matchManifest,
  verifyManifest,
  type ServerSnapshot,
  type TrustDecision,
  compareServer,
  decideTrust,
  digestServer,
  emptyLockfile,
  explainDrift,
  parseLockfile,
  pinServer,
  serializeLockfile,
} from '@mcpkit/trust';
import type { AuditLog } from '../audit/index.js';
import type { TrustConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { GatewayMetrics } from '../metrics.js';
import type { Upstream } from '../upstream/upstream.js';

/** What an upstream serves, as the trust layer sees it: pinned as the upstream names things, before allow/deny. */
export function snapshotOf(upstream: Upstream): ServerSnapshot {
  const n = upstream.negotiated;
  return {
    name: upstream.name,
    serverInfo: n?.serverInfo,
    instructions: n?.instructions,
    tools: upstream.catalogue.tools,
    prompts: upstream.catalogue.prompts,
    resourceTemplates: upstream.catalogue.templates,
  };
}

/** Why an upstream's signed manifest fails its pinned signer, or undefined when it holds. */
export async function checkSignature(upstream: Upstream, signer: LockedSigner, digests: ServerDigests): Promise<string | undefined> {
  if (!signer.keys?.length) return 'the lockfile names a signer without pinned keys (jwksUri is not fetched by the gateway yet)';
  let published: { manifest?: unknown; jws?: unknown };
  try {
    published = (await upstream.request(MANIFEST_METHOD, {}, { timeoutMs: upstream.config.listTimeoutMs })) as typeof published;
  } catch (error) {
    return `no manifest (${MANIFEST_METHOD} failed: ${(error as Error).message})`;
  }
  if (typeof published.jws !== 'string') return 'the manifest answer has no jws';
  const verified = await verifyManifest(published.manifest, published.jws, { keys: signer.keys, expectedIssuer: signer.issuer });
  if (!verified.ok) return `${verified.code}: ${verified.reason}`;
  const mismatches = matchManifest(verified.manifest, digests);
  return mismatches.length === 0 ? undefined : `the server serves what its manifest does not sign (${mismatches.map((m) => JSON.stringify(m)).join('; ').slice(0, 300)})`;
}

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
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeLockfile(lock), { mode: 0o644 });
  await rename(tmp, path);
}

export interface TrustGuardDeps {
  log: Logger;
  audit: AuditLog | undefined;
  metrics: GatewayMetrics;
  /** Called after the lockfile changed on disk, so every upstream is checked again. */
  onLockfileChanged: () => void;
}

export class TrustGuard {
  readonly #config: TrustConfig;
  readonly #deps: TrustGuardDeps;
  #lock: Lockfile = emptyLockfile();
  readonly #decisions = new Map<string, TrustDecision>();
  /** What was last reported per upstream, so a recheck that finds the same drift is not audited again. */
  readonly #reported = new Map<string, string>();
  #watcher: FSWatcher | undefined;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(config: TrustConfig, deps: TrustGuardDeps) {
    this.#config = config;
    this.#deps = deps;
  }

  get lockfile(): Lockfile {
    return this.#lock;
  }

  /** The lockfile's path. */
  get path(): string {
    return this.#config.lockfile;
  }

  /** Replaces the lockfile (an approval) and writes it. */
  async replace(lock: Lockfile): Promise<void> {
    this.#lock = lock;
    await this.#save();
  }

  /**
   * Reads the lockfile and starts watching it.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the field of a malformed lockfile.
   */
  async start(): Promise<void> {
    this.#lock = await readLockfile(this.#config.lockfile);
    await mkdir(dirname(this.#config.lockfile), { recursive: true });
    // Watch the folder: editors and `mcpkit trust approve` replace the file by renaming.
    this.#watcher = watch(dirname(this.#config.lockfile), (_event, file) => {
      if (file !== null && file.toString() !== basename(this.#config.lockfile)) return;
      clearTimeout(this.#reloadTimer);
      this.#reloadTimer = setTimeout(() => void this.#reload(), 50);
    });
    this.#watcher.on('error', (error) => this.#deps.log.warn({ err: error.message }, 'cannot watch the lockfile'));
  }

  async #reload(): Promise<void> {
    try {
      const lock = await readLockfile(this.#config.lockfile);
      // Our own write seen by the watcher (however late it arrives), or a rewrite that changed nothing.
      if (JSON.stringify(lock) === JSON.stringify(this.#lock)) return;
      this.#lock = lock;
      this.#deps.log.info({ lockfile: this.#config.lockfile }, 'lockfile changed; checking every upstream again');
      this.#deps.onLockfileChanged();
    } catch (error) {
      this.#deps.log.error({ err: (error as Error).message }, 'the changed lockfile cannot be used; keeping the previous one');
    }
  }

  /** The verdict on an upstream's current catalogue (none before its first check). */
  decision(upstream: string): TrustDecision | undefined {
    return this.#decisions.get(upstream);
  }

  /** Checks an upstream's catalogue against the lockfile and records the verdict. */
  async check(upstream: Upstream): Promise<TrustDecision> {
    const snapshot = snapshotOf(upstream);
    const digests = await digestServer(snapshot);
    const entry = this.#lock.servers[upstream.name];
    const report = compareServer(entry, snapshot, digests);
    const decision = decideTrust(report, { onDrift: this.#config.onDrift, onNew: this.#config.onNew });
    // A pinned signer: the upstream must serve a manifest that key signed, for exactly what it serves now.
    if (entry?.signer && decision.block === undefined) {
      const refusal = await checkSignature(upstream, entry.signer, digests);
      if (refusal !== undefined) decision.block = `its signed manifest does not hold: ${refusal}`;
    }
    if (decision.pin) {
      this.#lock = pinServer(this.#lock, digests, snapshot, { by: 'mcpkit gateway (first use)' });
      await this.#save();
      this.#deps.log.info({ upstream: upstream.name, digest: digests.digest }, 'new upstream pinned on first use');
      void this.#deps.audit?.append({ method: 'trust/pin', upstream: upstream.name, outcome: 'ok', durationMs: 0, reason: `pinned on first use (digest ${digests.digest})` }).catch(() => undefined);
    }
    this.#decisions.set(upstream.name, decision);
    if (report.status === 'drifted' || decision.block !== undefined) this.#report(upstream.name, decision, report.status === 'drifted' ? explainDrift(report) : decision.block ?? '');
    else this.#reported.delete(upstream.name);
    return decision;
  }

  #report(upstream: string, decision: TrustDecision, explanation: string): void {
    const key = `${decision.block ?? ''}|${[...decision.quarantine.entries()].join(';')}|${decision.warnings.join(';')}`;
    if (this.#reported.get(upstream) === key) return;
    this.#reported.set(upstream, key);
    const action = decision.block !== undefined ? 'block-server' : decision.quarantine.size > 0 ? 'quarantine-tool' : 'warn';
    this.#deps.metrics.trustDrift.inc({ upstream, action });
    this.#deps.log.warn({ upstream, action, quarantined: [...decision.quarantine.keys()], drift: explanation }, 'upstream definitions drifted from the lockfile');
    const append = (target: string | null, reason: string) =>
      void this.#deps.audit?.append({ method: 'trust/drift', upstream, target, outcome: 'refused', durationMs: 0, reason }).catch(() => undefined);
    if (decision.block !== undefined) append(null, `blocked: ${decision.block}`);
    for (const [item, why] of decision.quarantine) append(item, `quarantined: ${why}`);
    for (const warning of decision.warnings) append(null, `warning: ${warning}`);
  }

  async #save(): Promise<void> {
    await writeLockfile(this.#config.lockfile, this.#lock);
  }

  close(): void {
    clearTimeout(this.#reloadTimer);
    this.#watcher?.close();
  }
}
