// Issue 10: the Kubernetes manifests have the fields their kinds need and agree with each other and with the
// gateway: probes on /readyz and /healthz at the containerPort that is listen.port, the Service's targetPort the
// same, every ${env:} of the ConfigMap's mcp.yaml set in the Deployment from the Secret template (which holds no
// value), a grace period that covers preStop and the gateway's drain, non-root with a read-only root file system.
// No cluster runs here: `kubectl kustomize` (offline) is run when kubectl is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '@mcpkit/gateway';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, dockerfileInstructions, envRefs, execForm, gatewayDrainSeconds, list, obj, parseYaml } from './support.js';
import type { Obj } from './support.js';

const files = readdirSync(join(ROOT, 'deploy/k8s'))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .sort();
const objects = files.flatMap((f) => parseYaml(`deploy/k8s/${f}`).map((o) => ({ file: f, o: obj(o) })));
const byKind = (kind: string): Obj => {
  const found = objects.filter((x) => x.o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.o;
};
const deployment = byKind('Deployment');
const pod = obj(obj(obj(deployment.spec).template).spec);
const podLabels = obj(obj(obj(obj(deployment.spec).template).metadata).labels);
const container = obj(list(pod.containers)[0]);
const configText = String(obj(byKind('ConfigMap').data)['mcp.yaml']);
const listen = obj(obj(parse(configText)).listen);

/** A probe's or Service's port, by number or by the container port's name. */
function portNumber(port: unknown): number {
  if (typeof port === 'number') return port;
  const named = list(container.ports)
    .map(obj)
    .find((p) => p.name === port);
  expect(named, `container port named ${String(port)}`).toBeDefined();
  return named!.containerPort as number;
}

const matches = (selector: Obj) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);

