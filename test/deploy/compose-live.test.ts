// Issue 10: the compose topology without Docker. Two gateways started with the image's ENTRYPOINT argv on
// deploy/compose/mcp.yaml (PostgreSQL and Redis moved to this machine's, secrets to temp files, binds to
// loopback ports), and deploy/compose/nginx.conf in a real nginx with its upstream servers pointed at them.
// Through nginx: a session-era client and a 2026-07-28 client use both replicas round robin, a request without
// a key is refused, /metrics is not published, and when one replica is stopped with SIGTERM it exits 0 while
// the other carries on. Skipped where nginx, PostgreSQL (psql) or Redis is missing.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, connectHttp } from '@mcpkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT, dockerfileInstructions, execForm, read } from './support.js';

const PG_URL = new URL(process.env.MCPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const REDIS_URL = process.env.MCPKIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
const available =
  ok('nginx', ['-v']) && ok('pg_isready', ['-h', PG_URL.hostname, '-p', PG_URL.port || '5432']) && ok('redis-cli', ['-u', REDIS_URL, 'ping']);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );

describe.skipIf(!available)('deploy/compose without Docker: nginx round robin over two gateways on PostgreSQL and Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-compose-'));
  const database = `mcpkit_deploy_${randomBytes(4).toString('hex')}`;
  const key = randomBytes(32).toString('hex');
  const psql = (sql: string) => execFileSync('psql', [PG_URL.href, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: 'pipe', timeout: 20_000 });
  const gateways: { port: number; child: ChildProcess; stderr: string }[] = [];
  let nginx: ChildProcess | undefined;
  let lb = 0;
  let startFailure: string | undefined;

  beforeAll(async () => {
    psql(`CREATE DATABASE ${database}`);
    const pg = new URL(PG_URL.href);
    pg.pathname = `/${database}`;
    // The compose secrets, as files; PostgreSQL here trusts loopback and Redis has no password, so the URLs
    // keep the secret references but point at this machine.
    mkdirSync(join(dir, 'secrets'));
    for (const name of ['postgres_password', 'redis_password']) writeFileSync(join(dir, 'secrets', name), `${randomBytes(16).toString('hex')}\n`);
    const final = Math.max(...dockerfileInstructions().map((i) => i.stage));
    const entrypoint = execForm(
      dockerfileInstructions()
        .filter((i) => i.stage === final && i.keyword === 'ENTRYPOINT')
        .at(-1)!.args,
    );
    const env = {
      ...process.env,
      MCPKIT_API_KEY: key,
      MCPKIT_SESSION_SECRET: randomBytes(48).toString('base64'),
      MCPKIT_PUBLIC_URL: 'http://127.0.0.1/mcp',
    };

    for (const n of [1, 2]) {
      const port = await freePort();
      const doc = parseDocument(read('deploy/compose/mcp.yaml'));
      doc.setIn(['listen', 'host'], '127.0.0.1');
      doc.setIn(['listen', 'port'], port);
      const pgWithSecret = `postgres://${pg.username || 'postgres'}:\${file:/run/secrets/postgres_password}@${pg.host}${pg.pathname}`;
      doc.setIn(['storage', 'postgres'], pgWithSecret);
      doc.setIn(['audit', 'postgres'], pgWithSecret);
      doc.setIn(['storage', 'redis'], `${REDIS_URL.replace(/\/\d*$/, '')}/7`);
      const text = doc
        .toString()
        .replaceAll('/app/', `${ROOT}/`)
        .replaceAll('/run/secrets/', `${join(dir, 'secrets')}/`);
      writeFileSync(join(dir, `gateway-${n}.yaml`), text);
      let argv = entrypoint.map((a) => (a === '/etc/mcpkit/mcp.yaml' ? join(dir, `gateway-${n}.yaml`) : a.replace('/app/', `${ROOT}/`)));
      if (argv[0] === '/usr/bin/tini' && !existsSync(argv[0])) argv = argv.slice(argv.indexOf('--') + 1);
      const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      const g = { port, child, stderr: '' };
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (g.stderr += d));
      gateways.push(g);
    }
    try {
      for (const g of gateways) {
        await until(`gateway on ${g.port} ready`, async () => {
          if (g.child.exitCode !== null) throw new Error(`exited ${g.child.exitCode}: ${g.stderr}`);
          return (await fetch(`http://127.0.0.1:${g.port}/readyz`)).status === 200;
        });
      }
    } catch {
      // A gateway that exits at start-up says why: the first test fails with it, the others are skipped.
      await new Promise((r) => setTimeout(r, 200));
      startFailure = gateways.map((g) => g.stderr).join('\n');
      return;
    }

    lb = await freePort();
    const site = read('deploy/compose/nginx.conf')
      .replace('server gateway-1:8080', `server 127.0.0.1:${gateways[0]!.port}`)
      .replace('server gateway-2:8080', `server 127.0.0.1:${gateways[1]!.port}`)
      .replace(/listen 8080;/, `listen 127.0.0.1:${lb};`);
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log warn;\nevents { worker_connections 256; }\n` +
        `http {\n  log_format upstreams '$request_uri $upstream_addr $status';\n  access_log ${dir}/access.log upstreams;\n` +
        `  client_body_temp_path ${dir}/tmp-body; proxy_temp_path ${dir}/tmp-proxy; fastcgi_temp_path ${dir}/tmp-fcgi; uwsgi_temp_path ${dir}/tmp-uwsgi; scgi_temp_path ${dir}/tmp-scgi;\n` +
        `  include ${dir}/site.conf;\n}\n`,
    );
    execFileSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'pipe', timeout: 20_000 });
    nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
    await until('nginx', async () => (await fetch(`http://127.0.0.1:${lb}/lb-health`)).status === 200);
  }, 90_000);

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    for (const g of gateways) if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGTERM');
    await Promise.all(gateways.map((g) => Promise.race([exitOf(g.child), new Promise((r) => setTimeout(r, 15_000))])));
    for (const g of gateways) if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGKILL');
    if (nginx) await Promise.race([exitOf(nginx), new Promise((r) => setTimeout(r, 5_000))]);
    try {
      psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } catch (error) {
      console.warn(`could not drop ${database}: ${(error as Error).message}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const upstreamsSeen = () =>
    new Set(
      readFileSync(join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('/mcp '))
        .flatMap((l) => l.split(' ')[1]!.split(', ')),
    );

  it('both replicas start with the compose config', () => {
    expect(startFailure).toBeUndefined();
  });

  for (const [era, protocolVersion] of [
    ['session era', '2025-11-25'],
    ['2026-07-28', '2026-07-28'],
  ] as const) {
    it(`a ${era} client works through nginx, its requests spread over both replicas`, async (ctx) => {
      if (startFailure !== undefined) ctx.skip();
      const client = new Client({ name: 'compose-live', version: '1' }, { protocolVersion });
      await connectHttp(client, `http://127.0.0.1:${lb}/mcp`, { headers: { 'X-API-Key': key }, legacyFallback: false });
      try {
        for (let i = 0; i < 6; i++) {
          const result = await client.callTool('everything__echo', { text: `hello ${i}` });
          expect(JSON.stringify(result.content)).toContain(`hello ${i}`);
        }
        expect((await client.listTools()).map((t) => t.name)).toContain('everything__add');
      } finally {
        await client.close();
      }
      expect(upstreamsSeen()).toEqual(new Set(gateways.map((g) => `127.0.0.1:${g.port}`)));
    }, 60_000);
  }

  it('refuses a request without a key, and does not publish /metrics or /healthz', async (ctx) => {
    if (startFailure !== undefined) ctx.skip();
    const anonymous = await fetch(`http://127.0.0.1:${lb}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${lb}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${lb}/healthz`)).status).toBe(404);
  });

  it('a replica stopped with SIGTERM exits 0, and the other serves every request after it', async (ctx) => {
    if (startFailure !== undefined) ctx.skip();
    const [first, second] = gateways as [(typeof gateways)[0], (typeof gateways)[0]];
    first.child.kill('SIGTERM');
    expect(await exitOf(first.child), first.stderr).toEqual({ code: 0, signal: null });
    const client = new Client({ name: 'compose-live', version: '1' }, { protocolVersion: '2026-07-28' });
    await connectHttp(client, `http://127.0.0.1:${lb}/mcp`, { headers: { 'X-API-Key': key }, legacyFallback: false });
    try {
      for (let i = 0; i < 4; i++)
        expect(JSON.stringify((await client.callTool('everything__echo', { text: `after ${i}` })).content)).toContain(`after ${i}`);
    } finally {
      await client.close();
    }
    expect(second.child.exitCode).toBeNull();
  }, 60_000);
});
