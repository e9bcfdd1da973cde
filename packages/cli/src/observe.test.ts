/**
 * Issue 13, "An observable CLI": --trace (stderr lines and MCPKIT_TRACE JSONL), --verbose, progress, the
 * server's requests for input (declined without a terminal), --root and "did you mean", run as a process
 * against the everything server in both eras.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, type HttpServer, ROOT, cleanEnv, runCli, startHttpServer } from './testing/harness.js';

let http: HttpServer;
beforeAll(async () => {
  http = await startHttpServer('node', [join(ROOT, 'servers', 'everything', 'dist', 'bin.js'), '--http', '0']);
});
afterAll(async () => {
  await http?.stop();
});

const ERAS = [
  { protocol: '2026-07-28', era: 'stateless', handshake: ['server/discover'] },
  { protocol: '2025-11-25', era: 'session', handshake: ['initialize', 'notifications/initialized'] },
] as const;

/** The readable trace lines: `trace +12.3ms → #1 tools/call {...}`. */
const TRACE_LINE = /^trace \+(\d+\.\d)ms ([→←]) (?:#(\S+) )?(\S+)(?: \((\d+(?:\.\d)?)ms\))?(?: (.*))?$/;

function traceLines(stderr: string): Array<{ t: number; dir: string; id: string | undefined; what: string; rtt: number | undefined; body: string | undefined }> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('trace '))
    .map((l) => {
      const m = TRACE_LINE.exec(l);
      if (!m) throw new Error(`not a trace line: ${l}`);
      return { t: Number(m[1]), dir: m[2]!, id: m[3], what: m[4]!, rtt: m[5] === undefined ? undefined : Number(m[5]), body: m[6] };
    });
}

