/**
 * How `mcpkit dev` and `mcpkit run` start a server file: plain `node` for JavaScript, `node --import <tsx>` for
 * TypeScript, and what to tell the user so they can start it the same way from a host or another terminal.
 * @module
 */
import { statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { usageError } from '../failure.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/** The server file to run, and the command line that runs it. */
export interface ServerFile {
  /** The absolute path of the file. */
  path: string;
  /** The directory whose tree `dev` watches. */
  dir: string;
  /** `node`'s own arguments before the file: the TypeScript loader, when needed. */
  nodeArgs: string[];
  /** The arguments after the file, passed through to the server. */
  serverArgs: string[];
}

/**
 * tsx's full entry, resolved from this package so that the server's own project need not install it. The full
 * entry (not `tsx/esm`) hooks both `import` and `require`: a `.ts` file in a CommonJS package, or one with no
 * package.json at all, is loaded through require and fails under the ESM hook alone.
 */
export function typescriptLoader(): string {
  return import.meta.resolve('tsx');
}

/**
 * Checks the file and works out how to run it.
 * @throws CliError (exit 2) when it does not exist or is not a .ts/.js file.
 */
export function serverFile(file: string, serverArgs: string[]): ServerFile {
  const path = resolve(file);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw usageError(`${file}: no such file`, 'give the path of your server, e.g. `mcpkit dev src/server.ts`');
  }
  if (!isFile) throw usageError(`${file} is not a file`, 'give the path of your server, e.g. `mcpkit dev src/server.ts`');
  const ext = extname(path).toLowerCase();
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) throw usageError(`${file}: expected a TypeScript or JavaScript file (.ts, .mts, .cts, .tsx, .js, .mjs, .cjs)`);
  return { path, dir: dirname(path), nodeArgs: TYPESCRIPT.has(ext) ? ['--import', typescriptLoader()] : [], serverArgs };
}

/** The arguments to give `node` (process.execPath) to run the server. */
export function nodeArguments(server: ServerFile): string[] {
  return [...server.nodeArgs, server.path, ...server.serverArgs];
}

/** A word as a POSIX shell reads it back. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A name for the server in a host config: the file's name, or its folder's for `index.ts`, `server.ts`, `main.ts`. */
export function serverName(server: ServerFile): string {
  const stem = basename(server.path, extname(server.path));
  const name = ['index', 'server', 'main', 'bin'].includes(stem) ? basename(dirname(server.path)) : stem;
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';
}

/** What to paste to reach the server: an `mcpkit list` line and a host-config entry (stdio), or the URL. */
export function connectHint(server: ServerFile, url: string | undefined): string {
  const args = nodeArguments(server);
  if (url !== undefined) return `Connect to it:\n  mcpkit list --url ${url}\n`;
  const entry = { mcpServers: { [serverName(server)]: { command: 'node', args } } };
  return (
    `Connect to it (stdio):\n  mcpkit list -- node ${args.map(shellQuote).join(' ')}\n` +
    `Host config (Claude Desktop, Cursor, .mcp.json):\n${JSON.stringify(entry, null, 2).replace(/^/gm, '  ')}\n`
  );
}