describe('deploy/k8s', () => {
  it.each(objects.map((x) => [`${x.file}: ${String(x.o.kind)}`, x.o] as const))('%s has apiVersion, kind, metadata.name and a body', (_, o) => {
    expect(typeof o.apiVersion).toBe('string');
    expect(typeof o.kind).toBe('string');
    expect(typeof obj(o.metadata).name).toBe('string');
    expect(obj(o.metadata).namespace, 'the namespace is the kustomization’s or kubectl’s to choose').toBeUndefined();
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') expect(o.data ?? o.stringData).toBeDefined();
    else expect(Object.keys(obj(o.spec)).length).toBeGreaterThan(0);
  });

  it('has the objects the issue asks for, at API versions a current cluster serves', () => {
    const kinds = Object.fromEntries(objects.map((x) => [x.o.kind, x.o.apiVersion]));
    expect(kinds).toEqual({
      ConfigMap: 'v1',
      Secret: 'v1',
      Deployment: 'apps/v1',
      Service: 'v1',
      HorizontalPodAutoscaler: 'autoscaling/v2',
      PodDisruptionBudget: 'policy/v1',
    });
  });

  it('runs 3 replicas of the gateway with requests and limits', () => {
    expect(obj(deployment.spec).replicas).toBe(3);
    expect(obj(obj(deployment.spec).selector).matchLabels).toEqual({ 'app.kubernetes.io/name': 'mcpkit-gateway' });
    expect(matches(obj(obj(obj(deployment.spec).selector).matchLabels))).toBe(true);
    const resources = obj(container.resources);
    expect(Object.keys(obj(resources.requests)).sort()).toEqual(['cpu', 'memory']);
    expect(obj(resources.limits).memory).toBeDefined();
  });

  it('probes /readyz and /healthz on the containerPort that is listen.port in the ConfigMap', () => {
    expect(listen.port).toBe(8080);
    expect(list(container.ports).map((p) => obj(p).containerPort)).toEqual([listen.port]);
    const readiness = obj(obj(container.readinessProbe).httpGet);
    const liveness = obj(obj(container.livenessProbe).httpGet);
    expect(readiness.path).toBe('/readyz');
    expect(liveness.path).toBe('/healthz');
    expect(portNumber(readiness.port)).toBe(listen.port);
    expect(portNumber(liveness.port)).toBe(listen.port);
  });

  it('the Service selects the pods and targets that port', () => {
    const service = byKind('Service');
    expect(matches(obj(obj(service.spec).selector))).toBe(true);
    const ports = list(obj(service.spec).ports).map(obj);
    expect(ports).toHaveLength(1);
    expect(portNumber(ports[0]!.targetPort)).toBe(listen.port);
  });

  it('mounts the ConfigMap where the image ENTRYPOINT reads mcp.yaml', () => {
    const final = Math.max(...dockerfileInstructions().map((i) => i.stage));
    const argv = execForm(
      dockerfileInstructions()
        .filter((i) => i.stage === final && i.keyword === 'ENTRYPOINT')
        .at(-1)!.args,
    );
    const configPath = argv.at(-1)!;
    expect(container.command, 'the image ENTRYPOINT is used as it is').toBeUndefined();
    const mount = list(container.volumeMounts)
      .map(obj)
      .find((m) => m.name === 'config')!;
    const volume = obj(
      obj(
        list(pod.volumes)
          .map(obj)
          .find((v) => v.name === 'config'),
      ).configMap,
    );
    expect(volume.name).toBe(obj(byKind('ConfigMap').metadata).name);
    expect(mount.readOnly).toBe(true);
    expect(`${String(mount.mountPath)}/${String(obj(list(volume.items)[0]).path)}`).toBe(configPath);
  });

  it('sets every ${env:} of mcp.yaml, secrets from the Secret template, which holds no value', () => {
    const env = new Map(
      list(container.env)
        .map(obj)
        .map((e) => [String(e.name), e]),
    );
    const secret = byKind('Secret');
    const template = obj(secret.stringData ?? secret.data);
    for (const name of envRefs(configText)) {
      expect(env.has(name), `Deployment env lacks ${name}`).toBe(true);
      const ref = obj(obj(env.get(name)!.valueFrom).secretKeyRef);
      if (ref.key !== undefined) {
        expect(ref.name).toBe(obj(secret.metadata).name);
        expect(Object.hasOwn(template, String(ref.key)), `Secret lacks ${String(ref.key)}`).toBe(true);
      }
    }
    // The secrets of the config come from the Secret, not from values written in the Deployment.
    for (const name of ['MCPKIT_API_KEY', 'MCPKIT_SESSION_SECRET', 'MCPKIT_POSTGRES_URL', 'MCPKIT_REDIS_URL']) {
      expect(obj(obj(env.get(name)?.valueFrom).secretKeyRef).key, name).toBe(name);
    }
    for (const [key, value] of Object.entries(template)) expect(value, `Secret ${key} is a template`).toBe('');
  });

  it('fails closed when the Secret template is applied as it is (empty values)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-deploy-k8s-'));
    try {
      writeFileSync(join(dir, 'mcp.yaml'), configText);
      const env: Record<string, string> = Object.fromEntries(Object.keys(obj(byKind('Secret').stringData)).map((k) => [k, '']));
      for (const e of list(container.env).map(obj)) if (typeof e.value === 'string') env[String(e.name)] = e.value;
      const failure = await loadGatewayConfig(join(dir, 'mcp.yaml'), { env }).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/keys\[0\]\.key: is 0 characters long/);
      expect(failure).toMatch(/sessions\.secret: is 0 bytes long/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the gateway time to drain: grace period > preStop sleep + the drain deadline on SIGTERM', () => {
    const preStop = list(obj(obj(obj(container.lifecycle).preStop).exec).command).map(String);
    expect(preStop[0]).toBe('sleep');
    const grace = pod.terminationGracePeriodSeconds as number;
    expect(grace).toBeGreaterThan(Number(preStop[1]) + gatewayDrainSeconds());
  });

  it('runs as non-root with a read-only root file system, state and /tmp in emptyDirs', () => {
    const podSecurity = obj(pod.securityContext);
    expect(podSecurity.runAsNonRoot).toBe(true);
    expect(podSecurity.runAsUser).not.toBe(0);
    const security = obj(container.securityContext);
    expect(security).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const mounts = Object.fromEntries(
      list(container.volumeMounts)
        .map(obj)
        .map((m) => [m.mountPath, m.name]),
    );
    const volumes = Object.fromEntries(
      list(pod.volumes)
        .map(obj)
        .map((v) => [v.name, v]),
    );
    for (const path of ['/var/lib/mcpkit', '/tmp']) expect(obj(volumes[String(mounts[path])]).emptyDir, path).toBeDefined();
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('scales with an HPA from 3, and a PDB keeps most replicas through disruptions', () => {
    const hpa = obj(byKind('HorizontalPodAutoscaler').spec);
    expect(obj(hpa.scaleTargetRef)).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: obj(deployment.metadata).name });
    expect(hpa.minReplicas).toBe(3);
    expect(hpa.maxReplicas as number).toBeGreaterThan(3);
    const pdb = obj(byKind('PodDisruptionBudget').spec);
    expect(matches(obj(obj(pdb.selector).matchLabels))).toBe(true);
    expect(pdb.minAvailable as number).toBeLessThan(hpa.minReplicas as number);
  });

  it('kustomization.yaml lists every manifest but the Secret template (applying it would blank the real one)', () => {
    const kustomization = obj(parseYaml('deploy/k8s/kustomization.yaml')[0]);
    expect(list(kustomization.resources).map(String).sort()).toEqual(files.filter((f) => f !== 'secret.yaml'));
  });

  it.skipIf(!hasKubectl())('kubectl kustomize builds the set (offline)', () => {
    const built = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/k8s')], { encoding: 'utf8', timeout: 30_000 });
    const kinds = parseAllDocuments(built).map((d) => obj(d.toJS()).kind);
    expect(kinds.sort()).toEqual(
      objects
        .map((x) => x.o.kind)
        .filter((k) => k !== 'Secret')
        .sort(),
    );
  });
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
