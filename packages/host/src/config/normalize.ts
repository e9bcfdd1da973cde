/**
 * Turns one server entry of a host configuration file into a {@link ServerConfig}, checking each field and
 * expanding variables where the format has them.
 * @module
 */
import { type ConfigLocation, configError } from './config-error.js';
import type { ServerConfig } from './types.js';

/** Expands the variables in one value (identity for formats without variables). */
export type Expand = (value: string, at: ConfigLocation) => Promise<string>;

/** What differs between formats, as far as one entry is concerned. */
export interface EntryRules {
  /** Whether the format has remote servers (`url`); Claude Desktop's file has only local processes. */
  remote: boolean;
  expand: Expand;
  /** Variables from the entry's `envFile` (VS Code), below `env`. */
  envFile?: (path: string, at: ConfigLocation) => Promise<Record<string, string>>;
}

const TYPES = ['stdio', 'http', 'sse'] as const;
type EntryType = (typeof TYPES)[number];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Normalizes one entry. Unknown fields are ignored, since every host adds its own.
 * @throws ConfigError `MCPKIT_CONFIG_INVALID` naming the server and the field.
 */
export async function normalizeEntry(file: string, name: string, entry: unknown, rules: EntryRules): Promise<ServerConfig> {
  const at = (field?: string): ConfigLocation => (field === undefined ? { file, server: name } : { file, server: name, field });
  if (!isObject(entry)) throw configError(at(), 'must be an object');
  const type = entryType(entry, rules, at);
  const disabled = entry.disabled;
  if (disabled !== undefined && typeof disabled !== 'boolean') throw configError(at('disabled'), 'must be true or false');
  const config = type === 'stdio' ? await stdioEntry(name, entry, rules, at) : await remoteEntry(name, type, entry, rules, at);
  if (disabled !== undefined) config.disabled = disabled;
  return config;
}

function entryType(entry: Record<string, unknown>, rules: EntryRules, at: (field?: string) => ConfigLocation): EntryType {
  const type = entry.type;
  if (type !== undefined) {
    if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
      throw configError(at('type'), `unknown type ${JSON.stringify(type)} (expected "stdio", "http" or "sse")`);
    }
    if (type !== 'stdio' && !rules.remote) throw configError(at('type'), `type ${JSON.stringify(type)} is not supported in this file; only local (stdio) servers are`);
    return type as EntryType;
  }
  if (entry.command !== undefined || !rules.remote) return 'stdio';
  if (entry.url !== undefined) return 'http';
  throw configError(at(), 'needs "command" (a local server) or "url" (a remote one)');
}

async function stdioEntry(name: string, entry: Record<string, unknown>, rules: EntryRules, at: (field?: string) => ConfigLocation): Promise<ServerConfig> {
  if (entry.command === undefined) throw configError(at('command'), 'missing (a stdio server needs a command to run)');
  const command = await rules.expand(nonEmptyString(entry.command, at('command')), at('command'));
  if (command === '') throw configError(at('command'), 'is empty after variable expansion');
  const args: string[] = [];
  if (entry.args !== undefined) {
    if (!Array.isArray(entry.args)) throw configError(at('args'), 'must be an array of strings');
    for (const [i, arg] of entry.args.entries()) {
      if (typeof arg !== 'string') throw configError(at(`args[${i}]`), 'must be a string');
      args.push(await rules.expand(arg, at(`args[${i}]`)));
    }
  }
  let env: Record<string, string> = {};
  if (entry.envFile !== undefined && rules.envFile) {
    const path = await rules.expand(nonEmptyString(entry.envFile, at('envFile')), at('envFile'));
    env = { ...(await rules.envFile(path, at('envFile'))) };
  }
  Object.assign(env, await stringMap(entry.env, 'env', rules, at));
  const config: ServerConfig = { name, transport: 'stdio', command, args, env };
  if (entry.cwd !== undefined) config.cwd = await rules.expand(nonEmptyString(entry.cwd, at('cwd')), at('cwd'));
  return config;
}

async function remoteEntry(
  name: string,
  transport: 'http' | 'sse',
  entry: Record<string, unknown>,
  rules: EntryRules,
  at: (field?: string) => ConfigLocation,
): Promise<ServerConfig> {
  if (entry.url === undefined) throw configError(at('url'), `missing (an ${transport} server needs a URL)`);
  const url = await rules.expand(nonEmptyString(entry.url, at('url')), at('url'));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw configError(at('url'), `${JSON.stringify(url)} is not a valid URL`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw configError(at('url'), `${JSON.stringify(url)} is not an http or https URL`);
  }
  const headers = await stringMap(entry.headers, 'headers', rules, at);
  return { name, transport, url, headers };
}

function nonEmptyString(value: unknown, at: ConfigLocation): string {
  if (typeof value !== 'string' || value === '') throw configError(at, 'must be a non-empty string');
  return value;
}

async function stringMap(
  value: unknown,
  field: 'env' | 'headers',
  rules: EntryRules,
  at: (field?: string) => ConfigLocation,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  if (!isObject(value)) throw configError(at(field), 'must be an object of strings');
  for (const [key, v] of Object.entries(value)) {
    // A number or boolean would be a guess at formatting; the hosts themselves want strings here.
    if (typeof v !== 'string') throw configError(at(`${field}.${key}`), `must be a string, not ${v === null ? 'null' : typeof v}`);
    out[key] = await rules.expand(v, at(`${field}.${key}`));
  }
  return out;
}
