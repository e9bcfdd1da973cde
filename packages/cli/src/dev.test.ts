/**
 * `mcpkit run` and `mcpkit dev` (issue 13) on a TypeScript server written to a temporary folder: run as a host's
 * stdio command, dev's summary after a start and after an edit, a crash reported with its exit code and stderr,
 * and Ctrl-C leaving no server process behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, cleanEnv, runCli } from './testing/harness.js';

let dir: string;

/** A ten-line server with one tool per name; it prints its pid on stderr. */
function serverSource(tools: string[], extra = ''): string {
  return `import { McpServer } from '@mcpkit/server';
import { serveStdio } from '@mcpkit/server/node';

const server = new McpServer({ name: 'tiny', version: '1.0.0' });
const names: string[] = ${JSON.stringify(tools)};
for (const name of names) server.tool(name, { inputSchema: { type: 'object' } }, () => ({ content: [{ type: 'text' as const, text: name }] }));
console.error(\`tiny pid=\${process.pid}\`);
${extra}
await serveStdio(server);
`;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpkit-dev-'));
  // The server imports @mcpkit/server as a project of its own would: from its node_modules.
  mkdirSync(join(dir, 'node_modules', '@mcpkit'), { recursive: true });
  for (const pkg of ['server', 'protocol']) symlinkSync(join(ROOT, 'packages', pkg), join(dir, 'node_modules', '@mcpkit', pkg), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `mcpkit ...args` as a process whose output can be awaited line by line. */
function startCli(args: string[]): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp, from?: number) => Promise<RegExpExecArray>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv({ NO_COLOR: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, from = 0): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(output.slice(from));
        if (match) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${pattern} within 30 s; the output so far:\n${output}`));
      }, 30_000);
      listeners.add(check);
      check();
    });
  return { child, output: () => output, waitFor, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('mcpkit run', () => {
  it('runs a TypeScript server with no build step, as the stdio command a host starts', async () => {
    const file = write('run-server.ts', serverSource(['hello']));
    const r = await runCli(['list', '--json', '--', process.execPath, CLI, 'run', file]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toEqual(['hello']);
  }, 60_000);

  it("exits with the server's exit code, its stderr passed through", async () => {
    const file = write('run-exit.ts', `const code: number = 7;\nconsole.error('bad config: no token');\nprocess.exit(code);\n`);
    const r = await runCli(['run', file]);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`bad config: no token\nmcpkit run: ${file} exited with code 7\n`);
  }, 60_000);

  it('passes Ctrl-C on to the server and exits as it did (128 + SIGINT), leaving no process behind', async () => {
    const file = write('run-forever.ts', `const tick: number = 1000;\nsetInterval(() => undefined, tick);\nconsole.error(\`forever pid=\${process.pid}\`);\n`);
    const cli = startCli(['run', file]);
    try {
      const pid = Number((await cli.waitFor(/forever pid=(\d+)\n/))[1]);
      expect(alive(pid)).toBe(true);
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(130);
      expect(alive(pid)).toBe(false);
      expect(cli.output()).toBe(`forever pid=${pid}\n`);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a file that does not exist (exit 2)', async () => {
    const r = await runCli(['run', join(dir, 'missing.ts')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'missing.ts')}: no such file`);
  }, 60_000);
});

describe('mcpkit dev', () => {
  it('prints how to connect and what the server offers, restarts on a change, and Ctrl-C stops the server and itself', async () => {
    const file = write('server.ts', serverSource(['hello']));
    const cli = startCli(['dev', file]);
    try {
      await cli.waitFor(/✓ tiny 1\.0\.0 is up/);
      const out = cli.output();
      expect(out).toContain(`  mcpkit list -- node --import ${import.meta.resolve('tsx')} ${file}\n`);
      expect(out).toMatch(/"command": "node",\n\s+"args": \[\n\s+"--import",/);
      expect(out).toMatch(/ {2}tools \(1\) +hello\n/);
      expect(out).toMatch(/ {2}prompts +\(not offered\)\n/);
      const firstPid = Number((await cli.waitFor(/tiny pid=(\d+)/))[1]);
      // Writes under node_modules, dist and .git are no edits of the server.
      for (const ignored of ['node_modules', 'dist', '.git']) {
        mkdirSync(join(dir, ignored), { recursive: true });
        writeFileSync(join(dir, ignored, 'noise.js'), 'export {};\n');
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(cli.output()).not.toContain('restarting');
      const mark = cli.output().length;
      write('server.ts', serverSource(['hello', 'goodbye']));
      await cli.waitFor(/↻ server\.ts changed: restarting\n/, mark);
      const summary = await cli.waitFor(/tools \(2\) +(.*)\n/, mark);
      expect(summary[1]).toBe('hello, goodbye');
      const secondPid = Number((await cli.waitFor(/tiny pid=(\d+)/, mark))[1]);
      expect(secondPid).not.toBe(firstPid);
      expect(alive(firstPid)).toBe(false);
      expect(alive(secondPid)).toBe(true);
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(130);
      expect(alive(secondPid)).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 90_000);

  it('--http: gives the server --http PORT, connects to the URL it prints and leaves it serving; SIGTERM stops it as Ctrl-C does', async () => {
    const file = write(
      'http-server.ts',
      `import { McpServer } from '@mcpkit/server';
import { serveHttp } from '@mcpkit/server/node';

const server = new McpServer({ name: 'tiny-http', version: '2.0.0' });
server.tool('ping', { inputSchema: { type: 'object' } }, () => ({ content: [{ type: 'text' as const, text: 'pong' }] }));
const at: number = process.argv.indexOf('--http');
const handle = await serveHttp(server, { port: Number(process.argv[at + 1]) });
console.error(\`tiny-http pid=\${process.pid} listening on \${handle.url}\`);
`,
    );
    const cli = startCli(['dev', '--http', '0', file]);
    try {
      const url = (await cli.waitFor(/Connect to it:\n {2}mcpkit list --url (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/))[1]!;
      await cli.waitFor(/✓ tiny-http 2\.0\.0 is up/);
      expect(cli.output()).toMatch(/ {2}tools \(1\) +ping\n/);
      const pid = Number((await cli.waitFor(/\[server stderr\] tiny-http pid=(\d+)/))[1]);
      // dev disconnected; the server goes on serving other clients.
      const call = await runCli(['call', 'ping', '--url', url]);
      expect(call).toMatchObject({ code: 0, stdout: 'pong\n' });
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(143);
      expect(alive(pid)).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 90_000);

  it('reports a crash with its exit code and the end of its stderr, and waits for the next change', async () => {
    const file = write('crash.ts', serverSource(['hello'], "console.error('missing API_KEY');\nprocess.exit(3);"));
    const cli = startCli(['dev', file]);
    try {
      const report = await cli.waitFor(/✗ the server exited with code 3 after [\d.]+ s\n {2}the last lines of its stderr:\n((?: {4}.*\n)+) {2}waiting for a change to restart it \(Ctrl-C to stop\)\n/);
      expect(report[1]).toMatch(/^ {4}tiny pid=\d+\n {4}missing API_KEY\n$/);
      expect(cli.output()).toContain('[server stderr] missing API_KEY\n');
      const mark = cli.output().length;
      write('crash.ts', serverSource(['fixed']));
      await cli.waitFor(/tools \(1\) +fixed\n/, mark);
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(130);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 90_000);
});
