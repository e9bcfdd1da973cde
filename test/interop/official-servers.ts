/**
 * Where the client interop suites find the official servers — `@modelcontextprotocol/server-everything` and our
 * SDK v2 fixture — and how they run them: real child processes, HTTP on a 127.0.0.1 socket.
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { HttpServerProcess, ServerCommand } from './servers.js';

const require = createRequire(import.meta.url);

/** The JS file behind the `mcp-server-everything` bin; its first argument picks `stdio` or `streamableHttp`. */
export const EVERYTHING_JS: string = (() => {
  const manifest = require.resolve('@modelcontextprotocol/server-everything/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  const file = bin['mcp-server-everything'];
  if (file === undefined) throw new Error(`${manifest} has no mcp-server-everything bin`);
  return join(dirname(manifest), file);
})();

/** server-everything over stdio, started by its JS file (no shell, no npx). */
export const OFFICIAL_EVERYTHING_STDIO: ServerCommand = { command: process.execPath, args: [EVERYTHING_JS, 'stdio'] };

/** Our official SDK v2 fixture (`official-v2-server.mjs`): `stdio`, or `http` on a port the OS picks. */
const V2_SERVER_JS = fileURLToPath(new URL('./official-v2-server.mjs', import.meta.url));
export const OFFICIAL_V2_STDIO: ServerCommand = { command: process.execPath, args: [V2_SERVER_JS, 'stdio'] };
export const OFFICIAL_V2_HTTP: ServerCommand = { command: process.execPath, args: [V2_SERVER_JS, 'http'] };

/** Whether any process of the group led by `pid` is still there (zombies included). */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    // EPERM: a member exists that we may not signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A child process's output lines, with a way to wait for one. */
class Lines {
  readonly all: string[] = [];
  readonly #waiters = new Set<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }>();

  push(line: string): void {
    this.all.push(line);
    for (const w of this.#waiters) {
      const match = w.pattern.exec(line);
      if (match) {
        this.#waiters.delete(w);
        w.resolve(match);
      }
    }
  }

  /** The first line, already printed or still to come, that matches `pattern`. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    for (const line of this.all) {
      const match = pattern.exec(line);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve) => this.#waiters.add({ pattern, resolve }));
  }
}

/** server-everything's Streamable HTTP server in a child process. */
export interface EverythingHttpProcess extends HttpServerProcess {
  /** The first output line matching `pattern`, printed already or later. */
  waitForOutput(pattern: RegExp): Promise<RegExpExecArray>;
}

/** A port that was free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/**
 * Starts `node <server-everything> streamableHttp`. It has no way to bind port 0 and report the port (it reads
 * `PORT` and prints the number it was given), so a free port is picked here and, if another process takes it
 * first (the server then exits with "already in use"), another one. It listens on every interface (express's
 * default, not configurable); the tests connect through 127.0.0.1.
 */
export async function spawnEverythingHttp(attempts = 5): Promise<EverythingHttpProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await startEverythingHttp(port);
    if (started !== 'port taken') return started;
    if (attempt >= attempts) throw new Error(`server-everything found no free port in ${attempts} attempts`);
  }
}

function startEverythingHttp(port: number): Promise<EverythingHttpProcess | 'port taken'> {
  const child = spawn(process.execPath, [EVERYTHING_JS, 'streamableHttp'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const lines = new Lines();
  // Both pipes are read to the end so the child never blocks on a full pipe.
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr }).on('line', (l) => lines.push(l));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let listening = false;
    child.once('error', reject);
    // 'close', not 'exit': by then both pipes have ended, so every line the server printed has been read.
    child.once('close', (code, signal) => {
      if (listening) return;
      if (lines.all.some((l) => l.includes('already in use'))) resolve('port taken');
      else reject(new Error(`server-everything exited (${String(code ?? signal)}) before listening:\n${lines.all.join('\n')}`));
    });
    void lines.waitFor(new RegExp(`listening on port ${port}\\b`)).then(() => {
      listening = true;
      resolve({
        url: new URL(`http://127.0.0.1:${port}/mcp`),
        output: () => lines.all.join('\n'),
        waitForOutput: (pattern) => lines.waitFor(pattern),
        close,
      });
    });
  });
}
