/**
 * Packs the publishable workspaces and installs the tarballs into a fresh project without the network: the
 * project gets a package-lock.json made from the repository's own, so npm needs nothing but tarballs it already
 * holds in its cache (`npm ci` in the repository put them there) and never asks the registry for metadata.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  type?: string;
  sideEffects?: boolean | string[];
  repository?: { type?: string; url?: string; directory?: string };
  engines?: Record<string, string>;
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** One `npm pack --json` result: the tarball and what is in it. */
export interface Packed {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: Array<{ path: string }>;
  /** Added here: the workspace folder, relative to the repository root. */
  dir: string;
  manifest: Manifest;
}

type LockEntry = Record<string, unknown> & { link?: boolean; dependencies?: Record<string, string> };

export const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** npm without the settings of an npm run that may have started vitest (workspace, prefix, …). */
export function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** The root package.json's workspaces that are published (not private), in its order. */
export function publishedWorkspaces(root: string): string[] {
  const { workspaces } = readJson<{ workspaces: string[] }>(join(root, 'package.json'));
  return workspaces.filter((dir) => existsSync(join(root, dir, 'package.json')) && !readJson<Manifest>(join(root, dir, 'package.json')).private);
}

export function packWorkspaces(root: string, dirs: string[], dest: string): Packed[] {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest, ...dirs.map((d) => `./${d}`)], { cwd: root, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const packed = JSON.parse(out) as Packed[];
  return packed.map((p, i) => ({ ...p, dir: dirs[i]!, manifest: readJson<Manifest>(join(root, dirs[i]!, 'package.json')) }));
}

/** Where `name` resolves from the lock path `from`, the way Node walks up node_modules folders. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up >= 0 ? base.slice(0, up) : '';
  }
}

const edges = (entry: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> }) => [
  ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
  ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
  ...Object.keys(entry.peerDependencies ?? {}).map((name) => ({ name, optional: true })),
];

/**
 * Writes `project/package.json` depending on every tarball (and on `extra` packages, e.g. zod for the README
 * example) and a package-lock.json whose third-party entries are the repository lock's, laid out the same way.
 * @throws Error naming a dependency the repository's lock does not have (run `npm install` in the repository).
 */
export function writeOfflineProject(root: string, project: string, tarballs: string, packed: Packed[], extra: Record<string, string>): void {
  const repoLock = readJson<{ packages: Record<string, LockEntry> }>(join(root, 'package-lock.json')).packages;
  const ours = new Map(packed.map((p) => [p.name, p]));
  const moved = (path: string) => {
    const home = packed.find((p) => path.startsWith(`${p.dir}/`));
    return home ? `node_modules/${home.name}/${path.slice(home.dir.length + 1)}` : path;
  };
  const lock: Record<string, LockEntry> = {};
  const queue: Array<{ from: string; deps: ReturnType<typeof edges> }> = [];
  const rootDeps: Record<string, string> = { ...extra };
  for (const p of packed) {
    const spec = `file:${relative(project, join(tarballs, p.filename))}`;
    rootDeps[p.name] = spec;
    const { dependencies, optionalDependencies, peerDependencies, bin, engines, license } = p.manifest;
    lock[`node_modules/${p.name}`] = { version: p.version, resolved: spec, integrity: p.integrity, license, dependencies, optionalDependencies, peerDependencies, bin, engines };
    queue.push({ from: p.dir, deps: edges(p.manifest) });
  }
  queue.push({ from: '', deps: Object.keys(extra).map((name) => ({ name, optional: false })) });
  while (queue.length) {
    const { from, deps } = queue.shift()!;
    for (const { name, optional } of deps) {
      if (ours.has(name)) continue;
      const at = resolveIn(repoLock, from, name);
      if (!at) {
        if (optional) continue;
        throw new Error(`${name} (needed from ${from || 'the project'}) is not in package-lock.json: run npm install in the repository`);
      }
      const target = moved(at);
      if (lock[target]) continue;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repoLock[at]!;
      if (entry.link) throw new Error(`${name} resolves to a workspace link (${String(entry.resolved)}) but is not packed`);
      lock[target] = entry;
      queue.push({ from: at, deps: edges(entry) });
    }
  }
  mkdirSync(project, { recursive: true });
  const manifest = { name: 'mcpkit-packaging-check', version: '0.0.0', private: true, type: 'module', dependencies: rootDeps };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const packages = { '': { name: manifest.name, version: manifest.version, dependencies: rootDeps }, ...lock };
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}
