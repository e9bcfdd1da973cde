/**
 * The benign set for the scanner: this repository's reference servers and the official server-everything (and
 * server-filesystem when installed), started as real child processes and listed into `ServerSnapshot`s.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@mcpkit/client';
import Database from 'better-sqlite3';
import { StdioClientTransport } from '@mcpkit/client/node';
import type { ServerSnapshot } from '../../packages/trust/src/snapshot.js';
import { EVERYTHING_JS } from '../interop/official-servers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

export interface BenignServer {
  name: string;
  command: string;
  args: string[];
}

/** The official filesystem server's JS entry, or undefined when the package is not installed. */
function officialFilesystemJs(): string | undefined {
  try {
    const manifest = require.resolve('@modelcontextprotocol/server-filesystem/package.json');
    const { bin } = require(manifest) as { bin: string | Record<string, string> };
    const file = typeof bin === 'string' ? bin : Object.values(bin)[0];
    return file === undefined ? undefined : join(dirname(manifest), file);
  } catch {
    return undefined;
  }
}

/** The benign servers with their commands; `dir` is a scratch directory for the filesystem and sqlite servers. */
export function benignServers(dir: string): BenignServer[] {
  const node = process.execPath;
  const ours = (name: string, ...args: string[]): BenignServer => ({ name: `mcpkit-${name}`, command: node, args: [join(root, 'servers', name, 'dist', 'bin.js'), ...args] });
  const list = [
    ours('everything'),
    ours('filesystem', dir),
    ours('sqlite', join(dir, 'benign.db'), '--write'),
    ours('weather'),
    { name: 'official-everything', command: node, args: [EVERYTHING_JS, 'stdio'] },
  ];
  const fs = officialFilesystemJs();
  if (fs !== undefined) list.push({ name: 'official-filesystem', command: node, args: [fs, dir] });
  return list;
}

export const OFFICIAL_FILESYSTEM_INSTALLED = officialFilesystemJs() !== undefined;

async function orEmpty<T>(list: Promise<T[]>): Promise<T[]> {
  try {
    return await list;
  } catch {
    // The server does not offer this kind of list (no capability): nothing to scan.
    return [];
  }
}

/** Starts `server`, lists everything it defines, and closes it. */
export async function snapshotOf(server: BenignServer): Promise<ServerSnapshot> {
  const client = new Client({ name: 'mcpkit-trust-benign', version: '0.0.0' });
  const negotiated = await client.connect(new StdioClientTransport({ command: server.command, args: server.args, stderr: 'ignore' }));
  try {
    return {
      name: server.name,
      serverInfo: negotiated.serverInfo,
      instructions: negotiated.instructions,
      tools: await orEmpty(client.listTools()),
      prompts: await orEmpty(client.listPrompts()),
      resourceTemplates: await orEmpty(client.listResourceTemplates()),
      resources: await orEmpty(client.listResources()),
    };
  } finally {
    await client.close();
  }
}

/** A scratch directory, and how to remove it. */
export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-benign-'));
  // The sqlite server opens an existing database only.
  const db = new Database(join(dir, 'benign.db'));
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  db.close();
  return { dir, remove: () => existsSync(dir) && rmSync(dir, { recursive: true, force: true }) };
}
