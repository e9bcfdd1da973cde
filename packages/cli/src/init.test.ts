/**
 * `mcpkit init DIR`: the scaffold's files, refusal of a non-empty folder, and (slow) a full install, build
 * and test of the scaffold against this checkout's packages through `file:` links.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, run, runCli } from './testing/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILES = ['package.json', 'tsconfig.json', 'src/index.ts', 'src/index.test.ts', 'README.md', '.gitignore'];

describe('mcpkit init', () => {
  it('creates a TypeScript server project that depends on the registry packages', async () => {
    const project = join(dir, 'Weather Bot');
    const r = await runCli(['init', project]);
    expect(r.code, r.stderr).toBe(0);
    for (const file of FILES) expect(existsSync(join(project, file)), file).toBe(true);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, Record<string, string> & string>;
    expect(pkg.name).toBe('weather-bot');
    expect(pkg.type).toBe('module');
    // Issue 13: the packages the scaffold imports, and the CLI its README runs, at the versions this CLI came with.
    const version = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as { version: string }).version;
    expect(pkg.dependencies!['@mcpkit/server']).toBe(`^${version('server')}`);
    expect(pkg.devDependencies!['@mcpkit/client']).toBe(`^${version('client')}`);
    expect(pkg.devDependencies!.mcpkit).toBe(`^${version('cli')}`);
    expect(pkg.scripts!.test).toContain('node --test');
    const tsconfig = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext', outDir: 'dist' });
    const index = readFileSync(join(project, 'src', 'index.ts'), 'utf8');
    expect(index).toContain("server.tool(\n  'greet'");
    expect(index).toContain("name: \"weather-bot\"");
    expect(readFileSync(join(project, 'src', 'index.test.ts'), 'utf8')).toContain("from 'node:test'");
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toMatch(/^# weather-bot\n/);
    expect(r.stdout).toContain('Created weather-bot');
    expect(r.stdout).toContain('npm install');
  });

  it('takes --name, and refuses an invalid one', async () => {
    const ok = await runCli(['init', join(dir, 'named'), '--name', '@acme/tools-server']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'named', 'package.json'), 'utf8'))).toMatchObject({ name: '@acme/tools-server', bin: { 'tools-server': './dist/index.js' } });
    const bad = await runCli(['init', join(dir, 'bad'), '--name', 'Not Valid']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a valid npm package name');
  });

  it('refuses a non-empty folder (exit 2) and leaves it alone', async () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'notes.txt'), 'mine');
    const r = await runCli(['init', full]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${full} is not empty (it has notes.txt)`);
    expect(existsSync(join(full, 'package.json'))).toBe(false);
  });

  it('takes an existing empty folder, and refuses a server command after --', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect((await runCli(['init', empty])).code).toBe(0);
    const r = await runCli(['init', join(dir, 'other'), '--', 'node']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('init takes no server command');
  });

  it(
    'scaffolds a project that installs (from this checkout, via --mcpkit-path), builds and passes its own test',
    async () => {
      const project = join(dir, 'full-scaffold');
      const init = await runCli(['init', project, '--mcpkit-path', ROOT]);
      expect(init.code, init.stderr).toBe(0);
      const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
      expect(pkg.dependencies['@mcpkit/server']).toBe(`file:${join(ROOT, 'packages', 'server')}`);
      expect(pkg.devDependencies.mcpkit).toBe(`file:${join(ROOT, 'packages', 'cli')}`);
      // The mcpkit packages are local links; typescript, zod and @types/node come from npm's cache when they can.
      const env = cleanEnv();
      const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env, timeoutMs: 240_000 });
      expect(install.code, install.stderr).toBe(0);
      const build = await run('npm', ['run', 'build'], { cwd: project, env, timeoutMs: 120_000 });
      expect(build.code, build.stdout + build.stderr).toBe(0);
      expect(existsSync(join(project, 'dist', 'index.js'))).toBe(true);
      const test = await run('npm', ['test'], { cwd: project, env, timeoutMs: 120_000 });
      expect(test.code, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/# pass 1\b/);
      // And the project's own mcpkit (its devDependency, as its README runs it) talks to what was scaffolded.
      const call = await run('npx', ['mcpkit', 'call', 'greet', '{"name": "Ada"}', '--', 'node', 'dist/index.js'], { cwd: project, env: { ...env, npm_config_offline: 'true' }, timeoutMs: 60_000 });
      expect(call).toMatchObject({ code: 0, stdout: 'Hello, Ada!\n' });
    },
    480_000,
  );
});
