/**
 * Parses the MCP server lists of Claude Desktop, Claude Code, VS Code and Cursor configuration files into
 * normalized {@link ServerConfig}s. No file access: text in, configs out.
 * @module
 */
import { type ConfigLocation, ConfigError, configError } from './config-error.js';
import { parseEnvFile } from './env-file.js';
import { parseConfigText } from './json-text.js';
import { type EntryRules, type Expand, normalizeEntry } from './normalize.js';
import type { HostConfigFormat, HostConfigInput, ParseHostConfigOptions, ServerConfig } from './types.js';
import { type VsCodeVariables, expandShellStyle, expandVsCodeStyle } from './variables.js';

interface FormatRules {
  /** VS Code reads its files as JSONC; Cursor, a VS Code fork, edits its `mcp.json` in the same JSONC editor. */
  jsonc: boolean;
  key: 'mcpServers' | 'servers';
  remote: boolean;
  variables: 'none' | 'shell' | 'vscode';
}

const RULES: Record<HostConfigFormat, FormatRules> = {
  'claude-desktop': { jsonc: false, key: 'mcpServers', remote: false, variables: 'none' },
  'claude-code': { jsonc: false, key: 'mcpServers', remote: true, variables: 'shell' },
  vscode: { jsonc: true, key: 'servers', remote: true, variables: 'vscode' },
  cursor: { jsonc: true, key: 'mcpServers', remote: true, variables: 'none' },
};

/** The format a file name implies: `claude_desktop_config.json`, `.mcp.json`, `.vscode/mcp.json`, `.cursor/mcp.json`. */
export function formatFromPath(path: string): HostConfigFormat | undefined {
  const parts = path.split(/[\\/]+/);
  const base = parts[parts.length - 1];
  const dir = parts[parts.length - 2];
  if (base === 'claude_desktop_config.json') return 'claude-desktop';
  if (base === '.mcp.json') return 'claude-code';
  if (base === 'mcp.json' && dir === '.vscode') return 'vscode';
  if (base === 'mcp.json' && dir === '.cursor') return 'cursor';
  return undefined;
}

/** The format a document's shape implies: `servers` is VS Code's key; `mcpServers` is read as Claude Code's, the most general. */
function formatFromShape(document: unknown): HostConfigFormat | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  if ('servers' in document && !('mcpServers' in document)) return 'vscode';
  if ('mcpServers' in document) return 'claude-code';
  return undefined;
}

/**
 * Parses a host configuration file's text.
 * @throws ConfigError `MCPKIT_CONFIG_INVALID` for a syntax error (with line:column), a bad entry (naming the
 *   server and field), an unresolvable variable, or a document whose format cannot be told.
 * @example
 * const servers = await parseHostConfig('{"mcpServers":{"fs":{"command":"npx","args":["-y","fs-server"]}}}', { path: 'claude_desktop_config.json' });
 */
export async function parseHostConfig(text: string, options: ParseHostConfigOptions): Promise<ServerConfig[]> {
  const file = options.path;
  const named = options.format ?? formatFromPath(file);
  const document = parseConfigText(text, file, named === undefined ? true : RULES[named].jsonc);
  const format = named ?? formatFromShape(document);
  if (format === undefined) {
    throw new ConfigError(`${file}: cannot tell which host's format this is: expected a "mcpServers" or "servers" object`, { file });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError(`${file}: the document must be a JSON object`, { file });
  }
  const rules = RULES[format];
  const top = document as Record<string, unknown>;
  const servers = top[rules.key];
  if (servers === undefined) {
    const other = rules.key === 'servers' ? 'mcpServers' : 'servers';
    if (top[other] !== undefined) {
      throw configError({ file, field: other }, `this ${format} file lists its servers under "${rules.key}", not "${other}"`);
    }
    return [];
  }
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw configError({ file, field: rules.key }, 'must be an object of named server entries');
  }
  const entryRules: EntryRules = { remote: rules.remote, expand: expander(rules, top, options) };
  if (format === 'vscode') entryRules.envFile = (path, at) => readEnvFile(path, at, options);
  const out: ServerConfig[] = [];
  // In file order and one at a time, so that prompts for `${input:…}` come in a predictable order.
  for (const [name, entry] of Object.entries(servers)) out.push(await normalizeEntry(file, name, entry, entryRules));
  return out;
}

function expander(rules: FormatRules, top: Record<string, unknown>, options: ParseHostConfigOptions): Expand {
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  if (rules.variables === 'shell') return async (value, at) => expandShellStyle(value, env, at);
  if (rules.variables === 'none') return async (value) => value;
  const vars: VsCodeVariables = {
    env,
    workspaceFolder: options.workspaceFolder,
    inputs: declaredInputs(options.path, top.inputs),
    resolveInput: options.resolveInput,
    answers: new Map(),
  };
  return (value, at) => expandVsCodeStyle(value, vars, at);
}

function declaredInputs(file: string, inputs: unknown): Map<string, HostConfigInput> {
  const out = new Map<string, HostConfigInput>();
  if (inputs === undefined) return out;
  if (!Array.isArray(inputs)) throw configError({ file, field: 'inputs' }, 'must be an array');
  for (const [i, input] of inputs.entries()) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw configError({ file, field: `inputs[${i}]` }, 'must be an object');
    const { id, type } = input as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw configError({ file, field: `inputs[${i}].id` }, 'must be a non-empty string');
    if (typeof type !== 'string') throw configError({ file, field: `inputs[${i}].type` }, 'must be a string such as "promptString"');
    if (out.has(id)) throw configError({ file, field: `inputs[${i}].id` }, `input ${JSON.stringify(id)} is declared twice`);
    out.set(id, input as HostConfigInput);
  }
  return out;
}

async function readEnvFile(path: string, at: ConfigLocation, options: ParseHostConfigOptions): Promise<Record<string, string>> {
  if (!options.readEnvFile) throw configError(at, 'an envFile can only be read with loadHostConfig or a readEnvFile option');
  let text: string;
  try {
    text = await options.readEnvFile(path);
  } catch (error) {
    throw configError(at, `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parseEnvFile(text);
}
