/**
 * mcpkit's reference servers as the cold-start jobs start them: over stdio from their committed bins (what
 * `npx mcpkit-<name>` runs), each with the arguments it needs in a scratch directory, and the CLI target.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './contenders.mjs';

const NODE = process.execPath;
const bin = (name) => join(ROOT, 'servers', name, 'bin', `mcpkit-${name}.js`);

/** `args(dir)` gives a server its command line; `dir` is a scratch directory made for the job. */
export const REFERENCE_SERVERS = [
  { id: 'everything', args: () => [] },
  // The directory it may serve: the scratch directory, empty.
  { id: 'filesystem', args: (dir) => [dir] },
  // An empty file is an empty SQLite database; the server opens it read-only.
  { id: 'sqlite', args: (dir) => [join(dir, 'empty.db')] },
  { id: 'weather', args: () => [] },
  // Started without GITHUB_TOKEN (see dropEnv below): tools/list makes no API request, and the bench never
  // hands a server a credential.
  { id: 'github', args: () => [], dropEnv: ['GITHUB_TOKEN'] },
].map((s) => ({ ...s, dist: join(ROOT, 'servers', s.id, 'dist', 'bin.js'), spec: (dir) => ({ command: NODE, args: [bin(s.id), ...s.args(dir)], dropEnv: s.dropEnv ?? [] }) }));

/** `mcpkit list` runs against this server: the one with a bit of everything, a realistic first listing. */
export const CLI_TARGET = 'everything';

/** The CLI as `npx mcpkit` ends up running it (npx's own package lookup is not timed). */
export const CLI = { command: NODE, args: [join(ROOT, 'packages', 'cli', 'bin', 'mcpkit.js')] };

/** Runs `fn(dir)` with a fresh scratch directory holding `empty.db`, removed afterwards. */
export async function withScratch(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-bench-cold-'));
  try {
    writeFileSync(join(dir, 'empty.db'), '');
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
