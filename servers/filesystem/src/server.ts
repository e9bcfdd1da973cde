/**
 * `createFilesystemServer()`: the filesystem server as an McpServer, ready for any transport.
 * @module
 */
import { McpServer } from '@mcpkit/server';
import { type AllowedDirectory, loadAllowedDirectories } from './access/allowed.js';
import { DirectoryAccess } from './access/directory-access.js';
import { DEFAULT_LIMITS, type FilesystemLimits } from './limits.js';
import { registerInfoTools } from './tools/info.js';
import type { ToolEnv } from './tools/kit.js';
import { registerListTools } from './tools/list.js';
import { registerReadTools } from './tools/read.js';
import { registerWriteTools } from './tools/write.js';

/** Options of {@link createFilesystemServer}. */
export interface FilesystemServerOptions {
  /**
   * Directories the tools may touch. Each is made absolute (against the working directory), `~`-expanded
   * and realpath'd once, now. When empty or absent, each call uses the client's roots instead.
   */
  directories?: readonly string[];
  /**
   * How long one HTTP session's roots are reused before the client is asked again. Default 2000 ms; 0 never.
   * This bounds how long a root the client removed stays usable: the HTTP handler gives no hook for
   * `notifications/roots/list_changed`. Connections without a session id (stdio, stateless) are never cached.
   */
  rootsCacheMs?: number;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<FilesystemLimits>;
  /** Where operator diagnostics go (skipped roots, unexpected failures). Default: stderr. */
  warn?: (message: string) => void;
}

/** The server and what its owner may need besides it. */
export interface FilesystemServer {
  readonly server: McpServer;
  /** The command-line directories as loaded, or empty in roots mode. */
  readonly directories: readonly AllowedDirectory[];
}

const VERSION = '0.1.0';

/**
 * Builds the filesystem server.
 * @throws FsToolError `NOT_FOUND` / `WRONG_TYPE` when a directory is missing or not a directory.
 * @example
 * const { server } = await createFilesystemServer({ directories: ['./project'] });
 * await serveStdio(server);
 */
export async function createFilesystemServer(options: FilesystemServerOptions = {}): Promise<FilesystemServer> {
  const warn = options.warn ?? ((message: string) => console.error(`mcpkit-filesystem: ${message}`));
  const directories = await loadAllowedDirectories(options.directories ?? []);
  const access = new DirectoryAccess(directories, options.rootsCacheMs ?? 2_000, warn);
  const limits: FilesystemLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = new McpServer(
    { name: 'mcpkit-filesystem', version: VERSION, title: 'mcpkit filesystem' },
    {
      instructions:
        'Reads and writes files inside the allowed directories only (call list_allowed_directories to see them). ' +
        'Relative paths are taken relative to the first allowed directory. Symbolic links that lead outside are refused.',
    },
  );
  const env: ToolEnv = { access, limits, warn };
  registerReadTools(server, env);
  registerWriteTools(server, env);
  registerListTools(server, env);
  registerInfoTools(server, env);
  return { server, directories };
}
