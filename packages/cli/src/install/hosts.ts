/**
 * The MCP hosts `mcpkit install` writes to: where each keeps its server list and the shape of an entry there.
 * @module
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JsonObject } from '@mcpkit/protocol';
import { usageError } from '../failure.js';

export const HOSTS = ['claude-desktop', 'claude-code', 'vscode', 'cursor'] as const;
export type HostName = (typeof HOSTS)[number];

/** The server to add, as the user gave it. */
export type ServerSpec =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { kind: 'http'; url: string; headers: Record<string, string> };

export interface Host {
  readonly name: HostName;
  readonly title: string;
  /** The key of the server map: VS Code's own `servers`, everyone else's `mcpServers`. */
  readonly key: 'mcpServers' | 'servers';
  /** Whether the host reads the file as JSONC (comments, trailing commas), as VS Code and Cursor do. */
  readonly jsonc: boolean;
  /** Whether the default file is global (per user) rather than in the project. */
  readonly global: (project: boolean) => boolean;
  /** The entry to write. @throws CliError (exit 2) when the host cannot run such a server. */
  entry(server: ServerSpec): JsonObject;
  /** The file the host reads, on this machine. */
  path(where: { cwd: string; project: boolean; env: Record<string, string | undefined> }): string;
  /** What to do after the file is written. */
  readonly next: string;
}

function stdioEntry(server: Extract<ServerSpec, { kind: 'stdio' }>, type: boolean): JsonObject {
  const entry: JsonObject = type ? { type: 'stdio' } : {};
  entry.command = server.command;
  entry.args = server.args;
  if (Object.keys(server.env).length) entry.env = server.env;
  return entry;
}

function httpEntry(server: Extract<ServerSpec, { kind: 'http' }>, type: boolean): JsonObject {
  const entry: JsonObject = type ? { type: 'http' } : {};
  entry.url = server.url;
  if (Object.keys(server.headers).length) entry.headers = server.headers;
  return entry;
}

/** Claude Desktop's folder: per platform, as the app itself places it. */
function claudeDesktopDir(env: Record<string, string | undefined>): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Claude');
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Claude');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Claude');
}

const HOST_TABLE: Record<HostName, Host> = {
  'claude-desktop': {
    name: 'claude-desktop',
    title: 'Claude Desktop',
    key: 'mcpServers',
    jsonc: false,
    global: () => true,
    entry: (server) => {
      if (server.kind !== 'stdio') {
        throw usageError("Claude Desktop's configuration file only starts local (stdio) servers", "add a remote server in Claude Desktop's own settings, or install it into claude-code, vscode or cursor");
      }
      return stdioEntry(server, false);
    },
    path: ({ env }) => join(claudeDesktopDir(env), 'claude_desktop_config.json'),
    next: 'restart Claude Desktop to load it',
  },
  'claude-code': {
    name: 'claude-code',
    title: 'Claude Code',
    key: 'mcpServers',
    jsonc: false,
    global: () => false,
    entry: (server) => (server.kind === 'stdio' ? stdioEntry(server, true) : httpEntry(server, true)),
    path: ({ cwd }) => resolve(cwd, '.mcp.json'),
    next: 'start Claude Code in this project; it asks before using servers from .mcp.json',
  },
  vscode: {
    name: 'vscode',
    title: 'VS Code',
    key: 'servers',
    jsonc: true,
    global: () => false,
    entry: (server) => (server.kind === 'stdio' ? stdioEntry(server, true) : httpEntry(server, true)),
    path: ({ cwd }) => resolve(cwd, '.vscode', 'mcp.json'),
    next: 'VS Code picks it up from .vscode/mcp.json (MCP: List Servers shows it)',
  },
  cursor: {
    name: 'cursor',
    title: 'Cursor',
    key: 'mcpServers',
    jsonc: true,
    global: (project) => !project,
    entry: (server) => (server.kind === 'stdio' ? stdioEntry(server, false) : httpEntry(server, false)),
    path: ({ cwd, project }) => (project ? resolve(cwd, '.cursor', 'mcp.json') : join(homedir(), '.cursor', 'mcp.json')),
    next: "enable it in Cursor's MCP settings if it is not on already",
  },
};

/** The host called `name`. @throws CliError (exit 2) for an unknown one. */
export function hostNamed(name: string): Host {
  const host = (HOST_TABLE as Record<string, Host | undefined>)[name];
  if (!host) throw usageError(`unknown client ${JSON.stringify(name)}`, `choose one of ${HOSTS.join(', ')}`);
  return host;
}