describe.each(ERAS)('era $era ($protocol)', ({ protocol, handshake }) => {
  it('--trace prints every message both ways on stderr, with ms since start and the round trip on responses', async () => {
    const r = await runCli(['call', 'echo', '{"text": "hi"}', '--trace', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hi\n');
    const lines = traceLines(r.stderr);
    expect(lines.filter((l) => l.dir === '→').map((l) => l.what)).toEqual([...handshake, 'tools/list', 'tools/call']);
    const call = lines.find((l) => l.what === 'tools/call')!;
    expect(call.body).toMatch(/^\{"name":"echo","arguments":\{"text":"hi"\},"_meta":\{.*"progressToken":/);
    const answer = lines.find((l) => l.dir === '←' && l.id === call.id)!;
    expect(answer.what).toBe('result');
    expect(answer.rtt).toBeGreaterThanOrEqual(0);
    expect(answer.body).toMatch(/^\{"content":\[\{"type":"text","text":"hi"\}\]/);
    // Every response is timed, and the clock only goes forward.
    expect(lines.filter((l) => l.dir === '←').every((l) => l.rtt !== undefined)).toBe(true);
    const times = lines.map((l) => l.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('MCPKIT_TRACE=FILE writes JSONL: one parseable record a message, progress matched to its call', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mcpkit-trace-')), 'trace.jsonl');
    const r = await runCli(['call', 'long_running', '{"seconds": 0.2, "steps": 2}', '--json', '--protocol', protocol, '--', ...EVERYTHING], { env: cleanEnv({ MCPKIT_TRACE: file }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('trace +');
    const records = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { t: number; dir: string; rttMs?: number; message: Record<string, any> });
    expect(records.filter((x) => x.dir === 'out').map((x) => x.message.method)).toEqual([...handshake, 'tools/list', 'tools/call']);
    const call = records.find((x) => x.message.method === 'tools/call')!;
    const token = call.message.params._meta.progressToken;
    const progress = records.filter((x) => x.dir === 'in' && x.message.method === 'notifications/progress');
    expect(progress.map((x) => [x.message.params.progressToken, x.message.params.progress, x.message.params.total])).toEqual([[token, 0, 2], [token, 1, 2], [token, 2, 2]]);
    const answer = records.find((x) => x.dir === 'in' && x.message.id === call.message.id && 'result' in x.message)!;
    expect(answer.rttMs).toBeGreaterThanOrEqual(150);
    expect(answer.t).toBeGreaterThanOrEqual(call.t);
  });

  it('--trace over HTTP never shows --bearer, --api-key or an Authorization header', async () => {
    const secret = 's3cr3t-bearer-token';
    const r = await runCli(['call', 'echo', JSON.stringify({ text: `echo ${secret}` }), '--trace', '--protocol', protocol, '--url', http.url, '--bearer', secret, '--api-key', 'k3y-0123456789']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`echo ${secret}\n`);
    expect(traceLines(r.stderr).length).toBeGreaterThan(3);
    expect(r.stderr).toContain('"arguments":{"text":"echo [redacted]"}');
    expect(r.stderr).not.toContain(secret);
    expect(r.stderr).not.toContain('k3y-0123456789');
  });

  it("--verbose shows the server's log messages and a stdio server's stderr, prefixed; without it neither", async () => {
    const server = ['sh', '-c', `echo "starting up" >&2; exec ${EVERYTHING.join(' ')}`];
    const r = await runCli(['call', 'log_messages', '--verbose', '--protocol', protocol, '--', ...server]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Logged at five levels\n');
    expect(r.stderr).toContain('[server stderr] starting up\n');
    expect(r.stderr).toContain(
      [
        '[server debug] everything: a debug message',
        '[server info] everything: a info message',
        '[server notice] everything: a notice message',
        '[server warning] everything: a warning message',
        '[server error] everything: a error message',
      ].join('\n'),
    );
    const quiet = await runCli(['call', 'log_messages', '--protocol', protocol, '--', ...server]);
    expect(quiet).toMatchObject({ code: 0, stdout: 'Logged at five levels\n', stderr: '' });
  });

  it('progress shows as plain lines off a terminal, and each notification restarts --timeout', async () => {
    // Six half-second steps: three seconds in all, twice the timeout; only the progress keeps the call alive.
    const r = await runCli(['call', 'long_running', '{"seconds": 3, "steps": 6}', '--timeout', '1500', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Long-running operation finished after 3s in 6 steps\n');
    expect(r.stderr).toBe(
      [0, 1, 2, 3, 4, 5].map((i) => `progress ${i}/6 (${Math.round((i / 6) * 100)}%): step ${i + 1} of 6\n`).join('') + 'progress 6/6 (100%): done\n',
    );
  });

  it('declines elicitation without a terminal: the tool hears "decline", mcpkit says why and exits 5', async () => {
    const r = await runCli(['call', 'elicit_info', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('You chose to decline\n');
    expect(r.stderr).toBe(
      'mcpkit: the server asked for input (elicitation/create: "Tell me about yourself"), and mcpkit declined: stdin is not a terminal, so there is no one to ask\n' +
        '  hint: run the command in a terminal to answer the server\n',
    );
  });

  it('refuses sampling without a terminal, with the same message shape and exit 5', async () => {
    const r = await runCli(['call', 'sample_llm', '{"prompt": "2+2?"}', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      'mcpkit: the server asked for an LLM completion (sampling/createMessage), and mcpkit declined: stdin is not a terminal, so there is no one to ask\n' +
        '  hint: run the command in a terminal to answer the server\n',
    );
  });

  it('--root DIR answers roots/list with absolute file:// URIs', async () => {
    const r = await runCli(['call', 'list_roots', '--root', 'packages/cli', '--root', '/tmp', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`cli ${pathToFileURL(join(ROOT, 'packages', 'cli')).href}\ntmp file:///tmp\n`);
    const none = await runCli(['call', 'list_roots', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(none).toMatchObject({ code: 0, stdout: 'No roots\n' });
  });

  it('a mistyped tool or prompt name gets "did you mean"; a name close to nothing does not', async () => {
    const tool = await runCli(['call', 'ehco', '{"text": "x"}', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(tool.code).toBe(4);
    expect(tool.stderr).toContain('  hint: did you mean "echo"? (check the tool name and arguments: `mcpkit list tools` shows each tool and its arguments)\n');
    const prompt = await runCli(['get', 'greting', '{"name": "Ada"}', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(prompt.code).toBe(4);
    expect(prompt.stderr).toContain('  hint: did you mean "greeting"? (check the prompt name and arguments: `mcpkit list prompts` shows them)\n');
    const far = await runCli(['call', 'zzzzzzzz', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(far.code).toBe(4);
    expect(far.stderr).not.toContain('did you mean');
  });
});

describe('--root', () => {
  it('a path that does not exist is a usage error (exit 2) before anything starts', async () => {
    const r = await runCli(['call', 'list_roots', '--root', 'no/such/dir', '--', ...EVERYTHING]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--root "no/such/dir": no such file or directory (${join(ROOT, 'no', 'such', 'dir')})`);
  });
});

describe('MCPKIT_TRACE', () => {
  it('a file that cannot be written is a usage error (exit 2), not a crash', async () => {
    const r = await runCli(['call', 'echo', '{"text": "hi"}', '--', ...EVERYTHING], { env: cleanEnv({ MCPKIT_TRACE: '/no/such/dir/trace.jsonl' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'mcpkit: MCPKIT_TRACE=/no/such/dir/trace.jsonl: cannot write the trace file (ENOENT)\n  hint: point MCPKIT_TRACE at a file in a directory you can write to\n',
    );
  });
});

describe('list off a terminal', () => {
  it('keeps each description on one line, however long', async () => {
    const r = await runCli(['list', '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^long_running\s+seconds\? steps\?\s+Runs for `seconds`, reporting progress each step; cancellable$/m);
  });
});

describe('--help', () => {
  it('documents --trace, --verbose, --root, MCPKIT_TRACE and exit 5', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Watching and answering the server (list, call, read, get):\n  --trace ');
    expect(top.stdout).toMatch(/^ {2}5 {4}the server asked for input \(elicitation, sampling\) and there was no terminal to ask on/m);
    for (const command of ['list', 'call', 'read', 'get']) {
      const help = (await runCli([command, '--help'])).stdout;
      expect(help).toMatch(/^ {2}--trace {2,}print every JSON-RPC message/m);
      expect(help).toMatch(/^ {2}--verbose {2,}show the server's log messages/m);
      expect(help).toMatch(/^ {2}--root <dir> {2,}offer DIR to the server as a root/m);
      expect(help).toContain('  MCPKIT_TRACE=FILE              writes the --trace record as JSONL to FILE');
    }
  });
});
