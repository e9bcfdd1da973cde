/**
 * One scan: list every target server, run the scanner over all of them together (so cross-server shadowing and
 * name collisions are seen), compare each with the lockfile, probe HTTP servers for missing authentication, and
 * give each server a trust tier.
 * @module
 */
import {
  type DriftStatus,
  type Finding,
  type LockedSigner,
  type Lockfile,
  type ServerSnapshot,
  type Severity,
  type TrustTier,
  SEVERITIES,
  atOrAbove,
  compareServer,
  digestServer,
  explainTier,
  scanSnapshots,
} from '@mcpkit/trust';
import { CliError, ExitCode, describeFailure } from '../failure.js';
import { type CommandContext, type ConnectionOptions, VERSION } from '../session.js';
import { describeTarget } from '../target.js';
import { MANIFEST_RULE, NO_AUTH_RULE, driftFindings, manifestFinding, noAuthFinding } from './cli-rules.js';
import { type ManifestVerdict, judgeManifest, signerKeys } from './manifest-check.js';
import { type AuthProbe, probeAuth } from './probe.js';
import { lockedEntry } from './lockfile-io.js';
import { type ListedServer, listEach } from './snapshot.js';
import type { TargetSet } from './targets.js';

/** One server in the scan's result (`servers[]` of `--json`). */
export interface ScannedServer {
  name: string;
  /** How it was reached: the command line or the URL. */
  target: string;
  transport: 'stdio' | 'http' | 'sse';
  serverInfo?: { name: string; version: string } | undefined;
  era?: 'session' | 'stateless' | undefined;
  counts?: { tools: number; prompts: number; resourceTemplates: number; resources: number };
  /** From the probe: `none` (answered without credentials), `present` (refused), `unknown` (not probed, or stdio). */
  auth: AuthProbe['auth'];
  authProbe?: string[];
  /** The signed manifest: `verified` (pinned signer), `self-signed`, `invalid` or `absent`, and why. */
  manifest?: ManifestVerdict['status'];
  manifestDetail?: string;
  /** The lockfile comparison, or `not-checked` when there is no lockfile. */
  drift: DriftStatus | 'not-checked';
  /** Absent when the server could not be scanned. */
  tier?: TrustTier;
  tierReason?: string;
  findings: number;
  maxSeverity?: Severity | undefined;
  /** Why the server could not be scanned. */
  error?: string;
}

export interface ScanReport {
  findings: Finding[];
  servers: ScannedServer[];
  summary: {
    servers: number;
    scanned: number;
    failed: number;
    findings: number;
    bySeverity: Record<Severity, number>;
    failOn: Severity;
    /** How many findings are at or above `failOn`. */
    atOrAboveFailOn: number;
    lockfile: string | null;
    /** The exit code the scan ends with. */
    exitCode: number;
  };
  /** The exit code of the first server that could not be scanned. */
  failure?: { exitCode: number; message: string; hint?: string | undefined };
}

export interface ScanRunOptions extends Pick<ConnectionOptions, 'timeout' | 'protocol'> {
  failOn: Severity;
  lock: { path: string; lockfile: Lockfile } | undefined;
  probe: boolean;
  disable: readonly string[];
  /** A signer from the command line (`--jwks`, `--issuer`); else each server's lockfile `signer`, if any. */
  signer?: LockedSigner | undefined;
}

function maxOf(findings: readonly Finding[]): Severity | undefined {
  return SEVERITIES.slice().reverse().find((s) => findings.some((f) => f.severity === s));
}

