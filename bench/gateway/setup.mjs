/**
 * The gateway under test: its `mcp.yaml` (an API key, a scope glob, rate limits too high to trigger, the audit
 * log on SQLite with arguments hashed), the key made once with `mcpkit gateway keys create`, and the gateway
 * started as `mcpkit gateway --config FILE` and waited for until every upstream's echo tool is listed.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/contenders.mjs';
import { startHttpServer } from '../lib/processes.mjs';
import { STATELESS_VERSION, requestTemplate, statelessParams } from '../lib/wire.mjs';

const CLI = join(ROOT, 'packages', 'cli', 'bin', 'mcpkit.js');
/** Far above any rate the harness reaches, so the limiter runs its check on every call but never refuses. */
export const NEVER_REACHED = 1_000_000_000;

/** The echo tool of upstream `server`, as the gateway exposes it. */
export const toolOf = (server) => `${server}__echo`;

/**
 * A scratch folder in the OS temp dir (on this machine the same disk as the repository, so SQLite's fsyncs cost
 * what they would in `.mcpkit/`), holding the key store, the configs and one audit database per gateway start.
 */
export async function createWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-bench-gateway-'));
  let configs = 0;
  const ramFiles = [];
  const write = (servers, { auditDir = dir } = {}) => {
    const n = ++configs;
    const file = join(dir, `mcp-${n}.yaml`);
    writeFileSync(file, configYaml(dir, n, servers, auditDir));
    return file;
  };
  // The key is made the way an operator makes one, and lives in the store every config below shares.
  const keyConfig = write({ echo: { command: process.execPath, args: ['-e', ''] } });
  const created = JSON.parse(await run(process.execPath, [CLI, 'gateway', 'keys', 'create', '--config', keyConfig, '--scopes', 'bench', '--id', 'bench', '--json']));
  return {
    dir,
    key: created.key,
    /** Request headers carrying the key. */
    headers: { 'x-api-key': created.key },
    /**
     * Writes a config for `servers` ({ name: { command, args } | { url } }); returns its path. `auditDir` puts
     * the audit database elsewhere (the tmpfs diagnosis).
     */
    config: write,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      for (const f of ramFiles) rmSync(f, { recursive: true, force: true });
    },
    /** A folder on tmpfs (/dev/shm), where fsync costs nothing, or undefined when the machine has none. */
    ramDir: () => {
      if (!existsSync('/dev/shm')) return undefined;
      const ram = mkdtempSync('/dev/shm/mcpkit-bench-gateway-');
      ramFiles.push(ram);
      return ram;
    },
  };
}

function configYaml(dir, n, servers, auditDir) {
  const names = Object.keys(servers);
  const lines = ['listen: { host: 127.0.0.1, port: 8080, path: /mcp }  # the harness passes --port', 'servers:'];
  for (const [name, s] of Object.entries(servers)) {
    lines.push(`  ${name}:`);
    if (s.url) lines.push(`    url: ${JSON.stringify(s.url)}`);
    else lines.push(`    command: ${JSON.stringify(s.command)}`, `    args: ${JSON.stringify(s.args)}`);
  }
  lines.push(
    'scopes:',
    // A glob per upstream, as a real scope reads; the key holds this one scope.
    `  bench: ${JSON.stringify(names.map((name) => `${name}__*`))}`,
    'rateLimits:',
    `  - { per: principal, limit: ${NEVER_REACHED}, window: 1m }`,
    `  - { per: tool, limit: ${NEVER_REACHED}, window: 1m, tools: ${JSON.stringify(names.map(toolOf))} }`,
    'audit:',
    `  sqlite: ${JSON.stringify(join(auditDir, `audit-${n}.db`))}`,
    '  arguments: hash',
    'store:',
    `  sqlite: ${JSON.stringify(join(dir, 'gateway.db'))}`,
    '',
  );
  return lines.join('\n');
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.slice(1, 4).join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/**
 * Starts `mcpkit gateway --config FILE --port N` and waits until `tools/list` (with the key) shows every tool
 * in `tools`. Resolves with the server handle plus `upstreamPids()` (its child processes) and `upstreamEras()`
 * (what the gateway negotiated with each upstream, from its `upstream connected` log lines).
 */
export async function startGateway(ws, configFile, tools, timeoutMs = 30_000) {
  const server = await startHttpServer((port) => ({ command: process.execPath, args: [CLI, 'gateway', '--config', configFile, '--port', String(port)] }));
  try {
    await waitForTools(server.url, ws.headers, tools, timeoutMs);
  } catch (error) {
    await server.stop();
    throw new Error(`${error.message}; gateway stderr: ${server.stderr().trim().slice(-1000)}`);
  }
  return { ...server, upstreamPids: () => childrenOf(server.pid), upstreamEras: () => erasIn(server.stderr()) };
}

const LIST = requestTemplate('tools/list', statelessParams({})).line(1);

async function waitForTools(url, headers, tools, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': STATELESS_VERSION, 'mcp-method': 'tools/list' },
        body: LIST,
        signal: AbortSignal.timeout(5000),
      });
      last = `HTTP ${res.status}`;
      const body = await res.json();
      seen = (body.result?.tools ?? []).map((t) => t.name);
      if (tools.every((t) => seen.includes(t))) return;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the gateway did not list ${tools.join(', ')} within ${timeoutMs} ms (saw ${seen.length} tools; last answer: ${last})`);
}

/** Pids of `pid`'s children (Linux: /proc/<pid>/task/<tid>/children). */
export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function erasIn(stderr) {
  const eras = new Set();
  for (const line of stderr.split('\n')) {
    if (!line.includes('upstream connected')) continue;
    try {
      const entry = JSON.parse(line);
      eras.add(`${entry.era} (${entry.revision})`);
    } catch {
      // a line cut by the 4 KiB tail: skip it
    }
  }
  return [...eras];
}

/** Resident set size of `pid` in MiB, or undefined when it is gone. */
export function rssMiB(pid) {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
