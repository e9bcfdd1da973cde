/**
 * The normalized shape of an MCP server entry, whichever host's configuration file it came from.
 * @module
 */

/** A server the host starts as a child process and talks to over stdio. */
export interface StdioServerConfig {
  name: string;
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Present when the file marks the server as switched off. */
  disabled?: boolean;
}

/** A server reached over Streamable HTTP (`http`) or the deprecated HTTP+SSE transport (`sse`). */
export interface RemoteServerConfig {
  name: string;
  transport: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
  disabled?: boolean;
}

/** One server entry of a host configuration file, normalized. */
export type ServerConfig = StdioServerConfig | RemoteServerConfig;

/** The configuration files understood: Claude Desktop, Claude Code `.mcp.json`, VS Code `.vscode/mcp.json`, Cursor `mcp.json`. */
export type HostConfigFormat = 'claude-desktop' | 'claude-code' | 'vscode' | 'cursor';

/** A VS Code `inputs` entry, handed to `resolveInput` when a value references `${input:id}`. */
export interface HostConfigInput {
  /** `promptString` in VS Code's files (VS Code also knows `pickString`); passed on as written. */
  type: string;
  id: string;
  description?: string;
  password?: boolean;
  /** Any other fields of the entry (`default`, `options`, …), as written. */
  [field: string]: unknown;
}

/** How a configuration is read. */
export interface HostConfigOptions {
  /** Default: detected from the file name, then from the shape (`servers` → vscode, `mcpServers` → claude-code). */
  format?: HostConfigFormat;
  /** Variables for `${VAR}` (Claude Code) and `${env:VAR}` (VS Code). Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Answers a VS Code `${input:id}` reference (e.g. by prompting the user); asked once per input. */
  resolveInput?: (input: HostConfigInput) => Promise<string>;
  /** The value of VS Code's `${workspaceFolder}`. */
  workspaceFolder?: string;
}

/** {@link HostConfigOptions} for text already in memory. */
export interface ParseHostConfigOptions extends HostConfigOptions {
  /** Where the text came from; named in every error and used to detect the format. */
  path: string;
  /**
   * Reads a VS Code `envFile` (its path after variable expansion). `loadHostConfig` supplies one that reads
   * from disk relative to the configuration file; without it an `envFile` is an error.
   */
  readEnvFile?: (path: string) => Promise<string>;
}
