/**
 * Reads a host configuration file from disk (and the `envFile`s it names) and parses it.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { parseHostConfig } from './parse-config.js';
import type { HostConfigOptions, ServerConfig } from './types.js';

/**
 * Loads the MCP servers of a Claude Desktop, Claude Code, VS Code or Cursor configuration file. A relative
 * `envFile` is read from the workspace folder when one is given, else from the configuration file's folder.
 * @throws ConfigError `MCPKIT_CONFIG_INVALID` when the file cannot be read or is invalid (see {@link parseHostConfig}).
 * @example
 * const servers = await loadHostConfig('.vscode/mcp.json', {
 *   workspaceFolder: process.cwd(),
 *   resolveInput: async (input) => ask(input.description ?? input.id),
 * });
 */
export async function loadHostConfig(path: string, options: HostConfigOptions = {}): Promise<ServerConfig[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${path}: cannot read the file: ${why}`, { file: path }, { cause: error });
  }
  const base = options.workspaceFolder ?? dirname(resolve(path));
  return parseHostConfig(text, {
    ...options,
    path,
    readEnvFile: (file) => readFile(isAbsolute(file) ? file : resolve(base, file), 'utf8'),
  });
}
