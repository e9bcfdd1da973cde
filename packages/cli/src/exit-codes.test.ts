/**
 * Exit codes, exactly as `mcpkit --help` documents them, each with a message that says what went wrong and
 * what to do: 0 success, 1 isError, 2 usage, 3 cannot connect, 4 protocol error.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ECHO, EVERYTHING, runCli } from './testing/harness.js';

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('exit code 1: the tool returned isError', () => {
  it('prints the result, then says so on stderr', async () => {
    const r = await runCli(['call', 'fail', '--', ...EVERYTHING]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('This tool always fails\n');
    expect(r.stderr).toContain('tool "fail" returned an error result (isError)');
  });

  it('arguments that break the input schema come back as an isError result (spec 2025-11-25 server/tools)', async () => {
    const r = await runCli(['call', 'echo', '{"text": 5}', '--', ...ECHO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('arguments.text');
  });

  it('--json still prints the whole result, and only it, on stdout', async () => {
    const r = await runCli(['call', 'fail', '--json', '--', ...EVERYTHING]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ isError: true, content: [{ type: 'text', text: 'This tool always fails' }] });
  });
});

describe('exit code 2: usage errors', () => {
  it('bad JSON args: the position where parsing failed, and a caret under it', async () => {
    const r = await runCli(['call', 'echo', '{"text" "hi"}', '--', ...EVERYTHING]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("JSON_ARGS is not valid JSON: expected ':' at position 8");
    expect(r.stderr).toContain('  {"text" "hi"}\n          ^\n');
  });

  it('JSON args that are not an object, and prompt arguments that are not strings', async () => {
    const array = await runCli(['call', 'echo', '["hi"]', '--', ...EVERYTHING]);
    expect(array.code).toBe(2);
    expect(array.stderr).toContain('JSON_ARGS must be a JSON object, not an array');
    const number = await runCli(['get', 'greeting', '{"name": 1}', '--', ...EVERYTHING]);
    expect(number.code).toBe(2);
    expect(number.stderr).toContain('prompt argument "name" is number, but prompt arguments are strings');
  });

  // One test per command line: each runs mcpkit as a process, and thirteen of them in one test could outlast
  // its time limit on a loaded machine.
  it.each<[string[], RegExp]>([
    [['list'], /no server given\n {2}hint: give the server as `-- COMMAND ARGS\.\.\.`, `--url URL` or `--config FILE --server NAME`/],
    [['list', '--url', 'http://127.0.0.1:1/mcp', '--', 'node'], /give one server, not `-- COMMAND` and --url/],
    [['list', '--'], /nothing follows `--`/],
    [['list', '--timeout', 'soon', '--', 'x'], /--timeout <ms>' argument 'soon' is invalid/],
    [['list', '--protocol', '2099-01-01', '--', 'x'], /Allowed choices are auto, 2024-11-05/],
    [['list', 'widgets', '--', 'x'], /Allowed choices are tools, resources, templates, prompts/],
    [['list', '--bogus', '--', 'x'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['call', '--', 'x'], /missing required argument 'tool'/],
    [['list', '--url', 'not a url'], /--url "not a url" is not a URL/],
    [['list', '--header', 'no colon', '--url', 'http://127.0.0.1:1/mcp'], /--header "no colon" is not "Name: value"/],
    [['list', '--server', 'x'], /--server needs --config FILE/],
    [['list', '--config', '/no/such/file.json', '--server', 'x'], /\/no\/such\/file\.json: cannot read the file: no such file/],
  ])('no server, two servers, a bad option value, an unknown option or command, a missing argument: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('--help documents the exit codes and exits 0; no command at all is a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:\n  0    success\n  1    the tool returned an error result (isError)\n  2    usage error');
    expect(help.stdout).toMatch(/^ {2}3 {4}cannot connect/m);
    expect(help.stdout).toMatch(/^ {2}4 {4}protocol error/m);
    expect((await runCli(['call', '--help'])).stdout).toContain('Exit codes:');
    expect((await runCli([])).code).toBe(2);
  });
});

describe('exit code 3: cannot connect', () => {
  it('a command that does not exist', async () => {
    const r = await runCli(['list', '--', 'mcpkit-no-such-command-xyz', '--flag']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot connect to `mcpkit-no-such-command-xyz --flag`: could not start `mcpkit-no-such-command-xyz`: command not found (ENOENT)');
    expect(r.stderr).toContain('hint: check that the command is installed and on your PATH');
  });

  it('a server that exits: its exit code and the tail of its stderr', async () => {
    const script = 'console.error("loading config"); console.error("fatal: API_KEY is not set"); process.exit(7)';
    const r = await runCli(['list', '--json', '--', 'node', '-e', script]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('exited with code 7; the end of its stderr:\nloading config\nfatal: API_KEY is not set\n');
    expect(r.stderr).toContain('hint: the server stopped');
  });

  it('a server that exits before mcpkit writes to it: still its exit code, never "stdin is closed" (issue 13)', async () => {
    // sh exits long before node would: mcpkit's first write meets the closed pipe before the exit is seen.
    const r = await runCli(['list', '--', 'sh', '-c', 'echo "fatal: API_KEY is not set" >&2; exit 7']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('MCP server `sh` exited with code 7; the end of its stderr:\nfatal: API_KEY is not set\n');
    expect(r.stderr).not.toContain('stdin is closed');
  });

  it('a server that never answers, with --timeout', async () => {
    // sh, not node: its stderr line must be out before the 300 ms are, even on a busy machine.
    const r = await runCli(['list', '--timeout', '300', '--', 'sh', '-c', 'echo "up, but silent" >&2; exec sleep 600']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('(--timeout 300)');
    expect(r.stderr).toContain('up, but silent');
    expect(r.stderr).not.toContain('warning');
  });

  it('an HTTP server that is not there, and an HTTP path that is not an MCP endpoint', async () => {
    const port = await closedPort();
    const refused = await runCli(['list', '--url', `http://127.0.0.1:${port}/mcp`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`cannot connect to http://127.0.0.1:${port}/mcp`);
    expect(refused.stderr).toContain('ECONNREFUSED');
    expect(refused.stderr).toContain('hint: check the URL, and that the server is running');
    const notMcp = createHttpServer((_req, res) => void res.writeHead(404, { 'content-type': 'text/plain' }).end('nothing here'));
    await new Promise<void>((resolve) => notMcp.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(notMcp.address() as { port: number }).port}/api`;
      const r = await runCli(['list', '--url', url]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('HTTP 404');
      expect(r.stderr).toContain('hint: check the URL path: MCP servers usually listen on /mcp');
    } finally {
      await new Promise<void>((resolve) => notMcp.close(() => resolve()));
    }
  });
});

describe('exit code 4: protocol errors', () => {
  it('an unknown tool: the JSON-RPC error and where to look', async () => {
    const r = await runCli(['call', 'no_such_tool', '--', ...EVERYTHING]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the server answered to tools\/call no_such_tool with JSON-RPC error -32602: .*no_such_tool/);
    expect(r.stderr).toContain('`mcpkit list tools`');
  });

  it('an unknown resource and an unknown prompt', async () => {
    const read = await runCli(['read', 'demo://nothing', '--', ...EVERYTHING]);
    expect(read.code).toBe(4);
    expect(read.stderr).toContain('resources/read demo://nothing');
    expect((await runCli(['get', 'nope', '--protocol', '2025-11-25', '--', ...EVERYTHING])).code).toBe(4);
  });

  it('a pinned revision the server does not speak', async () => {
    // The server speaks only the session era: a pinned stateless revision must not fall back to it.
    const r = await runCli(['discover', '--protocol', '2026-07-28', '--', 'node', '-e', LEGACY_SERVER]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('does not speak protocol 2026-07-28');
    // It answers initialize with 2025-06-18 whatever it is asked: a pinned session-era revision is held to.
    const other = await runCli(['discover', '--protocol', '2025-11-25', '--', 'node', '-e', LEGACY_SERVER]);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain('does not speak protocol 2025-11-25 (it offered 2025-06-18)');
  });
});

/** A minimal session-era-only stdio server: answers initialize, and -32601 to everything else. */
const LEGACY_SERVER = `
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  const reply = m.method === 'initialize'
    ? { result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'legacy', version: '1' } } }
    : { error: { code: -32601, message: 'Method not found' } };
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, ...reply }) + '\\n');
});`;

describe('a session-era-only server', () => {
  it('is discovered through the fallback to initialize', async () => {
    const r = await runCli(['discover', '--json', '--', 'node', '-e', LEGACY_SERVER]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ era: 'session', protocolVersion: '2025-06-18', serverInfo: { name: 'legacy' } });
  });
});
