import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBin } from './testing/harness.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mcpkit-fs-cli-')));
writeFileSync(join(dir, 'file.txt'), 'x');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mcpkit-filesystem command line', () => {
  it('exits 2 with a clear message on a usage error, writing nothing to stdout', async () => {
    for (const args of [['--http'], ['--http', 'abc'], ['--bogus', dir]]) {
      const r = await runBin(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^mcpkit-filesystem: (--http needs a port|unknown option)/);
      expect(r.stderr).toContain('usage: mcpkit-filesystem');
    }
  });

  it('exits 2 when a directory is missing or not a directory', async () => {
    const missing = await runBin([dir, join(dir, 'missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`mcpkit-filesystem: ${join(dir, 'missing')}: no such directory\n`);
    const file = await runBin([join(dir, 'file.txt')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(`mcpkit-filesystem: ${join(dir, 'file.txt')}: not a directory\n`);
  });

  it('prints help on stdout and exits 0', async () => {
    const r = await runBin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: mcpkit-filesystem \[--http PORT\] \[DIR\.\.\.\]/);
  });

  it('in stdio mode writes nothing but MCP to stdout, and exits when stdin ends', async () => {
    const child = spawn(process.execPath, [BIN, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.stdin.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    for (const line of out.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(err).toContain(`allowed directories: ${dir}`);
  });
});
