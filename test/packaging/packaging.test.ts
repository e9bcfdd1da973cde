/**
 * Issue 13, "Installable outside the clone": every published workspace is packed with `npm pack`, the tarballs
 * are installed together into a fresh project with `npm ci --offline`, and that project compiles and runs the
 * README's server and client examples, imports every `exports` entry with its types, and runs `mcpkit --help`
 * and a reference server's bin. The workspaces are the root package.json's non-private ones: a new server is
 * covered as soon as it is listed there.
 *
 * Needs a build (`npm run build`): it packs what is in each dist/. MCPKIT_KEEP_PACKAGING=1 keeps the temporary
 * project (its path starts with mcpkit-packaging- in the temp folder) for a look after a failure.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Manifest, type Packed, npmEnv, packWorkspaces, publishedWorkspaces, readJson, writeOfflineProject } from './offline-install.js';
import { isBuiltin, isCode, packageOf, reachable, resolveRelative, specifiers } from './shipped-files.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspaces = publishedWorkspaces(root);
const work = mkdtempSync(join(tmpdir(), 'mcpkit-packaging-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let packed: Packed[] = [];

/** Bare specifiers that are text, not imports: `mcpkit init` holds the scaffold's source in a template string. */
const TEXT_ONLY: Record<string, string[]> = { mcpkit: ['zod'] };
const FORBIDDEN = [/\.test\.[cm]?[jt]s/, /(?:^|\/)test-support(?:\/|\.)/, /(?:^|\/)testing\//, /(?:^|\/)fixtures\//, /\.tsbuildinfo$/];

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // npm_config_offline: a bin missing from the project fails here instead of npx fetching a package by that name.
    const child = spawn(command, args, { cwd: project, env: { ...npmEnv(), npm_config_offline: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The ```ts block that follows `<!-- readme-example: FILE -->` in the root README. */
function readmeExample(file: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = new RegExp(`<!-- readme-example: ${file.replace(/[.]/g, '\\.')} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  if (!block) throw new Error(`README.md has no ts block marked readme-example: ${file}`);
  return block;
}

const tsBlocks = (markdown: string): string[] => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const shippedOf = (p: Packed) => new Set(p.files.map((f) => f.path));
const installed = (p: Packed) => join(project, 'node_modules', p.name);
/** `exports` entries with a JavaScript target: subpath → conditions. */
const codeExports = (m: Manifest) => Object.entries(m.exports ?? {}).filter((e): e is [string, Record<string, string>] => typeof e[1] !== 'string');
const importSpec = (name: string, subpath: string) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`);

beforeAll(() => {
  for (const dir of workspaces) {
    if (!existsSync(join(root, dir, 'dist'))) throw new Error(`${dir}/dist is missing: run npm run build first`);
  }
  mkdirSync(tarballs, { recursive: true });
  packed = packWorkspaces(root, workspaces, tarballs);
  const rootDev = readJson<Manifest>(join(root, 'package.json')).devDependencies ?? {};
  // zod for the README's server example, @types/node for `process` in the examples: what a user would add.
  writeOfflineProject(root, project, tarballs, packed, { zod: rootDev.zod!, '@types/node': rootDev['@types/node']! });
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, 'src', 'hello-server.ts'), readmeExample('examples/hello-server.ts'));
  writeFileSync(join(project, 'src', 'hello-client.ts'), readmeExample('examples/hello-client.ts'));
  for (const p of packed) {
    const readme = join(root, p.dir, 'README.md');
    tsBlocks(existsSync(readme) ? readFileSync(readme, 'utf8') : '').forEach((code, i) => {
      writeFileSync(join(project, 'src', `readme-${p.name.replace(/\W+/g, '-')}-${i}.ts`), `export {};\n${code}`);
    });
  }
  const imports = packed.flatMap((p) => codeExports(p.manifest).map(([subpath]) => importSpec(p.name, subpath)));
  writeFileSync(
    join(project, 'src', 'exports-check.ts'),
    `${imports.map((spec, i) => `import * as m${i} from '${spec}';`).join('\n')}\nconsole.log(JSON.stringify([${imports.map((_, i) => `Object.keys(m${i}).length`).join(', ')}]));\n`,
  );
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, rootDir: 'src', outDir: 'dist', types: ['node'], skipLibCheck: false };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }, null, 2));
  // Offline: only the lock's tarballs, from npm's cache. No install scripts: ours have none, and better-sqlite3's
  // native build (a minute of compiling) is not what this checks; nothing here opens a SQLite database.
  try {
    execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env: npmEnv(), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const hint = stderr.includes('ENOTCACHED') ? ' (a tarball of package-lock.json is not in npm\'s cache: run npm ci in the repository first)' : '';
    throw new Error(`npm ci --offline failed${hint}:\n${stderr}`, { cause: error });
  }
}, 90_000);

afterAll(() => {
  if (!process.env.MCPKIT_KEEP_PACKAGING) rmSync(work, { recursive: true, force: true });
});

describe.each(workspaces)('%s as packed', (dir) => {
  const pkg = () => packed.find((p) => p.dir === dir)!;

  it('has the metadata a registry page and an installer need', () => {
    const { manifest: m, version } = pkg();
    expect(m.name).toMatch(/^(?:@mcpkit\/[a-z0-9-]+|mcpkit)$/);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.license).toBe('MIT');
    expect(m.description?.length).toBeGreaterThan(20);
    expect(m.repository).toMatchObject({ type: 'git', directory: dir });
    expect(m.type).toBe('module');
    expect(m.engines?.node).toMatch(/^>=\s*20(?:\.\d+)*$/);
    if (m.exports && Object.keys(m.exports).some((k) => k !== './package.json')) expect(m.sideEffects, 'sideEffects').toBeDefined();
    // Siblings by a real semver range of the sibling's version, never `*` or `file:`.
    for (const kind of ['dependencies', 'devDependencies'] as const) {
      for (const [name, range] of Object.entries(m[kind] ?? {})) {
        const sibling = packed.find((p) => p.name === name);
        if (sibling) expect(range, `${kind}.${name}`).toBe(`^${sibling.version}`);
      }
    }
    const both = Object.keys(m.dependencies ?? {}).filter((d) => d in (m.devDependencies ?? {}));
    expect(both, 'both a dependency and a devDependency').toEqual([]);
  });

  it('ships its README, LICENSE and bins, and no tests, test harnesses or fixtures', () => {
    const p = pkg();
    const shipped = shippedOf(p);
    expect(shipped.has('README.md') && shipped.has('LICENSE'), 'README.md and LICENSE').toBe(true);
    // A `testing/` folder behind a public `./testing` export is a product (e.g. @mcpkit/host's LLM double), not a harness.
    const publicTesting = p.manifest.exports !== undefined && './testing' in p.manifest.exports;
    const forbidden = (f: string) => FORBIDDEN.some((re) => re.test(f) && !(publicTesting && re.source.includes('testing') && /^(?:dist|src)\/testing\//.test(f)));
    expect([...shipped].filter(forbidden)).toEqual([]);
    for (const [name, target] of Object.entries(p.manifest.bin ?? {})) {
      const file = target.replace(/^\.\//, '');
      expect(shipped.has(file), `bin ${name}`).toBe(true);
      expect(readFileSync(join(installed(p), file), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    }
  });

  it('has an exports map that resolves for ESM with types (types first, a .d.ts per subpath, no require-only entry)', () => {
    const p = pkg();
    const shipped = shippedOf(p);
    expect(p.manifest.exports?.['./package.json']).toBe('./package.json');
    for (const [subpath, target] of Object.entries(p.manifest.exports ?? {})) {
      if (typeof target === 'string') {
        expect(shipped.has(target.replace(/^\.\//, '')), `${subpath} → ${target}`).toBe(true);
        continue;
      }
      const conditions = Object.keys(target);
      expect(conditions[0], `${subpath}: types first`).toBe('types');
      expect(conditions, `${subpath}: an import condition`).toContain('import');
      expect(target.types, `${subpath}: types`).toMatch(/\.d\.ts$/);
      expect(target.import, `${subpath}: import`).toMatch(/\.js$/);
      expect(target.types!.replace(/\.d\.ts$/, ''), `${subpath}: types beside the code`).toBe(target.import!.replace(/\.js$/, ''));
      for (const condition of conditions) expect(shipped.has(target[condition]!.replace(/^\.\//, '')), `${subpath}.${condition}`).toBe(true);
    }
  });

  it('ships every file its modules import, and declares every package they import', () => {
    const p = pkg();
    const shipped = shippedOf(p);
    const declared = new Set([...Object.keys(p.manifest.dependencies ?? {}), ...Object.keys(p.manifest.peerDependencies ?? {}), ...(TEXT_ONLY[p.name] ?? [])]);
    const missing: string[] = [];
    const used = new Set<string>();
    for (const file of [...shipped].filter((f) => isCode(f) && !f.startsWith('src/'))) {
      for (const spec of specifiers(readFileSync(join(installed(p), file), 'utf8'))) {
        if (spec.startsWith('.')) {
          if (!resolveRelative(file, spec, shipped)) missing.push(`${file} imports ${spec}, not in the tarball`);
        } else if (!isBuiltin(spec)) {
          used.add(packageOf(spec));
          if (!declared.has(packageOf(spec))) missing.push(`${file} imports ${spec}, not a dependency`);
        }
      }
    }
    expect(missing).toEqual([]);
    // `@types/x` is a dependency when shipped declarations import `x`: a consumer's compiler needs it.
    const unused = Object.keys(p.manifest.dependencies ?? {}).filter((d) => !used.has(d.replace(/^@types\/(?:([^_]+)__)?/, (_, scope?: string) => (scope ? `@${scope}/` : ''))));
    expect(unused, 'dependencies nothing imports').toEqual([]);
  });
});

describe('docs and --help', () => {
  // None of our names is on the registry yet: `npx -y mcpkit-weather` would run whatever someone publishes
  // under it, without asking. Docs run the servers from a clone or by path instead.
  it('never tell anyone to `npx -y` an mcpkit package', () => {
    const texts = [
      'README.md',
      ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' }).map((f) => join('docs', f)),
      ...workspaces.map((dir) => join(dir, 'README.md')),
      ...readdirSync(join(root, 'packages', 'cli', 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => join('packages', 'cli', 'src', f)),
    ].filter((f) => f.endsWith('.md') || f.endsWith('.ts'));
    const hits = texts.flatMap((file) => {
      const text = existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : '';
      return [...text.matchAll(/npx\s+(?:-y|--yes)\s+((?:@mcpkit\/|mcpkit)[\w@./-]*)/g)].map((m) => `${file}: npx -y ${m[1]!}`);
    });
    expect(hits).toEqual([]);
  });
});

describe('the tarballs installed together (npm ci --offline)', () => {
  it('@mcpkit/protocol: nothing reachable from its root imports a node: module or any package', () => {
    const p = packed.find((x) => x.name === '@mcpkit/protocol')!;
    const root = codeExports(p.manifest).find(([subpath]) => subpath === '.')![1];
    for (const entry of [root.import!, root.types!]) {
      const { files, external } = reachable(installed(p), entry.replace(/^\.\//, ''), shippedOf(p));
      expect(files.length).toBeGreaterThan(1);
      expect(external, entry).toEqual([]);
    }
  });

  it('the README examples (root and per package) and an import of every exports entry compile (strict, NodeNext)', async () => {
    const build = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], 60_000);
    expect(build.code, build.stdout + build.stderr).toBe(0);
  }, 120_000);

  it('every exports entry imports in Node', async () => {
    const r = await run(process.execPath, [join(project, 'dist', 'exports-check.js')]);
    expect(r.code, r.stderr).toBe(0);
    const counts = JSON.parse(r.stdout) as number[];
    expect(counts.filter((n) => n === 0), 'an entry with no exports').toEqual([]);
  }, 60_000);

  it("the README's client example drives the README's server example over stdio", async () => {
    const r = await run(process.execPath, [join(project, 'dist', 'hello-client.js'), join(project, 'dist', 'hello-server.js')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('connected: stateless era, protocol 2026-07-28');
    expect(r.stdout).toContain('Hello, Ada!');
  }, 60_000);

  it('npx mcpkit --help, and mcpkit calling a reference server through its bin', async () => {
    const help = await run('npx', ['mcpkit', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mcpkit /m);
    const call = await run('npx', ['mcpkit', 'call', 'get_weather', '{"city":"Paris"}', '--json', '--', 'npx', 'mcpkit-weather']);
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ structuredContent: { city: 'Paris' } });
  }, 120_000);
});
