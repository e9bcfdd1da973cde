// Issue 10: the runtime image's file tree, rehearsed without Docker. Each stage's steps run here in scratch
// folders, read from the Dockerfile: the manifests stage's RUN (its /manifests moved to a scratch folder), the
// deps stage's `npm ci` (against the npm cache or registry), the build stage's runtime-tree.mjs over this
// checkout's build (the build itself is `npm test`'s), and the runtime stage's COPYs; then the ENTRYPOINT runs
// from that tree alone. A runtime that misses a package, a schema file or a production dependency fails here.
// Two steps differ from the image, both named below: better-sqlite3's binary is copied from this checkout's
// node_modules instead of `npm rebuild` (same Node, same machine; compiling takes minutes on 2 cores), and the
// stage's `npm cache clean --force` is not run (it would empty this machine's npm cache).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT, dockerfileInstructions, execForm, read } from './support.js';
import type { Instruction } from './support.js';

const instructions = dockerfileInstructions();
const stageOf = (name: string) => instructions.find((i) => i.keyword === 'FROM' && new RegExp(`\\bAS\\s+${name}$`, 'i').test(i.args))!.stage;
const MANIFESTS = stageOf('manifests');
const DEPS = stageOf('deps');
const BUILD = stageOf('build');
const FINAL = Math.max(...instructions.map((i) => i.stage));
const workdir = (stage: number) => instructions.filter((i) => i.stage === stage && i.keyword === 'WORKDIR').at(-1)!.args;

/** COPY's flags, sources and destination. */
function copyOf(i: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = i.args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const rest = words.filter((w) => !w.startsWith('--'));
  return { ...(from ? { from } : {}), sources: rest.slice(0, -1), dest: rest.at(-1)! };
}

/** Docker's COPY for one source: a folder's contents into dest; a file into dest/ or onto dest. */
function copyInto(source: string, dest: string): void {
  const target = statSync(source).isDirectory() || !dest.endsWith('/') ? dest : join(dest, source.split('/').at(-1)!);
  mkdirSync(statSync(source).isDirectory() ? target : dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true, verbatimSymlinks: true });
}

