#!/usr/bin/env node
// Lays out in OUT what the runtime image needs of this workspace: for every workspace the named ones depend on
// (production dependencies, transitively, themselves included), the files `npm pack` would publish, unpacked in
// the workspace's own folder. The image ships what the packages ship, and a new dependency between workspaces
// needs no edit of the Dockerfile. Run from the repository root after `npm run build`:
//
//   node deploy/docker/runtime-tree.mjs /runtime packages/cli servers/everything
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [out, ...roots] = process.argv.slice(2);
if (!out || roots.length === 0) {
  console.error('usage: node deploy/docker/runtime-tree.mjs OUT WORKSPACE...');
  process.exit(2);
}
const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const dirOf = new Map(manifest('.').workspaces.map((dir) => [manifest(dir).name, dir]));
const needed = new Set(roots);
for (const dir of needed) {
  for (const dep of Object.keys(manifest(dir).dependencies ?? {})) if (dirOf.has(dep)) needed.add(dirOf.get(dep));
}

const packs = mkdtempSync(join(tmpdir(), 'mcpkit-runtime-tree-'));
try {
  // --ignore-scripts: everything is built already; a pack must not build again.
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', packs, ...[...needed].flatMap((dir) => ['-w', dir])];
  for (const packed of JSON.parse(execFileSync('npm', args, { encoding: 'utf8' }))) {
    const dir = dirOf.get(packed.name);
    const dest = join(resolve(out), dir);
    mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', join(packs, packed.filename), '-C', dest, '--strip-components=1']);
    console.log(`${dir}: ${packed.entryCount} files`);
  }
} finally {
  rmSync(packs, { recursive: true, force: true });
}
