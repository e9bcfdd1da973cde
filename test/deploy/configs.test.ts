// Issue 10: every YAML file under deploy/ parses, and every gateway config they carry (deploy/docker/mcp.yaml,
// deploy/compose/mcp.yaml, the ConfigMap's mcp.yaml) is valid against the published schema as it is on main.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '@mcpkit/gateway';
import type { ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, dockerfileInstructions, envRefs, gatewayConfigs, list, obj, parseYaml, yamlFiles } from './support.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'packages/gateway/schema/mcp.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
ajv.addKeyword('x-message');
const validate = ajv.compile(schema);

// The multi-replica keys of issue 10. They reached the schema on main while these files were written; had they
// not, the check would have had to leave them out. Now they are validated like every other key.
const ISSUE_10_KEYS = ['storage', 'sessions'];

/** Stand-ins for what compose (gateway.env, secrets) and Kubernetes (the Secret) put in the environment. */
function fakeEnvironment(names: string[]): Record<string, string> {
  const value = (name: string) =>
    name.endsWith('POSTGRES_URL')
      ? 'postgres://mcpkit:pw@postgres:5432/mcpkit'
      : name.endsWith('REDIS_URL')
        ? 'redis://:pw@redis:6379/0'
        : name.endsWith('PUBLIC_URL')
          ? 'https://mcp.example.com/mcp'
          : randomBytes(32).toString('hex');
  return Object.fromEntries(names.map((n) => [n, value(n)]));
}

describe('deployment YAML', () => {
  it.each(yamlFiles())('%s parses', (path) => {
    expect(parseYaml(path).length).toBeGreaterThan(0);
  });

  describe.each(gatewayConfigs())('$name', ({ name, text }) => {
    it('is valid against packages/gateway/schema/mcp.schema.json', () => {
      const config = obj(parse(text));
      const errors: ErrorObject[] = validate(config) ? [] : [...(validate.errors ?? [])];
      expect(errors.map((e) => `${name}: ${e.instancePath || '/'} ${e.message ?? ''}`)).toEqual([]);
    });

    it('keeps its state in the writable volume or in PostgreSQL, never beside the read-only /etc/mcpkit/mcp.yaml', () => {
      const config = obj(parse(text));
      const elsewhere = { audit: obj(config.audit).postgres, store: obj(config.store).postgres ?? obj(config.storage).postgres };
      for (const section of ['audit', 'store'] as const) {
        // Without either, the default is .mcpkit/ beside the config file: read-only in the image and the pod.
        const sqlite = obj(config[section]).sqlite;
        if (elsewhere[section] === undefined) expect(String(sqlite), `${section}.sqlite`).toMatch(/^\/var\/lib\/mcpkit\//);
      }
      expect(obj(config.trust).lockfile ?? '/var/lib/mcpkit/', 'trust.lockfile').toMatch(/^\/var\/lib\/mcpkit\//);
    });

    it('starts stdio upstreams from workspaces the image lays out (runtime-tree.mjs roots), by files they publish', () => {
      const build = dockerfileInstructions()
        .filter((i) => i.keyword === 'RUN')
        .map((i) => i.args)
        .join(' && ');
      const roots = /node deploy\/docker\/runtime-tree\.mjs \S+ ([^&]+)/.exec(build)![1]!.trim().split(/\s+/);
      for (const server of Object.values(obj(obj(parse(text)).servers)).map(obj)) {
        for (const arg of [server.command, ...list(server.args)].map(String).filter((a) => a.startsWith('/app/'))) {
          const inImage = arg.slice('/app/'.length);
          const root = roots.find((r) => inImage.startsWith(`${r}/`));
          expect(root, `${arg} is not in a workspace the image lays out`).toBeDefined();
          const files = (JSON.parse(readFileSync(join(ROOT, root!, 'package.json'), 'utf8')) as { files?: string[] }).files ?? [];
          expect(files, `${root} publishes ${inImage.slice(root!.length + 1).split('/')[0]}`).toContain(
            inImage.slice(root!.length + 1).split('/')[0],
          );
          expect(existsSync(join(ROOT, inImage)), `${inImage} in this checkout`).toBe(true);
        }
      }
    });

    it("is accepted by the gateway's own loader, with the environment and secret files its deployment provides", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mcpkit-deploy-config-'));
      try {
        writeFileSync(join(dir, 'mcp.yaml'), text);
        const config = await loadGatewayConfig(join(dir, 'mcp.yaml'), {
          env: fakeEnvironment(envRefs(text)),
          // Compose mounts its secrets at /run/secrets/NAME (deploy/compose/docker-compose.yml).
          readFile: (path) => (path.startsWith('/run/secrets/') ? `${randomBytes(32).toString('hex')}\n` : readFileSync(path, 'utf8')),
        });
        expect(config.listen).toMatchObject({ host: '0.0.0.0', port: 8080, path: '/mcp' });
        if (config.storage) {
          expect('postgres' in config.store, 'keys in PostgreSQL').toBe(true);
          expect(config.sessions?.secret.length).toBeGreaterThanOrEqual(32);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('the replicated configs share state through storage.postgres, storage.redis and sessions.secret', () => {
    for (const { name, text } of gatewayConfigs().filter((c) => !c.name.startsWith('deploy/docker/'))) {
      const config = obj(parse(text));
      expect(Object.keys(obj(config.storage)).sort(), name).toEqual(['postgres', 'redis']);
      expect(obj(config.sessions).secret, name).toBe('${env:MCPKIT_SESSION_SECRET}');
      expect(obj(config.audit).postgres, `${name}: one audit chain for all replicas`).toBeDefined();
    }
  });

  it('the schema on main knows storage and sessions', () => {
    for (const key of ISSUE_10_KEYS) expect(Object.hasOwn(schema.properties, key), key).toBe(true);
  });

  it('every config listens on the port the Dockerfile EXPOSEs and its HEALTHCHECK probes', () => {
    const instructions = dockerfileInstructions();
    const final = Math.max(...instructions.map((i) => i.stage));
    const exposed = instructions.filter((i) => i.stage === final && i.keyword === 'EXPOSE').map((i) => Number(i.args.split('/')[0]));
    const health = instructions.find((i) => i.stage === final && i.keyword === 'HEALTHCHECK')!.args;
    const probed = Number(/http:\/\/127\.0\.0\.1:(\d+)\/healthz/.exec(health)?.[1]);
    expect(exposed).toEqual([probed]);
    for (const { name, text } of gatewayConfigs()) expect(obj(obj(parse(text)).listen).port, name).toBe(probed);
  });
});
