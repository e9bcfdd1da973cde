/**
 * A stdio server that writes to stdout what is not an MCP message (issue 13: ~300 identical warnings, then a
 * 60 s wait): one warning with a count when the server works anyway, and an early diagnosis (exit 3) when it
 * writes nothing else. The CLI runs as a child process against real servers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './testing/harness.js';

const EVERYTHING_BIN = join(ROOT, 'servers', 'everything', 'dist', 'bin.js');

/** `node -e` with a server that first logs `lines` lines to stdout, then runs the everything server. */
function noisyEverything(lines: number): string[] {
  return ['node', '-e', `for (let i = 1; i <= ${lines}; i++) console.log('loading plugin ' + i); import(${JSON.stringify(EVERYTHING_BIN)});`];
}

describe('a stdio server that logs to stdout (issue 13)', () => {
  it('works, with one warning that counts the lines and quotes the first', async () => {
    const r = await runCli(['call', 'echo', '{"text": "hi"}', '--', ...noisyEverything(40)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toBe('mcpkit: warning: the server wrote 40 non-JSON lines (the first: "loading plugin 1") to stdout, which mcpkit ignored; MCP stdio servers must log to stderr\n');
  });

  it('that writes nothing else: stops at the limit, long before --timeout, and says why (exit 3)', async () => {
    // 150 lines at once, then silence: only the line count can end this before the ten-minute --timeout.
    const server = "for (let i = 0; i < 150; i++) console.log('Listening...'); setInterval(() => {}, 1000)";
    const r = await runCli(['list', '--timeout', '600000', '--', 'node', '-e', server]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mcpkit: cannot connect to `node -e .*`: the server wrote \d+ non-JSON lines \(the first: "Listening\.\.\."\) to stdout and no answer to the MCP handshake; MCP stdio servers must log to stderr\n {2}hint: the server must write only JSON-RPC messages to stdout/);
    expect(r.stderr).not.toContain('warning');
  });

  it('that writes a few lines and never answers: the timeout names them as the likely cause (exit 3)', async () => {
    // sh, not node: the lines must be out long before --timeout, even on a busy machine.
    const server = `printf '%s\\n' 'Server starting' '{"level":30,"msg":"up"}'; exec sleep 600`;
    const r = await runCli(['list', '--timeout', '1000', '--', 'sh', '-c', server]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'no answer to the MCP handshake in 1000 ms (--timeout 1000), and the server wrote 1 non-JSON line (the first: "Server starting") and 1 JSON line that is no JSON-RPC message to stdout; MCP stdio servers must log to stderr',
    );
    expect(r.stderr.match(/mcpkit:/g)).toHaveLength(1);
  });

  it('that writes a line and exits: the exit is the failure, the line one warning', async () => {
    const r = await runCli(['list', '--', 'sh', '-c', 'echo "Using config ./mcp.yaml"; echo "fatal: no config" >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^mcpkit: warning: the server wrote 1 non-JSON line \(the first: "Using config \.\/mcp\.yaml"\) to stdout, which mcpkit ignored; MCP stdio servers must log to stderr\nmcpkit: cannot connect to `sh -c .*`: MCP server `sh` exited with code 3; the end of its stderr:\nfatal: no config\n/,
    );
  });
});
