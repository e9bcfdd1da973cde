/**
 * The reference servers with `--http PORT` on a port that is taken: one line naming host:port, exit 2, no stack
 * (issue 13: a raw EADDRINUSE stack). Each built bin runs as a user would start it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-busy-port-'));
// An empty file is an empty SQLite database.
const db = join(dir, 'empty.db');
writeFileSync(db, '');

let taken: Server;
let port: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => taken.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function run(bin: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'servers', bin, 'dist', 'bin.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a reference server asked to listen on a port that is taken (issue 13)', () => {
  it.each([
    ['everything', () => []],
    ['filesystem', () => [dir]],
    ['sqlite', () => [db]],
    ['weather', () => []],
  ] as Array<[string, () => string[]]>)('mcpkit-%s says so in one line and exits 2', async (name, args) => {
    const r = await run(name, [...args(), '--http', String(port)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`mcpkit-${name}: cannot listen on 127.0.0.1:${port}: the port is already in use; choose another with --http PORT (0 picks a free one)\n`);
  });
});
