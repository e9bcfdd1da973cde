// `mcpkit call --task` (issue 13) as a process against an in-process McpServer with task tools over HTTP:
// status lines, the result, Ctrl-C cancelling the task on the server, and a server without tasks.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpServer } from '@mcpkit/server';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { CLI, ROOT, cleanEnv, runCli, runInTerminal } from './testing/harness.js';

let http: HttpServerHandle;
const aborted: string[] = [];

beforeAll(async () => {
  const server = new McpServer({ name: 'task-fixture', version: '1' }, { tasks: { pollIntervalMs: 50 }, onError: () => undefined });
  server.tool('slow', { task: 'optional', inputSchema: { type: 'object', properties: { ms: { type: 'number' } } } }, async (args, ctx) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Number(args.ms ?? 300));
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        aborted.push(String(args.ms));
        resolve();
      });
    });
    return { content: [{ type: 'text', text: `slept ${String(args.ms ?? 300)}` }] };
  });
  server.tool('broken', { task: 'optional' }, () => ({ content: [{ type: 'text', text: 'nope' }], isError: true }));
  http = await serveHttp(server, { port: 0 });
});

afterAll(async () => {
  await http.close();
});

describe('mcpkit call --task (issue 13)', () => {
  it('shows each status change on stderr and prints the result like a plain call', async () => {
    const r = await runCli(['call', 'slow', '{"ms": 300}', '--task', '--url', http.url]);
    expect(r.stderr).toMatch(/^task [0-9a-f-]+: working$/m);
    expect(r.stderr).toMatch(/^task [0-9a-f-]+: completed$/m);
    expect(r.stdout).toContain('slept 300');
    expect(r.code).toBe(0);
  });

  it('prints the result as JSON with --json, and exits 1 for an error result', async () => {
    const r = await runCli(['call', 'slow', '{"ms": 50}', '--task', '--json', '--url', http.url]);
    expect(JSON.parse(r.stdout)).toEqual({ content: [{ type: 'text', text: 'slept 50' }] });
    const bad = await runCli(['call', 'broken', '--task', '--url', http.url]);
    expect(bad.stdout).toContain('nope');
    expect(bad.code).toBe(1);
  });

  it('redraws one status line on a terminal', async () => {
    const r = await runInTerminal(['call', 'slow', '{"ms": 400}', '--task', '--url', http.url]);
    expect(r.code).toBe(0);
    expect(r.output).toContain('slept 400');
    // Redrawn in place: the status is never followed by a newline.
    expect(r.output).toMatch(/\rtask [0-9a-f-]+: working\x1b\[K/);
    expect(r.output).not.toMatch(/task [0-9a-f-]+: working\r?\n/);
  });

  it('cancels the task on the server on Ctrl-C and exits 130', async () => {
    const child = spawn(process.execPath, [CLI, 'call', 'slow', '{"ms": 30000}', '--task', '--url', http.url], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const working = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (/: working/.test(stderr)) resolve();
      }),
    );
    await working;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/task [0-9a-f-]+ cancelled on the server/);
    expect(aborted).toContain('30000');
  });

  it('fails with exit 4 and a hint when the server has no tasks (session era)', async () => {
    const r = await runCli(['call', 'slow', '--task', '--protocol', '2025-11-25', '--url', http.url]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('as a task');
    expect(r.stderr).toContain('without --task');
  });
});