/** The steps of a stage's RUN instructions, split at &&. */
const steps = (stage: number) =>
  instructions
    .filter((x) => x.stage === stage && x.keyword === 'RUN')
    .flatMap((x) => x.args.split('&&'))
    .map((s) => s.trim());

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the runtime image tree, rehearsed from the Dockerfile without Docker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-image-'));
  const deps = join(dir, 'deps'); // the deps stage's WORKDIR
  const image = join(dir, 'image'); // the runtime image's /
  let installFailure: string | undefined;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    // manifests: the stage's RUN as written, reading this checkout, writing a scratch folder for /manifests.
    const manifests = join(dir, 'manifests');
    const collect = instructions.find((x) => x.stage === MANIFESTS && x.keyword === 'RUN')!.args;
    const collected = spawnSync('sh', ['-c', collect.replaceAll('/manifests', manifests)], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(collected.status, collected.stderr).toBe(0);
    // build: runtime-tree.mjs over this checkout's build, /runtime moved to a scratch folder.
    const runtime = join(dir, 'runtime');
    const tree = steps(BUILD).find((s) => s.startsWith('node deploy/docker/runtime-tree.mjs'))!;
    const laid = spawnSync('sh', ['-c', tree.replace(' /runtime ', ` ${runtime} `)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(laid.status, laid.stderr).toBe(0);

    // deps: its COPYs, then its npm ci as written (plus --prefer-offline).
    const source = (from: string | undefined, s: string): string => {
      if (from === 'manifests') return join(manifests, s.slice('/manifests'.length));
      if (from === 'deps') return join(deps, s.slice(workdir(DEPS).length));
      if (from === 'build') return s.startsWith('/runtime') ? join(runtime, s.slice('/runtime'.length)) : join(ROOT, s.slice(workdir(BUILD).length));
      return join(ROOT, s);
    };
    mkdirSync(deps);
    for (const i of instructions.filter((x) => x.stage === DEPS && x.keyword === 'COPY')) {
      const { from, sources, dest } = copyOf(i);
      for (const s of sources) copyInto(source(from, s), join(deps, dest) + (dest.endsWith('/') ? '/' : ''));
    }
    const ci = steps(DEPS).find((s) => s.startsWith('npm ci '))!;
    const installed = spawnSync('npm', [...ci.split(/\s+/).slice(1), '--prefer-offline'], { cwd: deps, encoding: 'utf8', timeout: 240_000 });
    if (installed.status !== 0) {
      installFailure = `${installed.stderr}${installed.error?.message ?? ''}`;
      return;
    }
    // `npm rebuild better-sqlite3` in the image; here the binary this checkout's install built.
    expect(steps(DEPS)).toContain('npm rebuild better-sqlite3');
    cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(deps, 'node_modules/better-sqlite3/build'), { recursive: true });
    const load = steps(DEPS).find((s) => s.startsWith('node -e'))!;
    expect(spawnSync('sh', ['-c', load], { cwd: deps, encoding: 'utf8', timeout: 30_000 }).status).toBe(0);

    // runtime: its COPYs into the image's / (relative destinations under its WORKDIR).
    const app = workdir(FINAL);
    for (const i of instructions.filter((x) => x.stage === FINAL && x.keyword === 'COPY')) {
      const { from, sources, dest } = copyOf(i);
      const destIn = join(image, dest.startsWith('/') ? dest : join(app, dest)) + (dest.endsWith('/') ? '/' : '');
      for (const s of sources) {
        expect(existsSync(source(from, s)), `line ${i.line}: ${s}`).toBe(true);
        copyInto(source(from, s), destIn);
      }
    }
  }, 300_000);

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lays out the published files of the CLI, the demo upstream and the workspaces they depend on', (ctx) => {
    if (installFailure !== undefined) ctx.skip(); // the install test says why
    for (const ws of [
      'packages/cli',
      'packages/gateway',
      'packages/server',
      'packages/client',
      'packages/protocol',
      'packages/trust',
      'servers/everything',
    ]) {
      expect(existsSync(join(image, 'app', ws, 'package.json')), ws).toBe(true);
      expect(existsSync(join(image, 'app', ws, 'dist')), `${ws}/dist`).toBe(true);
    }
    expect(existsSync(join(image, 'app/packages/gateway/schema/mcp.schema.json'))).toBe(true);
    expect(existsSync(join(image, 'app/packages/cli/bin/mcpkit.js'))).toBe(true);
    // Not what npm publishes (present in the checkout, absent from the image): tests, test harnesses, build
    // info, the servers nothing here runs.
    for (const path of [
      'packages/gateway/src/config/load.test.ts',
      'packages/gateway/src/store/test-support',
      'packages/gateway/tsconfig.tsbuildinfo',
      'servers/github',
    ]) {
      expect(existsSync(join(ROOT, path)), `${path} in the checkout`).toBe(true);
      expect(existsSync(join(image, 'app', path)), `${path} in the image`).toBe(false);
    }
  });

  it('installs production dependencies only: no TypeScript, vitest or test SDKs', (ctx) => {
    if (installFailure?.match(/ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|network/i)) ctx.skip(); // no registry and no cache
    expect(installFailure).toBeUndefined();
    // (@types/pg and @types/better-sqlite3 are dependencies of @mcpkit/gateway: its published .d.ts name their types.)
    for (const dev of ['typescript', 'vitest', '@modelcontextprotocol/sdk', 'json-schema-to-typescript'])
      expect(existsSync(join(deps, 'node_modules', dev)), dev).toBe(false);
    for (const prod of ['better-sqlite3', 'pg', 'yaml', 'commander', 'ajv']) expect(existsSync(join(deps, 'node_modules', prod)), prod).toBe(true);
  });

  it('serves and stops from the image tree alone, with the ENTRYPOINT as written', async (ctx) => {
    if (installFailure !== undefined) ctx.skip();
    const port = await freePort();
    const state = join(image, 'var/lib/mcpkit');
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const doc = parseDocument(read('deploy/docker/mcp.yaml'));
    doc.setIn(['listen', 'host'], '127.0.0.1');
    doc.setIn(['listen', 'port'], port);
    const inImage = (text: string) => text.replaceAll('/app/', `${image}/app/`).replaceAll('/var/lib/mcpkit', state);
    const config = join(image, 'etc/mcpkit/mcp.yaml');
    expect(existsSync(config), 'the runtime stage copies the default config').toBe(true);
    writeFileSync(config, inImage(doc.toString()));

    let argv = execForm(instructions.filter((i) => i.stage === FINAL && i.keyword === 'ENTRYPOINT').at(-1)!.args).map((a) =>
      a === '/etc/mcpkit/mcp.yaml' ? config : inImage(a),
    );
    if (argv[0] === '/usr/bin/tini' && !existsSync(argv[0])) argv = argv.slice(argv.indexOf('--') + 1);
    let stderr = '';
    child = spawn(argv[0]!, argv.slice(1), {
      cwd: join(image, 'app'),
      env: { PATH: process.env.PATH, NODE_ENV: 'production', MCPKIT_API_KEY: randomBytes(32).toString('hex') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child!.on('exit', (code, signal) => resolve({ code, signal })),
    );

    const deadline = Date.now() + 30_000;
    let ready = 0;
    while (Date.now() < deadline && ready !== 200 && child.exitCode === null) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((r) => setTimeout(r, 150));
    }
    expect(ready, stderr).toBe(200);
    child.kill('SIGTERM');
    expect(await exited, stderr).toEqual({ code: 0, signal: null });
    expect(existsSync(join(state, 'audit.db'))).toBe(true);
  }, 60_000);
});
