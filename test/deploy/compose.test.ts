// Issue 10: deploy/compose agrees with itself and with the gateway: two replicas of the image on the port of
// mcp.yaml, every ${env:} the config names in their environment, every ${file:/run/secrets/…} a compose secret
// mounted into them, healthchecks and depends_on conditions, pinned images, and nginx round robin over both.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, composeSeconds, envRefs, fileRefs, gatewayDrainSeconds, list, obj, parseYaml, read } from './support.js';

const compose = obj(parseYaml('deploy/compose/docker-compose.yml')[0]);
const services = obj(compose.services);
const configText = read('deploy/compose/mcp.yaml');
const config = obj(parse(configText));
const port = obj(config.listen).port as number;
const gateways = Object.entries(services)
  .filter(([, s]) => obj(obj(s).build).dockerfile === 'Dockerfile')
  .map(([name, s]) => [name, obj(s)] as const);
const nginx = read('deploy/compose/nginx.conf');

/** The names a service gets from `environment` (map or list) and its env files (the committed .example). */
function environmentOf(service: Record<string, unknown>): Set<string> {
  const env = service.environment;
  const names = new Set(Array.isArray(env) ? env.map((e) => String(e).split('=')[0]!) : Object.keys(obj(env)));
  for (const file of list(service.env_file).map((f) => String(typeof f === 'string' ? f : obj(f).path))) {
    const example = join(ROOT, 'deploy/compose', `${file}.example`);
    expect(existsSync(example), `${file}.example is committed`).toBe(true);
    for (const line of read(`deploy/compose/${file}.example`).split('\n')) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line.trim());
      if (m) names.add(m[1]!);
    }
  }
  return names;
}

