/**
 * The servers a trust command (scan, lock, trust, sign) works on: one typed target (`-- COMMAND`, `--url`), or every
 * server of a host configuration or of a gateway `mcp.yaml` (`--config`, optionally narrowed by `--server`).
 * @module
 */
import { extname, resolve } from 'node:path';
import { type ServerConfig, loadHostConfig } from '@mcpkit/host';
import type { GatewayConfig, UpstreamEntry } from '@mcpkit/gateway';
import { loadConfigOrFail } from '../commands/gateway.js';
import { usageError } from '../failure.js';
import { type Io, warn } from '../output/io.js';
import { type Target, type TargetOptions, checkOneTarget, headersFrom, parseEnvVar, resolveTarget, targetOfEntry } from '../target.js';

/** One server to work on; `name` is the lockfile's name for it (undefined: its `serverInfo.name`, once connected). */
export interface NamedTarget {
  name: string | undefined;
  target: Target;
}

export interface TargetSet {
  targets: NamedTarget[];
  /** The `--config` file, when the servers came from one. */
  configFile?: string | undefined;
  /** The gateway config, when `--config` was an `mcp.yaml`. */
  gateway?: GatewayConfig | undefined;
}

export interface TrustTargetOptions extends TargetOptions {
  /** The lockfile name of a typed target (`-- COMMAND` or `--url`). */
  name?: string;
}

/** Whether `file` is a gateway config (by its extension) rather than a host's JSON config. */
export function isGatewayConfig(file: string): boolean {
  return ['.yaml', '.yml'].includes(extname(file).toLowerCase());
}

function gatewayTarget(entry: UpstreamEntry, options: TargetOptions, io: Io): Target {
  if (entry.transport === 'stdio') {
    const env = { ...entry.env, ...Object.fromEntries((options.env ?? []).map(parseEnvVar)) };
    return { kind: 'stdio', command: entry.command, args: entry.args, env, cwd: entry.cwd, inheritEnv: false };
  }
  // The gateway fetches OAuth tokens for such upstreams itself; the CLI connects with the configured headers only.
  if (entry.auth.type !== 'none') warn(io, `${entry.name}: upstream auth "${entry.auth.type}" is the gateway's to perform; connecting with its headers (and --header/--bearer) only`);
  return { kind: 'http', url: entry.url, headers: { ...entry.headers, ...headersFrom(options) } };
}

/** A host entry's target: the user's `--env` goes to stdio entries, `--header`/`--bearer`/`--api-key` to remote ones. */
function hostTarget(entry: ServerConfig, options: TargetOptions): Target {
  const { env, header, bearer, apiKey } = options;
  return entry.transport === 'stdio' ? targetOfEntry(entry, { ...(env ? { env } : {}) }) : targetOfEntry(entry, { header, bearer, apiKey });
}

function pick<T extends { name: string }>(file: string, entries: T[], server: string | undefined): T[] {
  if (server === undefined) {
    if (entries.length === 0) throw usageError(`${file} defines no servers`);
    return entries;
  }
  const found = entries.filter((e) => e.name === server);
  if (found.length === 0) throw usageError(`${file} has no server named ${JSON.stringify(server)}`, `servers: ${entries.map((e) => e.name).join(', ') || '(none)'}`);
  return found;
}

/**
 * The servers the options name.
 * @throws CliError (exit 2) for missing, conflicting or malformed options or an unusable config file.
 */
export async function resolveTargets(options: TrustTargetOptions, stdio: string[] | undefined, io: Io): Promise<TargetSet> {
  checkOneTarget(options, stdio);
  if (options.config === undefined) {
    const target = await resolveTarget(options, stdio);
    return { targets: [{ name: options.name, target }] };
  }
  if (options.name !== undefined) throw usageError('--name applies to `-- COMMAND` or --url; a --config server is known by its name in the file');
  const file = options.config;
  if (isGatewayConfig(file)) {
    const gateway = await loadConfigOrFail(file);
    const entries = pick(file, Object.values(gateway.servers), options.server);
    return { targets: entries.map((e) => ({ name: e.name, target: gatewayTarget(e, options, io) })), configFile: file, gateway };
  }
  const all = await loadHostConfig(file);
  // A server the host has switched off is left out of "every server", but can still be named with --server.
  const entries = pick(file, options.server === undefined ? all.filter((e) => e.disabled !== true) : all, options.server);
  return { targets: entries.map((e) => ({ name: e.name, target: hostTarget(e, options) })), configFile: file };
}

/** The lockfile to use: `--lockfile`, else the gateway's `trust.lockfile`, else `mcp.lock.json` in the working directory. */
export function lockfilePath(explicit: string | undefined, set: Pick<TargetSet, 'gateway'>): string {
  if (explicit !== undefined) return resolve(explicit);
  return set.gateway?.trust?.lockfile ?? resolve('mcp.lock.json');
}
