// Issue 10: a small lint of the Dockerfile (no Docker engine runs here): non-root user, health check, pinned
// base images, no secrets baked in, every workspace manifest copied for `npm ci`, and a .dockerignore that keeps
// secrets and build output out of the context but lets in what the Dockerfile copies.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, dockerfileInstructions, execForm, read } from './support.js';

const instructions = dockerfileInstructions();
const finalStage = Math.max(...instructions.map((i) => i.stage));
const inFinal = (keyword: string) => instructions.filter((i) => i.stage === finalStage && i.keyword === keyword);
const stageNamed = (name: string) => instructions.find((i) => i.keyword === 'FROM' && new RegExp(`\\bAS\\s+${name}$`, 'i').test(i.args))!.stage;

/** ARG defaults declared before the first FROM, which FROM lines may use. */
const globalArgs = new Map(
  instructions
    .filter((i) => i.stage === -1 && i.keyword === 'ARG')
    .map((i) => {
      const [name = '', value = ''] = i.args.split('=');
      return [name, value] as const;
    }),
);
const expand = (text: string) => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => globalArgs.get((a ?? b)!) ?? '');

describe('Dockerfile lint', () => {
  it('pins every base image to a tag that is not latest', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2); // multi-stage
    const stageNames = new Set(froms.map((f) => /\bAS\s+(\S+)/i.exec(f.args)?.[1]).filter(Boolean));
    for (const from of froms) {
      const image = expand(from.args.split(/\s+/).find((w) => !w.startsWith('--'))!);
      if (stageNames.has(image)) continue;
      const tag = /^[^@]+:([^:/@]+)(@sha256:[0-9a-f]{64})?$/.exec(image)?.[1];
      expect(tag, `line ${from.line}: ${image} needs an explicit tag`).toBeDefined();
      expect(tag, `line ${from.line}: ${image}`).not.toMatch(/^latest$/i);
      expect(tag, `line ${from.line}: ${image} is not a released version`).toMatch(/^\d/);
    }
  });

  it('runs the last stage as a user that is not root', () => {
    const users = inFinal('USER');
    expect(users.length, 'USER in the final stage').toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    // The image's ENTRYPOINT comes after it: nothing the container runs is root.
    const entry = inFinal('ENTRYPOINT').at(-1)!;
    expect(entry.line).toBeGreaterThan(users.at(-1)!.line);
  });

  it('has a HEALTHCHECK on /healthz run with node (the slim image has no curl), and EXPOSE', () => {
    const [health] = inFinal('HEALTHCHECK');
    expect(health, 'HEALTHCHECK').toBeDefined();
    const cmd = execForm(health!.args.slice(health!.args.indexOf('CMD') + 3).trim());
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).toContain('/healthz');
    expect(cmd.join(' ')).not.toMatch(/\bcurl\b|\bwget\b/);
    expect(inFinal('EXPOSE')).toHaveLength(1);
  });

  it('bakes no secret into ENV or ARG', () => {
    const secretName = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE)/i;
    for (const i of instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=|\s|$)/g)) {
        expect(m[1], `line ${i.line}: ${i.keyword} ${i.args}`).not.toMatch(secretName);
      }
      expect(i.args, `line ${i.line}`).not.toMatch(/mcpk_[A-Za-z0-9]|-----BEGIN/);
    }
  });

  it('starts the gateway with the exec form, on /etc/mcpkit/mcp.yaml, and passes SIGTERM through', () => {
    const argv = execForm(inFinal('ENTRYPOINT').at(-1)!.args);
    expect(argv.slice(-3)).toEqual(['gateway', '--config', '/etc/mcpkit/mcp.yaml']);
    expect(argv.at(-4)).toMatch(/packages\/cli\/bin\/mcpkit\.js$/);
    expect(inFinal('CMD'), 'a CMD would be appended to the gateway arguments').toHaveLength(0);
    const stop = inFinal('STOPSIGNAL');
    if (stop.length) expect(stop[0]!.args).toBe('SIGTERM');
  });

  it('installs with npm ci and builds with npm run build; the runtime installs production dependencies only', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN');
    expect(runs.some((r) => r.stage < finalStage && /\bnpm ci\b/.test(r.args) && !/--omit=dev/.test(r.args))).toBe(true);
    expect(runs.some((r) => r.stage < finalStage && /\bnpm run build\b/.test(r.args))).toBe(true);
    const prod = runs.filter((r) => /\bnpm ci\b/.test(r.args) && /--omit=dev/.test(r.args));
    expect(prod).toHaveLength(1);
    // better-sqlite3's native binary is made (downloaded or compiled) in that stage, and loaded once to prove it.
    expect(prod[0]!.args).toMatch(/npm rebuild better-sqlite3/);
    expect(prod[0]!.args).toMatch(/require\('better-sqlite3'\)/);
    // The runtime stage copies node_modules from exactly that stage.
    const depsStage = instructions.find((i) => i.keyword === 'FROM' && i.stage === prod[0]!.stage)!;
    const depsName = /\bAS\s+(\S+)/i.exec(depsStage.args)![1];
    expect(inFinal('COPY').some((c) => c.args.includes(`--from=${depsName}`) && c.args.includes('node_modules'))).toBe(true);
  });

  it('gives each npm ci the lockfile and every workspace manifest, collected from package.json workspaces', () => {
    // npm ci refuses a lockfile that names a workspace whose package.json is missing: the manifests stage
    // copies them all, reading the list from the root package.json, so a new workspace needs no edit here.
    const manifests = stageNamed('manifests');
    const collect = instructions.find((i) => i.stage === manifests && i.keyword === 'RUN')!.args;
    expect(collect).toMatch(/require\('\.\/package\.json'\)\.workspaces/);
    expect(collect).toMatch(/cp package\.json package-lock\.json \/manifests\//);
    for (const run of instructions.filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))) {
      const copied = instructions.filter((i) => i.stage === run.stage && i.keyword === 'COPY' && i.line < run.line).map((i) => i.args);
      expect(copied, `stage ${run.stage}`).toContain('--from=manifests /manifests/ ./');
    }
  });

  it('lays out the runtime packages for the same workspaces the production install is for, and copies them whole', () => {
    const prod = instructions.find((i) => i.keyword === 'RUN' && /--omit=dev/.test(i.args))!.args;
    const installed = [...prod.matchAll(/-w\s+(\S+)/g)].map((m) => m[1]!);
    const build = instructions
      .filter((i) => i.stage === stageNamed('build') && i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' && ');
    const tree = /node deploy\/docker\/runtime-tree\.mjs (\/\S+) ([^&]+)/.exec(build);
    expect(tree, 'the build stage runs deploy/docker/runtime-tree.mjs').not.toBeNull();
    expect(tree![2]!.trim().split(/\s+/)).toEqual(installed);
    expect(inFinal('COPY').map((c) => c.args)).toContain(`--from=build ${tree![1]}/ ./`);
    expect(existsSync(join(ROOT, 'deploy/docker/runtime-tree.mjs'))).toBe(true);
  });

  it('copies from the build context only files that exist and that .dockerignore lets in', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
      const sources = copy.args
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) {
        if (source === '.') continue;
        expect(existsSync(join(ROOT, source)), `line ${copy.line}: ${source}`).toBe(true);
        for (const pattern of ignored) {
          const re = new RegExp(
            `^${pattern
              .replace(/[.+^$()|[\]\\]/g, '\\$&')
              .replace(/\*\*\//g, '(.*/)?')
              .replace(/\*/g, '[^/]*')}(/.*)?$`,
          );
          expect(re.test(source), `line ${copy.line}: ${source} is excluded by .dockerignore "${pattern}"`).toBe(false);
        }
      }
    }
  });

  it('keeps build output, node_modules, git, state and secrets out of the build context', () => {
    const lines = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const needed of ['.git', '**/node_modules', '**/dist', '**/.mcpkit', '**/.env', 'deploy/compose/secrets', 'tools'])
      expect(lines).toContain(needed);
  });
});
