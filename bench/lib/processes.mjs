/**
 * Process plumbing for the orchestrator: HTTP servers started on a free loopback port and stopped again,
 * and drivers run as child processes that print one JSON line. Every wait is bounded.
 * @module
 */
import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './contenders.mjs';
import { cpusFor, onCpu } from './placement.mjs';

const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts an HTTP server (`spec(port)` → { command, args }) and waits until its port accepts connections.
 * `placement` (see placement.mjs) pins it to the server's CPU.
 */
export async function startHttpServer(spec, timeoutMs = 15_000, placement = undefined) {
  const port = await freePort();
  const { command, args } = onCpu(spec(port), cpusFor(placement)?.server);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
  live.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    stderr = (stderr + s).slice(-4096);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
    live.delete(child);
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`server exited before listening: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`server not listening on ${port} within ${timeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url: `http://127.0.0.1:${port}/mcp`, pid: child.pid, stop: () => stop(child), stderr: () => stderr };
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
function stop(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Runs `bench/drivers/<name>.mjs` with `config`; resolves with its JSON result (ok: false on any failure).
 * `placement` pins the driver to its CPU and, for a driver that spawns its server (`config.command`), the server
 * to the server's.
 */
export function runDriver(name, config, placement = undefined) {
  const limit = (config.timeLimitMs ?? 120_000) + 15_000;
  const cpus = cpusFor(placement);
  if (cpus && config.command !== undefined) config = { ...config, ...onCpu({ command: config.command, args: config.args ?? [] }, cpus.server) };
  const driver = onCpu({ command: process.execPath, args: [join(ROOT, 'bench', 'drivers', `${name}.mjs`), JSON.stringify(config)] }, cpus?.driver);
  return new Promise((resolve) => {
    const child = spawn(driver.command, driver.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
    });
    live.add(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (err = (err + s).slice(-4096)));
    const timer = setTimeout(() => child.kill('SIGKILL'), limit);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line);
        if (code !== 0 && result.ok !== false) result.ok = false;
        if (result.ok === false && !result.error) result.error = `driver exited ${code ?? signal}: ${err.trim()}`;
        resolve(result);
      } catch {
        resolve({ ok: false, error: `driver exited ${code ?? signal} without a result: ${err.trim() || out.trim()}` });
      }
    });
  });
}
