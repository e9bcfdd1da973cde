/**
 * The server a command talks to: `-- COMMAND ARGS...` (stdio), `--url URL` (Streamable HTTP) or
 * `--config FILE --server NAME` (an entry of a host's configuration file).
 * @module
 */
import type { Command } from 'commander';
import type { HttpAuthProvider } from '@mcpkit/client';
import { type ServerConfig, loadHostConfig } from '@mcpkit/host';
import { storedLoginAuth } from './auth/stored-auth.js';
import { usageError } from './failure.js';

/** The target options as commander collects them. */
export interface TargetOptions {
  url?: string;
  header?: string[];
  bearer?: string;
  apiKey?: string;
  /** Whether `$MCPKIT_API_KEY` stands in for a missing --api-key. Default true; `install` turns it off (it would write the key to a file). */
  apiKeyFromEnv?: boolean;
  config?: string;
  server?: string;
  env?: string[];
}

export type Target =
  | {
      kind: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string | undefined;
      /**
       * A command typed after `--` runs as the shell would run it, with this process's whole environment; a
       * configuration entry gets what its host would give it: a short allow-list plus the entry's own env.
       */
      inheritEnv: boolean;
    }
  | {
      kind: 'http' | 'sse';
      url: string;
      headers: Record<string, string>;
      /** The tokens of `mcpkit login` for this server, when it has no credentials of its own. */
      auth?: HttpAuthProvider | undefined;
    };

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds the target options to a command; `config: false` leaves out `--config`/`--server`. */
export function addTargetOptions(command: Command, { config = true, gateway = false } = {}): Command {
  command
    .option('--url <url>', 'a Streamable HTTP server, e.g. http://127.0.0.1:3000/mcp')
    .option('--header <header>', 'an HTTP header "Name: value" for --url (repeatable)', collect)
    .option('--bearer <token>', 'send "Authorization: Bearer TOKEN" with --url')
    .option('--api-key <key>', 'send "X-API-Key: KEY" with --url (an mcpkit gateway key; default: $MCPKIT_API_KEY)');
  if (config) {
    command
      .option(
        '--config <file>',
        gateway
          ? "a host's configuration file (Claude Desktop, Claude Code, VS Code, Cursor) or a gateway mcp.yaml (.yaml/.yml): every server in it"
          : "a host's configuration file (Claude Desktop, Claude Code, VS Code, Cursor)",
      )
      .option('--server <name>', gateway ? 'only this server of --config' : 'the server entry to use from --config (needed when the file has several)');
  }
  command.option('-e, --env <KEY=VALUE>', 'an environment variable for a stdio server (repeatable)', collect);
  return command;
}

/** Parses `Name: value`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw usageError(`--header ${JSON.stringify(text)} is not "Name: value"`, 'write it as --header "X-Api-Key: secret"');
  }
  return [name, text.slice(colon + 1).trim()];
}

/** Parses `KEY=VALUE`. */
export function parseEnvVar(text: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw usageError(`--env ${JSON.stringify(text)} is not KEY=VALUE`, 'write it as --env API_KEY=secret');
  }
  return [key, text.slice(eq + 1)];
}

/** The HTTP headers `--header`, `--bearer` and `--api-key` (or `$MCPKIT_API_KEY`) ask for. */
export function headersFrom(options: TargetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of options.header ?? []) {
    const [name, value] = parseHeader(h);
    headers[name] = value;
  }
  if (options.bearer !== undefined) headers.Authorization = `Bearer ${options.bearer}`;
  const fromEnv = options.bearer === undefined && options.apiKeyFromEnv !== false ? process.env.MCPKIT_API_KEY : undefined;
  const apiKey = options.apiKey ?? fromEnv;
  if (apiKey !== undefined && apiKey !== '') headers['X-API-Key'] = apiKey;
  return headers;
}

const TARGET_HINT = 'give the server as `-- COMMAND ARGS...`, `--url URL` or `--config FILE --server NAME`';

