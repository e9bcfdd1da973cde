// Enforces the layering in DESIGN.md: imports point down only (protocol ← server/client ← cli), the protocol
// package imports no `node:` module and no dependency, trust imports no `node:` module and only jose, and the
// root entry of server/client pulls in no `node:`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
/** workspace dir → mcpkit packages it may import */
const allowed = {
  'packages/protocol': [],
  'packages/server': ['@mcpkit/protocol'],
  'packages/client': ['@mcpkit/protocol'],
  'packages/trust': ['@mcpkit/protocol'],
  'packages/redis': ['@mcpkit/protocol', '@mcpkit/server'],
  'packages/gateway': ['@mcpkit/protocol', '@mcpkit/server', '@mcpkit/client', '@mcpkit/trust', '@mcpkit/redis'],
  'packages/inspector': ['@mcpkit/protocol', '@mcpkit/client', '@mcpkit/trust'],
  'packages/host': ['@mcpkit/protocol', '@mcpkit/client', '@mcpkit/trust'],
  'packages/cli': ['@mcpkit/protocol', '@mcpkit/server', '@mcpkit/client', '@mcpkit/trust', '@mcpkit/gateway', '@mcpkit/inspector', '@mcpkit/host', 'mcpkit'],
};
// Reference servers are users of the server SDK only (DESIGN.md's layer table).
for (const name of readdirSync(join(root, 'servers'))) allowed[`servers/${name}`] = ['@mcpkit/server'];
/** third-party packages a workspace may import (protocol: none) */
const thirdParty = { 'packages/protocol': [], 'packages/trust': ['jose'] };
const nodeFree = ['packages/protocol/src', 'packages/trust/src'];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !/test-support|testing/.test(p)) yield p;
  }
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const [ws, mayImport] of Object.entries(allowed)) {
  const src = join(root, ws, 'src');
  try {
    statSync(src);
  } catch {
    continue;
  }
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      const rel = relative(root, file);
      if (spec.startsWith('.')) continue;
      if (spec.startsWith('node:')) {
        if (nodeFree.some((d) => rel.startsWith(d))) problems.push(`${rel}: imports ${spec}, but ${ws} must run on any runtime`);
        continue;
      }
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (pkg.startsWith('@mcpkit/') || pkg === 'mcpkit') {
        if (!mayImport.includes(pkg)) problems.push(`${rel}: imports ${pkg}; ${ws} may import only ${mayImport.join(', ') || 'nothing from mcpkit'}`);
      } else if (thirdParty[ws] && !thirdParty[ws].includes(pkg)) {
        problems.push(`${rel}: imports ${pkg}; ${ws} may depend only on ${thirdParty[ws].join(", ") || "nothing"}`);
      }
    }
  }
}
// The root entries of server (and later client) must not pull in node: modules, transitively.
function reachesNode(entry, seen = new Set()) {
  if (seen.has(entry)) return undefined;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('node:')) return `${relative(root, entry)} imports ${spec}`;
    if (spec.startsWith('.')) {
      const next = join(entry, '..', spec.replace(/\.js$/, '.ts'));
      const found = reachesNode(next, seen);
      if (found) return found;
    }
  }
  return undefined;
}
for (const ws of ['packages/server', 'packages/client']) {
  const entry = join(root, ws, 'src', 'index.ts');
  try {
    statSync(entry);
  } catch {
    continue;
  }
  const hit = reachesNode(entry);
  if (hit) problems.push(`${ws} root entry must stay runtime-neutral (Node-only code belongs in ./node): ${hit}`);
}
if (problems.length) {
  console.error(`layering: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layering: ok');
