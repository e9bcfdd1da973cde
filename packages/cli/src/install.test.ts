/**
 * `mcpkit install` into each host's format, always with --file in a temp folder: merging with what is there,
 * a backup, refusal without --force, --dry-run writing nothing, VS Code's comments kept.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'jsonc-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunResult, cleanEnv, runCli as runAnyCli } from './testing/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A fresh folder per test. */
function folder(): string {
  const d = join(dir, String(n++));
  mkdirSync(d);
  return d;
}
/** mcpkit's state directory for these tests, where install keeps its backups. */
const state = join(dir, 'state');
const backupDir = join(state, 'mcpkit', 'backups');
/** Runs mcpkit with the backups going to this test's own state directory. */
function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return runAnyCli(args, { ...options, env: cleanEnv({ XDG_STATE_HOME: state, ...options.env }) });
}
const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
/** The backups kept for configuration files named `base`. */
const backups = (base: string): string[] => (existsSync(backupDir) ? readdirSync(backupDir).filter((f) => f.includes(`-${base}.`) && f.endsWith('.bak')) : []);

describe('mcpkit install never writes a key from the environment', () => {
  it('leaves $MCPKIT_API_KEY (meant for this shell’s calls) out of the entry it writes', async () => {
    const file = join(folder(), '.mcp.json');
    const r = await runCli(['install', 'claude-code', 'gw', '--file', file, '--url', 'http://127.0.0.1:8080/mcp'], { env: { MCPKIT_API_KEY: 'mcpk_do-not-write-me' } });
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('mcpk_do-not-write-me');
  });
});

