/**
 * Pinning in the gateway: every catalogue an upstream serves is digested and compared with `mcp.lock.json`; the
 * verdict (block the server, quarantine items, warn) decides what the front shows and calls. New servers are
 * pinned on first use when the policy says so, through the pin store (`trust.pins`: the lockfile or the gateway's
 * database), where the first replica to pin a server wins and the others adopt its pin; the pins are read again when
 * another process changes them. Every new drift is logged, audited and counted.
 * @module
 */
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
  pinServer,
  serializeLockfile,
} from '@mcpkit/trust';
import type { AuditLog } from '../audit/index.js';
import type { TrustConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { GatewayMetrics } from '../metrics.js';
import { LockfilePinStore } from '../store/lockfile-pin-store.js';
import { type PinChange, type PinStore, entryOf, withEntry } from '../store/pin-store.js';
import type { Upstream, UpstreamCatalogue } from '../upstream/upstream.js';

/** A verdict and the catalogue it was made on. */
export type CheckedDecision = TrustDecision & { readonly catalogue: UpstreamCatalogue };

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

export { readLockfile, writeLockfile } from '../store/lockfile-pin-store.js';

export interface TrustGuardDeps {
  log: Logger;
  audit: AuditLog | undefined;
  metrics: GatewayMetrics;
  /** Called after another process changed the pins, so every upstream is checked again. */
  onLockfileChanged: () => void;
  /** Where pins live. Default: the lockfile `trust.lockfile` names. */
  pins?: PinStore;
}

export class TrustGuard {
  readonly #config: TrustConfig;
  readonly #deps: TrustGuardDeps;
  readonly #pins: PinStore;
  #lock: Lockfile = emptyLockfile();
  readonly #decisions = new Map<string, CheckedDecision>();
  /** What was last reported per upstream, so a recheck that finds the same drift is not audited again. */
  readonly #reported = new Map<string, string>();
  #unwatch: (() => void) | undefined;

  constructor(config: TrustConfig, deps: TrustGuardDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#pins = deps.pins ?? new LockfilePinStore(config.lockfile);
  }

  /** The pins as last read. */
  get lockfile(): Lockfile {
    return this.#lock;
  }

  /** Where the pins are: the lockfile's path, or the database (password redacted). */
  get path(): string {
    return this.#pins.location;
  }

  /** `lockfile`, `sqlite` or `postgres`. */
  get pinsKind(): PinStore['kind'] {
    return this.#pins.kind;
  }

  /** Changes one server's pins in the store (an approval) and keeps the result. */
  async approve(server: string, change: PinChange): Promise<void> {
    const entry = await this.#pins.update(server, change);
    this.#lock = withEntry(this.#lock, server, entry);
  }

  /**
   * Reads the pins and starts following changes other processes make to them.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the field of a malformed lockfile.
   */
  async start(): Promise<void> {
    this.#lock = await this.#pins.load();
    this.#unwatch = this.#pins.watch(() => void this.#reload());
  }

  /**
   * Reads the pins again; true when they changed (the caller checks every upstream again).
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for pins that cannot be used (the previous ones stay).
   */
  async refresh(): Promise<boolean> {
    const lock = await this.#pins.load();
    // Our own write seen by a watcher (however late it arrives), or a rewrite that changed nothing.
    if (serializeLockfile(lock) === serializeLockfile(this.#lock)) return false;
    this.#lock = lock;
    return true;
  }

  async #reload(): Promise<void> {
    try {
      if (!(await this.refresh())) return;
      this.#deps.log.info({ pins: this.#pins.location }, `${this.#pins.kind === 'lockfile' ? 'lockfile' : 'pins'} changed; checking every upstream again`);
      this.#deps.onLockfileChanged();
    } catch (error) {
      this.#deps.log.error({ err: (error as Error).message }, 'the changed pins cannot be used; keeping the previous ones');
    }
  }

  /** The verdict of an upstream's last check, with the catalogue it was made on (none before its first check). */
  decision(upstream: string): CheckedDecision | undefined {
    return this.#decisions.get(upstream);
  }

  /** Checks an upstream's catalogue against the lockfile and records the verdict. */
  async check(upstream: Upstream): Promise<TrustDecision> {
    // The catalogue judged, kept with the verdict: the front serves it (not one listed since) until the next check.
    const catalogue = upstream.catalogue;
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
      const mine = entryOf(pinServer(emptyLockfile(), digests, snapshot, { by: 'mcpkit gateway (first use)' }), upstream.name)!;
      const held = await this.#pins.pinIfAbsent(upstream.name, mine);
      this.#lock = withEntry(this.#lock, upstream.name, held.entry);
      if (!held.pinned) {
        // Another replica (or process) pinned it first: its pin is the one every replica judges by.
        this.#deps.log.info({ upstream: upstream.name, digest: held.entry.digest }, 'upstream pinned elsewhere first; adopting that pin');
        return this.check(upstream);
      }
      this.#deps.log.info({ upstream: upstream.name, digest: digests.digest }, 'new upstream pinned on first use');
      void this.#deps.audit?.append({ method: 'trust/pin', upstream: upstream.name, outcome: 'ok', durationMs: 0, reason: `pinned on first use (digest ${digests.digest})` }).catch(() => undefined);
    }
    this.#decisions.set(upstream.name, Object.assign(decision, { catalogue }));
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

  /** Stops following changes; the store itself belongs to the caller. */
  close(): void {
    this.#unwatch?.();
  }
}