/** Runs the scan; never throws for a server that cannot be reached (it is reported, and the exit code says so). */
export async function runScan(ctx: CommandContext, set: TargetSet, options: ScanRunOptions): Promise<ScanReport> {
  const listed: Array<ListedServer & { label: string; index: number }> = [];
  // In the order the targets were given (the config file's order), whether or not they could be scanned.
  const slots: ScannedServer[] = [];
  let failure: ScanReport['failure'];
  const listings = await listEach(ctx, set.targets, { ...options, manifest: true });
  for (const [index, named] of set.targets.entries()) {
    const label = describeTarget(named.target);
    const listing = listings[index]!;
    if (listing.ok) listed.push({ ...listing.listed, label, index });
    else {
      const error = listing.error;
      if (error instanceof CliError && error.exitCode === ExitCode.Interrupted) throw error;
      const f = describeFailure(error);
      if (f.stack !== undefined) throw error; // a bug: let main print it
      failure ??= { exitCode: f.exitCode, message: f.message, hint: f.hint };
      slots[index] = { name: named.name ?? label, target: label, transport: named.target.kind, auth: 'unknown', drift: 'not-checked', findings: 0, error: f.message };
    }
  }
  const snapshots: ServerSnapshot[] = listed.map((l) => l.snapshot);
  const disabled = new Set(options.disable);
  const findings = scanSnapshots(snapshots, { disable: options.disable });
  const perServer = new Map<string, { drift: ScannedServer['drift']; probe?: AuthProbe; manifest?: ManifestVerdict }>();
  for (const l of listed) {
    const { snapshot, target } = l;
    const entry = options.lock === undefined ? undefined : lockedEntry(options.lock.lockfile, snapshot.name);
    const signer = options.signer ?? entry?.signer;
    // Digests only when something is compared with them (a lockfile, a manifest): ~0.1 s for 1,000 tools.
    const needDigests = options.lock !== undefined || signer !== undefined || (l.manifest !== undefined && !('absent' in l.manifest));
    const digests = needDigests ? await digestServer(snapshot) : undefined;
    const manifest =
      l.manifest === undefined || digests === undefined
        ? l.manifest && { signature: 'absent' as const, status: 'absent' as const, detail: 'absent' in l.manifest ? l.manifest.absent : '' }
        : await judgeManifest(l.manifest, digests, signer && (await signerKeys(signer, options.timeout)));
    if (manifest?.status === 'invalid') findings.push(manifestFinding(snapshot.name, manifest.detail));
    let drift: ScannedServer['drift'] = 'not-checked';
    if (options.lock !== undefined) {
      const report = compareServer(entry, snapshot, digests!);
      drift = report.status;
      findings.push(...driftFindings(report));
    }
    let probe: AuthProbe | undefined;
    if (options.probe && target.kind !== 'stdio') {
      probe = await probeAuth(target.url, { timeoutMs: options.timeout, version: VERSION });
      if (probe.auth === 'none') findings.push(noAuthFinding(snapshot.name, target.url, probe.steps));
    }
    perServer.set(snapshot.name, { drift, ...(probe ? { probe } : {}), ...(manifest ? { manifest } : {}) });
  }
  const kept = findings.filter((f) => !disabled.has(f.rule));
  for (const l of listed) {
    const { snapshot, target, era } = l;
    const mine = kept.filter((f) => f.server === snapshot.name);
    const extra = perServer.get(snapshot.name);
    const auth = extra?.probe?.auth ?? 'unknown';
    // Missing authentication and a failed signature are inputs of the tier already; their findings would count twice.
    const tier = explainTier({ auth, signature: extra?.manifest?.signature ?? 'absent', findings: mine.filter((f) => f.rule !== NO_AUTH_RULE && f.rule !== MANIFEST_RULE) });
    slots[l.index] = {
      name: snapshot.name,
      target: l.label,
      transport: target.kind,
      serverInfo: snapshot.serverInfo ? { name: snapshot.serverInfo.name, version: snapshot.serverInfo.version } : undefined,
      era,
      counts: { tools: snapshot.tools.length, prompts: snapshot.prompts.length, resourceTemplates: snapshot.resourceTemplates.length, resources: snapshot.resources?.length ?? 0 },
      auth,
      ...(extra?.probe ? { authProbe: extra.probe.steps } : {}),
      ...(extra?.manifest ? { manifest: extra.manifest.status, manifestDetail: extra.manifest.detail } : {}),
      drift: extra?.drift ?? 'not-checked',
      tier: tier.tier,
      tierReason: tier.reason,
      findings: mine.length,
      maxSeverity: maxOf(mine),
    };
  }
  const servers = slots.filter((s) => s !== undefined);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, kept.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const blocking = atOrAbove(kept, options.failOn).length;
  const exitCode = failure?.exitCode ?? (blocking > 0 ? ExitCode.ToolError : ExitCode.Ok);
  return {
    findings: kept,
    servers,
    summary: {
      servers: set.targets.length,
      scanned: listed.length,
      failed: set.targets.length - listed.length,
      findings: kept.length,
      bySeverity,
      failOn: options.failOn,
      atOrAboveFailOn: blocking,
      lockfile: options.lock?.path ?? null,
      exitCode,
    },
    ...(failure ? { failure } : {}),
  };
}
