/**
 * Test harness: runs the real `mcpkit inspect --no-open …` (packages/cli/bin/mcpkit.js) and waits for the line
 * with its URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const MCPKIT = fileURLToPath(new URL('../../cli/bin/mcpkit.js', import.meta.url));
export const EVERYTHING = fileURLToPath(new URL('../../../servers/everything/dist/bin.js', import.meta.url));
export const HOSTILE = fileURLToPath(new URL('./hostile-server.mjs', import.meta.url));
export const FORMS = fileURLToPath(new URL('./forms-server.mjs', import.meta.url));
export const ASKS = fileURLToPath(new URL('./asks-server.mjs', import.meta.url));

export interface InspectProcess {
  child: ChildProcess;
  /** The printed URL, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Everything a finished `mcpkit` run wrote, and how it exited. */
export function runMcpkit(args: string[], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MCPKIT, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcpkit ${args.join(' ')} did not exit in ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `mcpkit inspect --no-open ARGS…` and resolves once it printed its URL. */
export function startInspect(args: string[], timeoutMs = 15_000, env: Record<string, string> = {}): Promise<InspectProcess> {
  const child = spawn(process.execPath, [MCPKIT, 'inspect', '--no-open', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcpkit inspect printed no URL in ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    void exited.then((code) => reject(new Error(`mcpkit inspect exited (${code}) before printing its URL: ${stderr}`)));
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child,
        url: m[0],
        origin: m[1]!,
        port: Number(m[2]),
        token: m[3]!,
        stdout: () => stdout,
        stderr: () => stderr,
        async stop() {
          if (child.exitCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
          const code = await exited;
          clearTimeout(timeout);
          return code;
        },
      });
    });
  });
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