/** The remote or stdio target the user typed; a `--config` target is resolved by {@link resolveTarget}. */
function directTarget(options: TargetOptions, stdio: string[] | undefined): Target | undefined {
  const envVars = Object.fromEntries((options.env ?? []).map(parseEnvVar));
  if (stdio !== undefined) {
    const [command, ...args] = stdio;
    if (command === undefined || command === '') throw usageError('nothing follows `--`', 'put the server command after it: `-- node server.js`');
    if (options.header?.length || options.bearer !== undefined || options.apiKey !== undefined) {
      throw usageError('--header, --bearer and --api-key apply to --url, not to a stdio command');
    }
    return { kind: 'stdio', command, args, env: envVars, inheritEnv: true };
  }
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw usageError(`--url ${JSON.stringify(options.url)} is not a URL`, 'write the full address, e.g. http://127.0.0.1:3000/mcp');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http: or https:, not ${url.protocol}`);
    if (options.env?.length) throw usageError('--env applies to a stdio server (`-- COMMAND`), not to --url');
    return withStoredLogin({ kind: 'http', url: url.href, headers: headersFrom(options) });
  }
  return undefined;
}

/** Checks that exactly one way of naming the server was used. */
export function checkOneTarget(options: TargetOptions, stdio: string[] | undefined): void {
  const given = [stdio !== undefined && '`-- COMMAND`', options.url !== undefined && '--url', options.config !== undefined && '--config'].filter(Boolean);
  if (given.length > 1) throw usageError(`give one server, not ${given.join(' and ')}`, TARGET_HINT);
  if (given.length === 0) {
    if (options.server !== undefined) throw usageError('--server needs --config FILE to say where the server is defined');
    throw usageError('no server given', TARGET_HINT);
  }
  if (options.server !== undefined && options.config === undefined) throw usageError('--server needs --config FILE');
}

/** Picks the entry named by `--server` (or the only one). */
function pickEntry(file: string, servers: ServerConfig[], name: string | undefined): ServerConfig {
  const names = servers.map((s) => s.name);
  if (name === undefined) {
    if (servers.length === 1) return servers[0]!;
    throw usageError(`${file} defines ${servers.length === 0 ? 'no servers' : `${servers.length} servers`}; say which one with --server NAME`, names.length ? `servers: ${names.join(', ')}` : undefined);
  }
  const found = servers.find((s) => s.name === name);
  if (!found) throw usageError(`${file} has no server named ${JSON.stringify(name)}`, names.length ? `servers: ${names.join(', ')}` : 'the file defines no servers');
  return found;
}

/**
 * The target the options describe.
 * @throws CliError (exit 2) for missing, conflicting or malformed options; ConfigError for a bad config file.
 */
export async function resolveTarget(options: TargetOptions, stdio: string[] | undefined): Promise<Target> {
  checkOneTarget(options, stdio);
  const direct = directTarget(options, stdio);
  if (direct) return direct;
  const file = options.config!;
  return targetOfEntry(pickEntry(file, await loadHostConfig(file), options.server), options);
}

/**
 * The target of one host-config entry, with the user's `--env` (stdio) or `--header`/`--bearer`/`--api-key` (remote).
 * @throws CliError (exit 2) for options that do not fit the entry's transport.
 */
export function targetOfEntry(entry: ServerConfig, options: TargetOptions): Target {
  const envVars = Object.fromEntries((options.env ?? []).map(parseEnvVar));
  if (entry.transport === 'stdio') {
    if (options.header?.length || options.bearer !== undefined) throw usageError(`--header and --bearer apply to a remote server; ${JSON.stringify(entry.name)} is a stdio server`);
    return { kind: 'stdio', command: entry.command, args: entry.args, env: { ...entry.env, ...envVars }, cwd: entry.cwd, inheritEnv: false };
  }
  if (options.env?.length) throw usageError(`--env applies to a stdio server; ${JSON.stringify(entry.name)} is a remote server`);
  return withStoredLogin({ kind: entry.transport, url: entry.url, headers: { ...entry.headers, ...headersFrom(options) } });
}

/**
 * Adds the tokens `mcpkit login` stored for the server, unless the command carries credentials of its own
 * (--bearer, --api-key or $MCPKIT_API_KEY, an Authorization --header, or the config entry's headers).
 * @throws CliError (exit 2) for an unreadable token file.
 */
function withStoredLogin(target: Extract<Target, { kind: 'http' | 'sse' }>): Target {
  const own = Object.keys(target.headers).some((name) => ['authorization', 'x-api-key'].includes(name.toLowerCase()));
  if (own) return target;
  const auth = storedLoginAuth(target.url);
  return auth ? { ...target, auth } : target;
}

/** How a target is named in messages: the command line, or the URL. */
export function describeTarget(target: Target): string {
  if (target.kind !== 'stdio') return target.url;
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `\`${[target.command, ...target.args].map(quote).join(' ')}\``;
}