describe('deploy/compose/docker-compose.yml', () => {
  it('runs two gateway replicas of the repository Dockerfile, PostgreSQL, Redis and nginx', () => {
    expect(gateways.map(([n]) => n).sort()).toEqual(['gateway-1', 'gateway-2']);
    for (const [, g] of gateways) expect(obj(g.build).context).toBe('../..');
    expect(String(obj(services.postgres).image)).toMatch(/^postgres:/);
    expect(String(obj(services.redis).image)).toMatch(/^redis:/);
    expect(String(obj(services.nginx).image)).toMatch(/^nginx:/);
  });

  it('pins every image to a version, never latest', () => {
    for (const [name, s] of Object.entries(services)) {
      const image = String(obj(s).image);
      expect(image, name).toMatch(/^[^:]+:\d[^:]*$/);
    }
  });

  it('gives every service a healthcheck, and starts each after what it needs is healthy', () => {
    for (const [name, s] of Object.entries(services)) expect(list(obj(obj(s).healthcheck).test).length, `${name} healthcheck`).toBeGreaterThan(0);
    for (const [name, g] of gateways) {
      expect(obj(g.depends_on), name).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
    expect(obj(obj(services.nginx).depends_on)).toEqual({
      'gateway-1': { condition: 'service_healthy' },
      'gateway-2': { condition: 'service_healthy' },
    });
  });

  it('probes the gateways on the port of mcp.yaml, with node, at /readyz', () => {
    expect(port).toBe(8080);
    for (const [name, g] of gateways) {
      const test = list(obj(g.healthcheck).test).map(String);
      expect(test[0], name).toBe('CMD');
      expect(test[1], name).toBe('node');
      expect(test.join(' '), name).toContain(`http://127.0.0.1:${port}/readyz`);
      expect(list(g.expose).map(String), name).toEqual([String(port)]);
      expect(g.ports, `${name} is reached through nginx only`).toBeUndefined();
    }
  });

  it('provides every ${env:} of mcp.yaml to both replicas', () => {
    const needed = envRefs(configText);
    expect(needed).toContain('MCPKIT_SESSION_SECRET');
    for (const [name, g] of gateways) {
      const provided = environmentOf(g);
      for (const env of needed) expect(provided.has(env), `${name} lacks ${env}`).toBe(true);
    }
  });

  it('mounts every ${file:/run/secrets/…} of mcp.yaml as a compose secret, kept out of git', () => {
    const needed = fileRefs(configText).map((p) => {
      expect(p).toMatch(/^\/run\/secrets\/[\w-]+$/);
      return p.slice('/run/secrets/'.length);
    });
    expect(needed.length).toBeGreaterThan(0);
    const declared = obj(compose.secrets);
    for (const [name, g] of gateways) for (const secret of needed) expect(list(g.secrets), name).toContain(secret);
    for (const secret of needed) expect(String(obj(declared[secret]).file)).toMatch(/^\.\/secrets\//);
    expect(read('deploy/compose/.gitignore').split('\n')).toEqual(expect.arrayContaining(['secrets/', 'gateway.env']));
  });

  it('gives PostgreSQL and Redis the same password files the gateways read', () => {
    expect(obj(obj(services.postgres).environment).POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(list(obj(services.postgres).secrets)).toContain('postgres_password');
    expect(list(obj(services.redis).secrets)).toContain('redis_password');
    expect(list(obj(services.redis).command).join(' ')).toContain('/run/secrets/redis_password');
    expect(configText).toMatch(/postgres:\/\/mcpkit:\$\{file:\/run\/secrets\/postgres_password\}@postgres:5432\/mcpkit/);
    expect(configText).toMatch(/redis:\/\/:\$\{file:\/run\/secrets\/redis_password\}@redis:6379/);
    expect(obj(obj(services.postgres).environment)).toMatchObject({ POSTGRES_USER: 'mcpkit', POSTGRES_DB: 'mcpkit' });
  });

  it('mounts mcp.yaml read-only where the image ENTRYPOINT reads it, read-only root, state in a volume', () => {
    for (const [name, g] of gateways) {
      const volumes = list(g.volumes).map(String);
      expect(volumes, name).toContain('./mcp.yaml:/etc/mcpkit/mcp.yaml:ro');
      expect(g.read_only, name).toBe(true);
      expect(
        volumes.some((v) => /^[\w-]+:\/var\/lib\/mcpkit$/.test(v)),
        name,
      ).toBe(true);
    }
  });

  it('stops a replica no sooner than the gateway drains', () => {
    for (const [name, g] of gateways) expect(composeSeconds(String(g.stop_grace_period)), name).toBeGreaterThan(gatewayDrainSeconds());
  });

  it('nginx spreads /mcp round robin over both replicas on that port, unbuffered, and publishes only itself', () => {
    const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(nginx);
    expect(upstream).not.toBeNull();
    const servers = [...upstream![2]!.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => [m[1], Number(m[2])]);
    expect(servers).toEqual(gateways.map(([n]) => [n, port]));
    // Round robin: no active balancing directive other than the default.
    expect(upstream![2]!.split('\n').filter((l) => /^\s*(hash|ip_hash|least_conn|random|sticky)\b/.test(l))).toEqual([]);
    const location = /location\s+\/mcp\s*\{([^}]*)\}/.exec(nginx)![1]!;
    expect(location).toContain(`proxy_pass http://${upstream![1]}`);
    expect(location).toMatch(/proxy_buffering off;/);
    expect(location).toMatch(/proxy_http_version 1\.1;/);
    expect(nginx).not.toMatch(/location\s+[=~^]*\s*\/metrics/);
    expect(obj(services.nginx).ports).toEqual(['127.0.0.1:8080:8080']);
  });

  // Compose's own validation, where a compose is installed (v2 plugin or the v1 docker-compose of Debian): in a
  // copy with the git-ignored files it needs (gateway.env, secrets/) filled with stand-ins.
  const composeCli = [['docker', 'compose'], ['docker-compose']].find(
    ([cmd, ...args]) => spawnSync(cmd!, [...args, 'version'], { stdio: 'ignore', timeout: 20_000 }).status === 0,
  );
  it.skipIf(!composeCli)(`passes \`${(composeCli ?? ['docker compose']).join(' ')} config\``, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-compose-config-'));
    try {
      cpSync(join(ROOT, 'deploy/compose'), dir, { recursive: true });
      writeFileSync(join(dir, 'gateway.env'), read('deploy/compose/gateway.env.example').replace(/=$/gm, '=stand-in-value-0123456789abcdef'));
      mkdirSync(join(dir, 'secrets'), { recursive: true });
      for (const name of Object.keys(obj(compose.secrets))) writeFileSync(join(dir, 'secrets', name), 'stand-in\n');
      const [cmd, ...args] = composeCli!;
      const result = spawnSync(cmd!, [...args, '-f', join(dir, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
