/**
 * Test harness: runs the built `mcpkit` as a child process, and starts the repository's servers over HTTP.
 * Not shipped (see the package's `files`).
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; tests run after `npx tsc -b`. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CLI = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
/** The everything server over stdio, as words after `--`. */
export const EVERYTHING = ['node', join(ROOT, 'servers', 'everything', 'dist', 'bin.js')];
/** The bench echo server over stdio. */
export const ECHO = [join(ROOT, 'scripts', 'bench-echo-server'), 'stdio'];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without colour forcing (vitest sets FORCE_COLOR) and without npm's own variables. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'FORCE_COLOR' && k !== 'NO_COLOR' && !k.startsWith('npm_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a program to completion and collects its output. */
export function run(file: string, args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd ?? ROOT, env: options.env ?? cleanEnv(), timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `node packages/cli/dist/bin.js ...args`. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], options);
}

export interface HttpServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts a server that prints its `http://…/mcp` URL (on stdout or stderr) and resolves with the URL. */
export function startHttpServer(file: string, args: string[]): Promise<HttpServer> {
  const child: ChildProcess = spawn(file, args, { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const url = /(http:\/\/[^\s]+\/mcp)\b/.exec(seen)?.[1];
      if (url) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve({
          url,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited (${String(code)}) before printing its URL:\n${seen}`)));
  });
}

/**
 * Runs `mcpkit ...args` on a pseudo-terminal (util-linux `script`), `cols` wide, typing each answer once its
 * prompt has appeared (and `delayMs` more). Resolves with everything the terminal showed (stdout and stderr together, `\r\n` line
 * ends, as a terminal gets them) and the exit code.
 */
export function runInTerminal(
  args: string[],
  options: { answers?: Array<[prompt: string, typed: string, delayMs?: number]>; cols?: number; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const line = [process.execPath, CLI, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', `stty cols ${options.cols ?? 80} rows 24; exec ${line}`, '/dev/null'], {
    cwd: ROOT,
    env: options.env ?? cleanEnv({ NO_COLOR: '1' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const answers = [...(options.answers ?? [])];
  let output = '';
  let searchFrom = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // Each answer waits for its own prompt, after the previous one.
    const next = answers[0];
    const at = next ? output.indexOf(next[0], searchFrom) : -1;
    if (next && at >= 0) {
      answers.shift();
      searchFrom = at + next[0].length;
      setTimeout(() => child.stdin!.write(next[1]), next[2] ?? 0);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
