/**
 * `mcpkit lock TARGET`: pin what each server defines now in `mcp.lock.json`; `mcpkit lock --check TARGET`: fail
 * (exit 1) when a server drifted from the lockfile or is not in it, explaining each change field by field.
 * @module
 */
import type { Command } from 'commander';
import { type DriftReport, type LockedSigner, compareServer, digestServer, emptyLockfile, explainDrift, pinServer } from '@mcpkit/trust';
import { CliError, ExitCode, usageError } from '../failure.js';
import { printJson } from '../output/io.js';
import type { CommandContext, ConnectionOptions } from '../session.js';
import { readKeys } from '../trust/keys.js';
import { approver, lockedEntry, readLockfile, writeLockfile } from '../trust/lockfile-io.js';
import { TRUST_TARGETS_HELP, addLockfileOption, addTrustTargetOptions, verdictAction } from '../trust/options.js';
import { listEach } from '../trust/snapshot.js';
import { type TrustTargetOptions, lockfilePath, resolveTargets } from '../trust/targets.js';

interface LockOptions extends ConnectionOptions, TrustTargetOptions {
  check?: boolean;
  lockfile?: string;
  by?: string;
  jwks?: string;
  issuer?: string;
}

const LOCK_EXIT_CODES_HELP = `Exit codes:
  0    written (lock), or every server matches the lockfile (lock --check)
  1    lock --check: a server drifted from the lockfile or is not in it (each change is printed)
  2    usage error: bad arguments, unusable config file or lockfile
  3    a server could not be started or reached
  4    a server broke the protocol while being listed
  70   mcpkit itself failed unexpectedly (a bug; never 1)
  130  interrupted (Ctrl-C)`;

async function lock(ctx: CommandContext, options: LockOptions): Promise<void> {
  const set = await resolveTargets(options, ctx.stdio, ctx.io);
  const path = lockfilePath(options.lockfile, set);
  if (options.lockfile === undefined && set.gateway?.trust?.pins === 'store') {
    // The file is imported only into a database that never held pins; say so rather than let the edit look applied.
    ctx.io.err(`note: ${set.configFile ?? 'this mcp.yaml'} keeps the gateway's pins in its database (trust.pins: store); ${path} is read by a database that has no pins yet, once. Change pins there with mcpkit trust approve|revoke --config.\n`);
  }
  const existing = await readLockfile(path);
  if (options.check && (options.by !== undefined || options.jwks !== undefined)) throw usageError('--by, --jwks and --issuer apply when writing the lockfile, not with --check');
  if ((options.jwks === undefined) !== (options.issuer === undefined)) throw usageError('--jwks and --issuer go together: the keys, and the identity they sign for');
  if (options.jwks !== undefined && set.targets.length > 1) throw usageError('--jwks and --issuer pin the signer of one server', 'add --server NAME');
  const signer = options.jwks === undefined ? undefined : { issuer: options.issuer!, keys: (await readKeys(options.jwks)) as unknown as NonNullable<LockedSigner['keys']> };
  let next = existing ?? emptyLockfile();
  const reports: DriftReport[] = [];
  const pinned: string[] = [];
  const by = options.check ? '' : approver(options.by);
  const listings = await listEach(ctx, set.targets, options);
  const failed = listings.find((l) => !l.ok);
  if (failed !== undefined && !failed.ok) throw failed.error;
  for (const listing of listings) {
    if (!listing.ok) continue;
    const { snapshot } = listing.listed;
    const digests = await digestServer(snapshot);
    const report = compareServer(existing === undefined ? undefined : lockedEntry(existing, snapshot.name), snapshot, digests);
    reports.push(report);
    // A new signer is a change of what is approved even when the definitions are the same.
    if (!options.check && (report.status !== 'unchanged' || signer !== undefined)) {
      next = pinServer(next, digests, snapshot, { by, signer });
      pinned.push(snapshot.name);
    }
  }
  const drifted = reports.filter((r) => r.status !== 'unchanged');
  if (options.json) {
    printJson(ctx.io, { lockfile: path, check: options.check === true, servers: reports.map((r) => ({ name: r.server, status: r.status, digest: r.digest.current, report: r })) });
  } else {
    for (const r of reports) ctx.io.out(`${explainDrift(r)}\n`);
    if (signer !== undefined) ctx.io.out(`  signer: ${signer.issuer} (${signer.keys.length} key${signer.keys.length === 1 ? '' : 's'})\n`);
  }
  if (options.check) {
    if (drifted.length === 0) {
      if (!options.json) ctx.io.out(`${path}: ${reports.length} server${reports.length === 1 ? '' : 's'} match the lockfile\n`);
      return;
    }
    const missing = existing === undefined ? ` (${path} does not exist)` : '';
    throw new CliError(
      ExitCode.ToolError,
      `${drifted.length} of ${reports.length} server${reports.length === 1 ? '' : 's'} drifted from the lockfile or are not in it${missing}: ${drifted.map((r) => r.server).join(', ')}`,
      'review the changes above; approve them with `mcpkit lock` (whole servers) or `mcpkit trust approve SERVER [ITEM]`',
    );
  }
  if (pinned.length === 0 && existing !== undefined) {
    if (!options.json) ctx.io.out(`${path}: unchanged\n`);
    return;
  }
  await writeLockfile(path, next);
  if (!options.json) ctx.io.out(`${path}: pinned ${pinned.join(', ') || 'nothing new'} (approved by ${by})\n`);
}

export function lockCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('lock')
    .description('pin the digests of every tool, prompt and resource template of the target servers in mcp.lock.json; --check fails on drift')
    .usage('[--check] [options] TARGET');
  addTrustTargetOptions(command);
  addLockfileOption(command);
  command
    .option('--check', 'write nothing; exit 1 when a server drifted from the lockfile or is not in it, explaining each change')
    .option('--by <name>', 'who approves (default: the OS user name)')
    .option('--jwks <file>', "also pin the signer of the server's manifest: its public keys (a JWKS or one JWK)")
    .option('--issuer <id>', 'the identity the pinned signer signs for (with --jwks)')
    .addHelpText(
      'after',
      `
lock pins each server that is new or changed (the changes are printed first) and leaves the rest as they are,
including servers of the lockfile that are not among the targets. The file is written atomically.

${TRUST_TARGETS_HELP}

Examples:
  mcpkit lock --config .mcp.json
  mcpkit lock --check --config mcp.yaml
  mcpkit lock --lockfile ci/mcp.lock.json --name weather -- node servers/weather/bin/mcpkit-weather.js

${LOCK_EXIT_CODES_HELP}
`,
    )
    .action(verdictAction((options: LockOptions) => lock(ctx, options)));
}
