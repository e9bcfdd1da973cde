// Issue 10: the runtime image's file tree, rehearsed without Docker. The `deps` stage's COPYs and its `npm ci`
// run in a scratch folder (against the npm cache or registry), the runtime stage's COPYs are replayed from there
// and from this checkout's build (the `build` stage's output), and the ENTRYPOINT runs from that tree alone: if
// the runtime stage misses a dist folder, a schema file or a production dependency, the gateway fails here.
// Two steps differ from the image, both named below: better-sqlite3's binary is copied from this checkout's
// node_modules instead of `npm rebuild` (same Node, same machine; compiling takes minutes on 2 cores), and the
// stage's `npm cache clean --force` is not run (it would empty this machine's npm cache).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT, dockerfileInstructions, execForm, read } from './support.js';
import type { Instruction } from './support.js';

const instructions = dockerfileInstructions();
const stageOf = (name: string) => instructions.find((i) => i.keyword === 'FROM' && new RegExp(`\\bAS\\s+${name}$`, 'i').test(i.args))!.stage;
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

/** Docker's COPY semantics for one source: a file into a folder (dest ending in /), or onto a path. */
function copyInto(source: string, dest: string): void {
  const target = dest.endsWith('/') ? join(dest, source.split('/').at(-1)!) : dest;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true, verbatimSymlinks: true });
}

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
    mkdirSync(deps);
    for (const i of instructions.filter((x) => x.stage === DEPS && x.keyword === 'COPY')) {
      const { sources, dest } = copyOf(i);
      for (const s of sources) copyInto(join(ROOT, s), dest === './' ? `${deps}/` : join(deps, dest) + (dest.endsWith('/') ? '/' : ''));
    }
    const run = instructions.find((x) => x.stage === DEPS && x.keyword === 'RUN')!;
    const steps = run.args.split('&&').map((s) => s.trim());
    const ci = steps.find((s) => s.startsWith('npm ci '))!;
    const args = ci.split(/\s+/).slice(1);
    const installed = spawnSync('npm', [...args, '--prefer-offline'], { cwd: deps, encoding: 'utf8', timeout: 240_000 });
    if (installed.status !== 0) {
      installFailure = `${installed.stderr}${installed.error?.message ?? ''}`;
      return;
    }
    // `npm rebuild better-sqlite3` in the image; here the binary this checkout's install built.
    expect(steps).toContain('npm rebuild better-sqlite3');
    cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(deps, 'node_modules/better-sqlite3/build'), { recursive: true });
    const load = steps.find((s) => s.startsWith('node -e'))!;
    expect(spawnSync('sh', ['-c', load], { cwd: deps, encoding: 'utf8', timeout: 30_000 }).status).toBe(0);

    const app = workdir(FINAL);
    for (const i of instructions.filter((x) => x.stage === FINAL && x.keyword === 'COPY')) {
      const { from, sources, dest } = copyOf(i);
      const destIn = join(image, dest.startsWith('/') ? dest : join(app, dest)) + (dest.endsWith('/') ? '/' : '');
      for (const s of sources) {
        const source =
          from === 'deps' ? join(deps, s.slice(workdir(DEPS).length)) : from === 'build' ? join(ROOT, s.slice(workdir(BUILD).length)) : join(ROOT, s);
        expect(existsSync(source), `line ${i.line}: ${s}`).toBe(true);
        copyInto(source, destIn);
      }
    }
  }, 300_000);

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs production dependencies only: no TypeScript, vitest or test SDKs', (ctx) => {
    if (installFailure?.match(/ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|network/i)) ctx.skip(); // no registry and no cache
    expect(installFailure).toBeUndefined();
    for (const dev of ['typescript', 'vitest', '@modelcontextprotocol/sdk', '@types/pg'])
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