describe('mcpkit install: each host in its own format', () => {
  it('claude-desktop: mcpServers.{name}: {command, args, env}, keeping the other keys and servers', async () => {
    const d = folder();
    const file = join(d, 'claude_desktop_config.json');
    writeFileSync(file, JSON.stringify({ globalShortcut: 'Ctrl+Space', mcpServers: { other: { command: 'other-server', args: [] } } }, null, 2));
    const r = await runCli(['install', 'claude-desktop', 'weather', '--file', file, '--env', 'UNITS=metric', '--', 'npx', '-y', 'mcpkit-weather']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Added weather in Claude Desktop's configuration: ${file}`);
    expect(read(file)).toEqual({
      globalShortcut: 'Ctrl+Space',
      mcpServers: {
        other: { command: 'other-server', args: [] },
        weather: { command: 'npx', args: ['-y', 'mcpkit-weather'], env: { UNITS: 'metric' } },
      },
    });
    const [backup] = backups('claude_desktop_config.json');
    expect(read(join(backupDir, backup!))).toEqual({ globalShortcut: 'Ctrl+Space', mcpServers: { other: { command: 'other-server', args: [] } } });
    expect(r.stdout).toContain(`backup of the previous file (only the latest is kept, readable by you alone): ${join(backupDir, backup!)}`);
  });

  it('claude-desktop refuses a remote server (exit 2)', async () => {
    const file = join(folder(), 'c.json');
    const r = await runCli(['install', 'claude-desktop', 'remote', '--file', file, '--url', 'http://127.0.0.1:3000/mcp']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('only starts local (stdio) servers');
  });

  it('claude-code: a new .mcp.json with type "stdio" and type "http" entries, no backup of a file that did not exist', async () => {
    const d = folder();
    const file = join(d, '.mcp.json');
    expect((await runCli(['install', 'claude-code', 'local', '--file', file, '--', 'node', 'server.js'])).code).toBe(0);
    const r = await runCli(['install', 'claude-code', 'remote', '--file', file, '--url', 'https://example.com/mcp', '--bearer', 'tok', '--header', 'X-Team: a']);
    expect(r.code, r.stderr).toBe(0);
    expect(read(file)).toEqual({
      mcpServers: {
        local: { type: 'stdio', command: 'node', args: ['server.js'] },
        remote: { type: 'http', url: 'https://example.com/mcp', headers: { 'X-Team': 'a', Authorization: 'Bearer tok' } },
      },
    });
    expect(readdirSync(d)).toEqual(['.mcp.json']);
  });

  it('cursor: mcpServers with {command, args} and {url, headers}', async () => {
    const file = join(folder(), 'mcp.json');
    expect((await runCli(['install', 'cursor', 'a', '--file', file, '--', 'uvx', 'some-server'])).code).toBe(0);
    expect((await runCli(['install', 'cursor', 'b', '--file', file, '--url', 'http://127.0.0.1:9/mcp'])).code).toBe(0);
    expect(read(file)).toEqual({ mcpServers: { a: { command: 'uvx', args: ['some-server'] }, b: { url: 'http://127.0.0.1:9/mcp' } } });
  });

  it('cursor --project writes .cursor/mcp.json in the current folder', async () => {
    const d = folder();
    const r = await runCli(['install', 'cursor', 'p', '--project', '--', 'node', 'x.js'], { cwd: d });
    expect(r.code, r.stderr).toBe(0);
    expect(read(join(d, '.cursor', 'mcp.json'))).toEqual({ mcpServers: { p: { command: 'node', args: ['x.js'] } } });
  });

  it('claude-code and vscode default to the project files .mcp.json and .vscode/mcp.json', async () => {
    const d = folder();
    expect((await runCli(['install', 'claude-code', 'x', '--', 'node', 'x.js'], { cwd: d })).code).toBe(0);
    expect((await runCli(['install', 'vscode', 'x', '--', 'node', 'x.js'], { cwd: d })).code).toBe(0);
    expect(read(join(d, '.mcp.json'))).toEqual({ mcpServers: { x: { type: 'stdio', command: 'node', args: ['x.js'] } } });
    expect(read(join(d, '.vscode', 'mcp.json'))).toEqual({ servers: { x: { type: 'stdio', command: 'node', args: ['x.js'] } } });
  });
});

const VSCODE = `{
\t// Servers for this workspace
\t"inputs": [
\t\t{ "type": "promptString", "id": "token", "password": true } // asked once
\t],
\t"servers": {
\t\t/* the team's server */
\t\t"team": { "type": "http", "url": "https://team.example/mcp", "headers": { "Authorization": "Bearer \${input:token}" } },
\t},
}
`;

describe('mcpkit install vscode: JSONC', () => {
  it('keeps every comment, the trailing commas, the tabs and the neighbouring entry as written', async () => {
    const file = join(folder(), 'mcp.json');
    writeFileSync(file, VSCODE);
    const r = await runCli(['install', 'vscode', 'everything', '--file', file, '--', 'npx', '-y', 'mcpkit-everything']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    for (const kept of ['// Servers for this workspace', '// asked once', '/* the team\'s server */', '\t\t"team": { "type": "http", "url": "https://team.example/mcp", "headers": { "Authorization": "Bearer ${input:token}" } },']) {
      expect(text).toContain(kept);
    }
    expect(text).toContain('\t\t"everything": {\n\t\t\t"type": "stdio",');
    expect(parse(text)).toEqual({
      inputs: [{ type: 'promptString', id: 'token', password: true }],
      servers: {
        team: { type: 'http', url: 'https://team.example/mcp', headers: { Authorization: 'Bearer ${input:token}' } },
        everything: { type: 'stdio', command: 'npx', args: ['-y', 'mcpkit-everything'] },
      },
    });
  });

  it('keeps a comment that ends the last entry\'s line on that line (issue 13)', async () => {
    const file = join(folder(), 'mcp.json');
    writeFileSync(file, '{\n  "servers": {\n    "a": { "command": "a" }, // the team server\n    "b": { "command": "b" } // pinned: do not update\n  } // end\n}\n');
    const r = await runCli(['install', 'vscode', 'c', '--file', file, '--', 'node']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(
      '{\n  "servers": {\n    "a": { "command": "a" }, // the team server\n    "b": { "command": "b" }, // pinned: do not update\n' +
        '    "c": {\n      "type": "stdio",\n      "command": "node",\n      "args": []\n    }\n  } // end\n}\n',
    );
  });

  it('keeps CRLF line endings, and a trailing comment, when adding the server map itself', async () => {
    const file = join(folder(), 'mcp.json');
    writeFileSync(file, '{\r\n  "inputs": [] // none\r\n}\r\n');
    const r = await runCli(['install', 'vscode', 'x', '--file', file, '--', 'node']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\r\n {2}"inputs": \[\], \/\/ none\r\n {2}"servers": \{\r\n/);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('refuses to replace an entry whose comments would be lost, even with --force', async () => {
    const file = join(folder(), 'mcp.json');
    writeFileSync(file, '{\n  "servers": {\n    "x": { "command": "old" /* why: pinned */ }\n  }\n}\n');
    const r = await runCli(['install', 'vscode', 'x', '--force', '--file', file, '--', 'node', 'new.js']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('would drop a comment inside its entry ("/* why: pinned */")');
    expect(readFileSync(file, 'utf8')).toContain('why: pinned');
  });
});

describe('mcpkit install: never clobbering', () => {
  it('refuses an existing name without --force (exit 2, file unchanged), replaces it with --force', async () => {
    const d = folder();
    const file = join(d, '.mcp.json');
    const before = JSON.stringify({ mcpServers: { x: { type: 'stdio', command: 'old', args: [] } } }, null, 2) + '\n';
    writeFileSync(file, before);
    const refused = await runCli(['install', 'claude-code', 'x', '--file', file, '--', 'node', 'new.js']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file} already has a server named "x"`);
    expect(refused.stderr).toContain('pass --force to replace it');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(d)).toEqual(['.mcp.json']);
    const forced = await runCli(['install', 'claude-code', 'x', '--force', '--file', file, '--', 'node', 'new.js']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Replaced x');
    expect(read(file)).toEqual({ mcpServers: { x: { type: 'stdio', command: 'node', args: ['new.js'] } } });
  });

  it('--dry-run prints the resulting file and writes nothing', async () => {
    const d = folder();
    const file = join(d, 'mcp.json');
    writeFileSync(file, '{"mcpServers": {}}\n');
    const r = await runCli(['install', 'cursor', 'dry', '--dry-run', '--file', file, '--', 'node', 'x.js']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mcpServers: { dry: { command: 'node', args: ['x.js'] } } });
    expect(r.stderr).toContain('dry run');
    expect(readFileSync(file, 'utf8')).toBe('{"mcpServers": {}}\n');
    expect(readdirSync(d)).toEqual(['mcp.json']);
    const missing = join(d, 'new', 'mcp.json');
    expect((await runCli(['install', 'cursor', 'dry', '--dry-run', '--file', missing, '--', 'node'])).code).toBe(0);
    expect(readdirSync(d)).toEqual(['mcp.json']);
  });

  it('refuses a file it cannot parse, naming line and column (strict JSON for Claude Desktop)', async () => {
    const file = join(folder(), 'claude_desktop_config.json');
    writeFileSync(file, '{\n  // a comment\n  "mcpServers": {}\n}\n');
    const r = await runCli(['install', 'claude-desktop', 'x', '--file', file, '--', 'node']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:3: cannot read the file`);
    expect(readFileSync(file, 'utf8')).toContain('// a comment');
  });

  it("keeps the file's permissions and writes through a symlink to its target", async () => {
    const d = folder();
    const real = join(d, 'real.json');
    writeFileSync(real, '{}\n');
    chmodSync(real, 0o600);
    symlinkSync(real, join(d, 'link.json'));
    const r = await runCli(['install', 'cursor', 'x', '--file', join(d, 'link.json'), '--', 'node']);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(read(real)).toEqual({ mcpServers: { x: { command: 'node', args: [] } } });
    expect(statSync(real).mode & 0o777).toBe(0o600);
  });

  // One test per command line: each runs mcpkit as a process, which takes a while on a loaded machine.
  const file = join(dir, 'refused.json');
  it.each<[string[], string]>([
    [['install', 'zed', 'x', '--file', file, '--', 'node'], 'Allowed choices are claude-desktop, claude-code, vscode, cursor'],
    [['install', 'cursor', 'bad name!', '--file', file, '--', 'node'], 'server name "bad name!" is not usable'],
    [['install', 'vscode', 'x', '--project', '--', 'node'], '--project applies to cursor'],
    [['install', 'cursor', 'x', '--file', file], 'no server given\n  hint: give the server as `-- COMMAND ARGS...` or `--url URL`\n'],
    [['install', 'cursor', 'x', '--file', file, '--url', 'http://127.0.0.1:1/mcp', '--', 'node'], 'give one server, not `-- COMMAND` and --url\n  hint: give the server as `-- COMMAND ARGS...` or `--url URL`\n'],
    [['install', 'cursor', 'x', '--config', file, '--', 'node'], "unknown option '--config'"],
  ])('rejects an unknown client, a bad name, --project outside cursor, no server, two servers, --config: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(file)).toBe(false);
  });
});

describe('mcpkit install: what the host will run (issue 13)', () => {
  it('writes relative paths absolute, says so, and warns about one that does not exist', async () => {
    const d = folder();
    writeFileSync(join(d, 'server.js'), '');
    mkdirSync(join(d, 'data'));
    const r = await runCli(['install', 'claude-code', 'x', '--', 'node', 'server.js', '--root=./data', './dist/index.js', '-y', '@scope/pkg', 'https://example.com/x'], { cwd: d });
    expect(r.code, r.stderr).toBe(0);
    expect(read(join(d, '.mcp.json'))).toEqual({
      mcpServers: {
        x: { type: 'stdio', command: 'node', args: [join(d, 'server.js'), `--root=${join(d, 'data')}`, join(d, 'dist', 'index.js'), '-y', '@scope/pkg', 'https://example.com/x'] },
      },
    });
    expect(r.stdout).toContain(`paths made absolute (hosts start servers from another directory): server.js → ${join(d, 'server.js')}, --root=./data → --root=${join(d, 'data')}, ./dist/index.js → ${join(d, 'dist', 'index.js')}`);
    expect(r.stderr).toBe(`mcpkit: warning: ${join(d, 'dist', 'index.js')} does not exist (yet): the server will not start until it does\n`);
  });

  it('writes a relative command absolute, and warns about a command that cannot be found', async () => {
    const d = folder();
    const file = join(d, 'mcp.json');
    const missing = await runCli(['install', 'cursor', 'a', '--file', file, '--', 'mcpkit-no-such-command-xyz']);
    expect(missing.code, missing.stderr).toBe(0);
    expect(missing.stderr).toContain('the command `mcpkit-no-such-command-xyz` is not on your PATH, so the host will not find it either: install it, or give its full path');
    const script = join(d, 'bin', 'server');
    mkdirSync(join(d, 'bin'));
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o755);
    const relative = await runCli(['install', 'cursor', 'b', '--file', file, '--', './bin/server'], { cwd: d });
    expect(relative.code, relative.stderr).toBe(0);
    expect(relative.stderr).toBe('');
    expect(read(file)).toMatchObject({ mcpServers: { b: { command: script, args: [] } } });
  });

  it('keeps one backup per file, 0600, outside the project, and says where', async () => {
    const d = folder();
    const first = await runCli(['install', 'vscode', 'a', '--', 'node'], { cwd: d });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('backup');
    for (const name of ['b', 'c']) {
      const r = await runCli(['install', 'vscode', name, '--', 'node'], { cwd: d });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`backup of the previous file \\(only the latest is kept, readable by you alone\\): ${backupDir}/\\S+\\.bak\\n`));
    }
    // Nothing piles up beside the file: the project holds its configuration and nothing else.
    expect(readdirSync(join(d, '.vscode'))).toEqual(['mcp.json']);
    const kept = readdirSync(backupDir).filter((f) => f.startsWith(`${basename(d)}-.vscode-mcp.json.`));
    expect(kept).toHaveLength(1);
    const backup = join(backupDir, kept[0]!);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    // The previous version: a and b, before c was added.
    expect(Object.keys((read(backup) as { servers: object }).servers)).toEqual(['a', 'b']);
  });
});
