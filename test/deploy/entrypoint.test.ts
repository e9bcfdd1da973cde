// Issue 10: the Dockerfile's ENTRYPOINT, run as written on this machine (no Docker engine here). /app is the
// repository, /etc/mcpkit/mcp.yaml is deploy/docker/mcp.yaml with its state folder moved to a temp dir and its
// bind moved from 0.0.0.0 to loopback on a free port. It must serve /healthz (the HEALTHCHECK command itself is
// run), /readyz once the upstream is up, refuse a request without a key, list the demo upstream's tools to the
// operator key from the environment, and stop cleanly (exit 0) on SIGTERM.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, connectHttp } from '@mcpkit/client';
import { loadGatewayConfig } from '@mcpkit/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT, dockerfileInstructions, execForm, read } from './support.js';

const run = promisify(execFile);
const instructions = dockerfileInstructions();
const final = Math.max(...instructions.map((i) => i.stage));
const entrypoint = execForm(instructions.filter((i) => i.stage === final && i.keyword === 'ENTRYPOINT').at(-1)!.args);
const health = instructions.find((i) => i.stage === final && i.keyword === 'HEALTHCHECK')!;
const healthCmd = execForm(health.args.slice(health.args.indexOf('CMD') + 3).trim());
const IMAGE_CONFIG = '/etc/mcpkit/mcp.yaml';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The image's paths mapped onto this machine: the repository for /app, a temp dir for the state volume. */
function hostPaths(text: string, state: string): string {
  return text.replaceAll('/app/', `${ROOT}/`).replaceAll('/var/lib/mcpkit', state);
}

describe('the Dockerfile ENTRYPOINT, run on this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-deploy-'));
  const state = join(dir, 'state');
  const key = randomBytes(32).toString('hex');
  let port = 0;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const base = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    port = await freePort();
    const doc = parseDocument(read('deploy/docker/mcp.yaml'));
    expect(doc.getIn(['listen', 'host'])).toBe('0.0.0.0');
    doc.setIn(['listen', 'host'], '127.0.0.1');
    doc.setIn(['listen', 'port'], port);
    writeFileSync(join(dir, 'mcp.yaml'), hostPaths(doc.toString(), state));

    // /usr/bin/tini is the image's PID 1 (Debian's tini package); where this machine lacks it, the argv after
    // `--` is what tini would run.
    let argv = entrypoint.map((a) => (a === IMAGE_CONFIG ? join(dir, 'mcp.yaml') : hostPaths(a, state)));
    if (argv[0] === '/usr/bin/tini' && !existsSync(argv[0])) argv = argv.slice(argv.indexOf('--') + 1);
    // The state folder the image makes (mkdir /var/lib/mcpkit); the gateway opens its SQLite files in it.
    rmSync(state, { recursive: true, force: true });
    mkdirSync(state, { mode: 0o700 });
    child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, MCPKIT_API_KEY: key }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.resume();
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }, 60_000);

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the image config, unchanged but for paths, is accepted by the gateway with its 0.0.0.0 bind', async () => {
    const original = join(dir, 'as-in-image.yaml');
    writeFileSync(original, hostPaths(read('deploy/docker/mcp.yaml'), state));
    const config = await loadGatewayConfig(original, { env: { MCPKIT_API_KEY: key } });
    expect(config.listen.host).toBe('0.0.0.0');
    expect(config.listen.port).toBe(8080);
    // The same file without the key's variable does not start: a 0.0.0.0 bind never runs without auth.
    await expect(loadGatewayConfig(original, { env: {} })).rejects.toThrow(/MCPKIT_API_KEY/);
  });

  it('answers /healthz with 200, and the HEALTHCHECK command exits 0', async () => {
    await until('/healthz', async () => (await fetch(`${base()}/healthz`)).status === 200);
    const cmd = healthCmd.map((a) => a.replace('127.0.0.1:8080', `127.0.0.1:${port}`));
    await expect(run(cmd[0]!, cmd.slice(1), { timeout: 10_000 })).resolves.toBeDefined();
  }, 60_000);

  it('is ready once its upstream is connected, and lists its tools only to a key', async () => {
    await until('/readyz', async () => (await fetch(`${base()}/readyz`)).status === 200);
    const anonymous = await fetch(`${base()}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(anonymous.status).toBe(401);
    const client = new Client({ name: 'deploy-test', version: '1' });
    await connectHttp(client, `${base()}/mcp`, { headers: { 'X-API-Key': key }, legacyFallback: false });
    try {
      const names = (await client.listTools()).map((t) => t.name);
      expect(names).toContain('everything__echo');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('stops cleanly on SIGTERM, its state in the volume folder', async () => {
    child.kill('SIGTERM');
    const result = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
    expect(result, stderr).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('SIGTERM: finishing calls in flight');
    expect(stderr).not.toMatch(/"level":(50|60)/); // no error or fatal log line
    expect(existsSync(join(state, 'audit.db'))).toBe(true);
    expect(existsSync(join(state, 'gateway.db'))).toBe(true);
  }, 60_000);
});
