/**
 * The gateway as users run it: `mcpkit gateway --config FILE` in a child process, keys made with the CLI.
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MCPKIT = `${ROOT}packages/cli/bin/mcpkit.js`;
const run = promisify(execFile);

/** Runs `mcpkit ARGS`; resolves with its exit code and output (never rejects on a non-zero exit). */
export async function mcpkit(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MCPKIT, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Creates a key with the CLI and returns it. */
export async function createKey(config: string, scopes: string, id: string): Promise<string> {
  const out = await mcpkit(['gateway', 'keys', 'create', '--config', config, '--scopes', scopes, '--id', id, '--json']);
  if (out.code !== 0) throw new Error(`keys create failed (${out.code}): ${out.stderr}`);
  return (JSON.parse(out.stdout) as { key: string }).key;
}

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the gateway and resolves once it prints its URL. */
export function startGatewayProcess(config: string, extra: string[] = []): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [MCPKIT, 'gateway', '--config', config, ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const lines: string[] = [];
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return new Promise((resolve, reject) => {
    let announced = false;
    const onLine = (line: string) => {
      lines.push(line);
      const m = announced ? null : /serving \d+ servers at (\S+)/.exec(line);
      if (!m?.[1]) return;
      announced = true;
      resolve({
        url: m[1],
        child,
        output: () => lines.join('\n'),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const [code, signal] = await exited;
          return { code, signal };
        },
      });
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code, signal) => {
      if (!announced) reject(new Error(`the gateway exited (${String(code ?? signal)}) before serving:\n${lines.join('\n')}`));
    });
  });
}

/** Polls `check` until it is true (bounded). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts a fixture of test/gateway/fixtures that prints `listening URL` on stdout (an HTTP upstream every
 * replica connects to); resolves with its process (the caller kills it) and URL.
 */
export async function startFixtureServer(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [new URL(`./fixtures/${file}`, import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const m = /^listening (\S+)/.exec(line);
    if (m?.[1]) return { child, url: m[1] };
  }
  throw new Error(`the fixture ${file} exited before listening`);
}

/**
 * Writes replica `n`'s mcp.yaml in `dir` for the Redis replica suites: `servers` (the YAML under `servers:`,
 * indented two spaces), anonymous access to everything, an audit log and store of its own, Redis under
 * `prefix`, and sealed sessions keyed by $MCPKIT_TEST_SESSION_SECRET. Returns its path.
 */
export function writeRedisReplicaConfig(dir: string, n: number, servers: string, prefix: string, redisUrl = 'redis://127.0.0.1:6379'): string {
  const file = join(dir, `mcp-${n}.yaml`);
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
${servers}
anonymous: { scopes: [all] }
scopes:
  all: ["*"]
audit:
  sqlite: ${join(dir, `audit-${n}.db`)}
store:
  sqlite: ${join(dir, `gateway-${n}.db`)}
storage:
  redis: ${redisUrl}
  redisPrefix: "${prefix}"
sessions:
  secret: \${env:MCPKIT_TEST_SESSION_SECRET}
logLevel: warn
`,
  );
  return file;
}
