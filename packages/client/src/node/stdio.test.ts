// Black-box tests of the stdio client transport against real child processes. Nothing here asserts on
// timing: waits are bounded polls, and the vitest timeouts are generous.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  LATEST_SESSION_REVISION,
  MessageTooLargeError,
  Peer,
  ProcessExitedError,
  ProtocolError,
  ProtocolViolationError,
  TimeoutError,
  TransportStateError,
} from '@mcpkit/protocol';
import { StdioClientTransport, type StdioClientTransportOptions } from './index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const echoServerScript = join(root, 'scripts', 'bench-echo-server');
const echoServerBuilt = join(root, 'test', 'dist', 'fixtures', 'bench-echo-server.js');
const SLOW = 30_000;

const transports: StdioClientTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function track(options: StdioClientTransportOptions): StdioClientTransport {
  const transport = new StdioClientTransport(options);
  transports.push(transport);
  return transport;
}

/** A transport running `node -e code`, with `args` after a `--` so node leaves them to the script. */
function nodeScript(code: string, options: Partial<StdioClientTransportOptions> & { scriptArgs?: string[] } = {}): StdioClientTransport {
  const { scriptArgs = [], ...rest } = options;
  return track({ command: process.execPath, args: ['-e', code, '--', ...scriptArgs], ...rest });
}

/** Polls `condition` every 20 ms; fails after `ms` with a message naming what was awaited. */
async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Collects what a transport delivers. */
function record(transport: StdioClientTransport) {
  const seen = { messages: [] as unknown[], errors: [] as Error[], closes: 0 };
  transport.onmessage = (m) => seen.messages.push(m);
  transport.onerror = (e) => seen.errors.push(e);
  transport.onclose = () => seen.closes++;
  return seen;
}

/** A script line that sends one JSON-RPC notification carrying `params` (an expression) and keeps running until stdin ends. */
function notifyThenWait(paramsExpression: string): string {
  return `process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'test/report', params: ${paramsExpression} }) + '\\n'); process.stdin.resume();`;
}

describe('StdioClientTransport with the mcpkit echo server', () => {
  beforeAll(() => {
    if (!existsSync(echoServerBuilt)) throw new Error(`${echoServerBuilt} is missing: run \`npx tsc -b\` first`);
  });

  it('initializes and calls the echo tool through a Peer', { timeout: SLOW }, async () => {
    const transport = track({ command: echoServerScript, args: ['stdio'] });
    const peer = new Peer(transport);
    await peer.start();
    expect(transport.pid).toBeTypeOf('number');
    const init = await peer.request('initialize', {
      protocolVersion: LATEST_SESSION_REVISION,
      capabilities: {},
      clientInfo: { name: 'stdio-test', version: '0.0.0' },
    });
    expect(init.serverInfo).toMatchObject({ name: 'mcpkit-bench-echo' });
    await peer.notify('notifications/initialized');
    const result = await peer.request('tools/call', { name: 'echo', arguments: { text: 'hello over stdio' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hello over stdio' }]);

    const pid = transport.pid!;
    let closes = 0;
    peer.onClose(() => closes++);
    await peer.close();
    expect(closes).toBe(1);
    await until(() => !alive(pid), 'the server to be gone');
  });
});

describe('StdioClientTransport start', () => {
  it('rejects with ProcessExitedError naming a command that does not exist', { timeout: SLOW }, async () => {
    const transport = track({ command: 'mcpkit-no-such-command-7f3a' });
    const error = await transport.start().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessExitedError);
    expect((error as ProcessExitedError).message).toBe('could not start `mcpkit-no-such-command-7f3a`: command not found (ENOENT)');
    expect((error as ProcessExitedError).exitCode).toBeNull();
    await transport.close();
  });

  it('says so when the working directory is missing', { timeout: SLOW }, async () => {
    const transport = track({ command: process.execPath, cwd: join(root, 'no-such-directory-7f3a') });
    await expect(transport.start()).rejects.toThrow(/working directory `.*no-such-directory-7f3a` does not exist \(ENOENT\)/);
  });

  it('stops the server when closed while starting', { timeout: SLOW }, async () => {
    const transport = nodeScript('setInterval(() => {}, 1000)', { closeTimeoutMs: 200 });
    const started = transport.start();
    const pid = transport.pid!;
    await transport.close();
    await expect(started).rejects.toBeInstanceOf(TransportStateError);
    await until(() => !alive(pid), 'the server to be gone');
  });

  it('refuses to start twice and to send before starting', { timeout: SLOW }, async () => {
    const transport = nodeScript('process.stdin.resume()');
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(TransportStateError);
    await transport.start();
    await expect(transport.start()).rejects.toBeInstanceOf(TransportStateError);
  });
});

describe('StdioClientTransport when the server misbehaves', () => {
  it('reports a server that exits at start and fails the pending request', { timeout: SLOW }, async () => {
    const transport = nodeScript("process.stderr.write('boom'); process.exit(3)");
    const errors: Error[] = [];
    const peer = new Peer(transport, { onError: (e) => errors.push(e) });
    await peer.start();
    const outcome = await peer.request('initialize', {}).then(() => undefined, (e: unknown) => e);
    expect(outcome).toBeInstanceOf(ConnectionClosedError);
    await until(() => errors.some((e) => e instanceof ProcessExitedError), 'the exit to be reported');
    const exited = errors.find((e) => e instanceof ProcessExitedError) as ProcessExitedError;
    expect(exited.exitCode).toBe(3);
    expect(exited.stderrTail).toContain('boom');
    expect(exited.message).toMatch(/exited with code 3[^]*boom/);
    expect(peer.closed).toBe(true);
  });

  it('names the signal that killed the server', { timeout: SLOW }, async () => {
    const transport = nodeScript("process.kill(process.pid, 'SIGKILL')");
    const seen = record(transport);
    await transport.start();
    await until(() => seen.closes === 1, 'onclose');
    const exited = seen.errors.find((e) => e instanceof ProcessExitedError) as ProcessExitedError;
    expect(exited.message).toContain('was killed by SIGKILL');
    expect(exited.exitCode).toBeNull();
  });

  it('reports garbage and oversized lines on stdout and keeps delivering valid messages', { timeout: SLOW }, async () => {
    const script = [
      "process.stdout.write('Server starting on stdio...\\n{not json\\n');",
      "process.stdout.write('[' + '1,'.repeat(200) + '1]\\n');",
      notifyThenWait('{ ok: true }'),
    ].join('\n');
    const transport = nodeScript(script, { maxMessageBytes: 100 });
    const seen = record(transport);
    await transport.start();
    await until(() => seen.messages.length === 1, 'the valid message');
    expect(seen.messages[0]).toEqual({ jsonrpc: '2.0', method: 'test/report', params: { ok: true } });
    const parseErrors = seen.errors.filter((e) => e instanceof ProtocolError);
    expect(parseErrors.map((e) => (e as ProtocolError).code)).toEqual([-32700, -32700]);
    expect(parseErrors[0]!.message).toContain('Server starting on stdio...');
    expect(transport.nonJsonLines).toEqual({ count: 2, first: 'Server starting on stdio...' });
    expect(seen.errors.filter((e) => e instanceof MessageTooLargeError)).toHaveLength(1);
    expect(seen.closes).toBe(0);
  });

  it('reports a stdout that ends in the middle of a message', { timeout: SLOW }, async () => {
    const transport = nodeScript(`process.stdout.write('{"jsonrpc":"2.0",'); process.stdin.resume()`);
    const seen = record(transport);
    await transport.start();
    await transport.close();
    expect(seen.errors.some((e) => e instanceof ProtocolViolationError)).toBe(false); // closing is not a violation
    const again = nodeScript(`process.stdout.write('{"jsonrpc":"2.0",', () => process.exit(0))`);
    const seenAgain = record(again);
    await again.start();
    await until(() => seenAgain.closes === 1, 'onclose');
    expect(seenAgain.errors.some((e) => e instanceof ProtocolViolationError)).toBe(true);
  });

  it('times a request out when the server never answers', { timeout: SLOW }, async () => {
    const transport = nodeScript('process.stdin.resume()');
    const peer = new Peer(transport);
    await peer.start();
    await expect(peer.request('ping', {}, { timeoutMs: 200 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('rejects a send that meets the closed pipe of an exiting server with its exit, not EPIPE (issue 13)', { timeout: SLOW }, async () => {
    // stdin closes before the process exits: the write fails with EPIPE first, and the exit comes after it.
    const script = "require('node:fs').closeSync(0); process.stderr.write('fatal: no config\\n'); setTimeout(() => process.exit(7), 100)";
    const transport = nodeScript(script);
    await transport.start();
    await until(() => transport.stderrTail.includes('fatal'), 'the child to close stdin');
    const error = await transport.send({ jsonrpc: '2.0', method: 'test/late' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessExitedError);
    expect((error as ProcessExitedError).exitCode).toBe(7);
    expect((error as Error).message).toMatch(/exited with code 7; the end of its stderr:\nfatal: no config/);
    // Later sends say the same.
    await expect(transport.send({ jsonrpc: '2.0', method: 'test/later' })).rejects.toBe(error);
  });

  it('rejects a send to a server that closed its stdin instead of crashing', { timeout: SLOW }, async () => {
    const script = "require('node:fs').closeSync(0); process.stderr.write('closed\\n'); setInterval(() => {}, 1000)";
    const transport = nodeScript(script, { closeTimeoutMs: 200 });
    await transport.start();
    await until(() => transport.stderrTail.includes('closed'), 'the child to close stdin');
    const big = 'x'.repeat(1_000_000);
    const error = await transport.send({ jsonrpc: '2.0', method: 'test/big', params: { big } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
  });
});

describe('StdioClientTransport stderr', () => {
  it('keeps a bounded tail and passes chunks to onstderr', { timeout: SLOW }, async () => {
    const transport = nodeScript("process.stderr.write('a'.repeat(20000)); process.stderr.write('END-MARKER'); process.stdin.resume()");
    const chunks: string[] = [];
    transport.onstderr = (chunk) => chunks.push(chunk);
    await transport.start();
    await until(() => transport.stderrTail.endsWith('END-MARKER'), 'the marker');
    expect(transport.stderrTail.length).toBeLessThanOrEqual(8192);
    expect(chunks.join('')).toHaveLength(20000 + 'END-MARKER'.length);
  });

  it('always drains stderr, so a chatty server is never blocked', { timeout: SLOW }, async () => {
    const script = `process.stderr.write('n'.repeat(4 * 1024 * 1024), () => { ${notifyThenWait('{ done: true }')} })`;
    for (const stderr of ['capture', 'ignore'] as const) {
      const transport = nodeScript(script, { stderr });
      const seen = record(transport);
      await transport.start();
      await until(() => seen.messages.length === 1, `the message after 4 MiB of stderr (${stderr})`);
      if (stderr === 'ignore') expect(transport.stderrTail).toBe('');
    }
  });
});

describe('StdioClientTransport close', () => {
  it('is idempotent, fires onclose once and refuses sends afterwards', { timeout: SLOW }, async () => {
    const transport = nodeScript('process.stdin.resume()');
    const seen = record(transport);
    await transport.start();
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(seen.closes).toBe(1);
    expect(seen.errors).toEqual([]); // a requested close is not an unexpected exit
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(TransportStateError);
  });

  it('kills the whole process tree', { timeout: SLOW }, async () => {
    const script = [
      "const { spawn } = require('node:child_process');",
      "const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      "process.stderr.write('grandchild ' + grandchild.pid + '\\n');",
    ].join('\n');
    const transport = nodeScript(script, { closeTimeoutMs: 300 });
    await transport.start();
    await until(() => /grandchild \d+/.test(transport.stderrTail), 'the grandchild pid');
    const grandchild = Number(/grandchild (\d+)/.exec(transport.stderrTail)![1]);
    const child = transport.pid!;
    expect(alive(grandchild)).toBe(true);
    await transport.close();
    await until(() => !alive(child) && !alive(grandchild), 'child and grandchild to be gone');
  });

  it('ends helpers left behind by a server that exits by itself', { timeout: SLOW }, async () => {
    const script = [
      "const { spawn } = require('node:child_process');",
      "const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      'helper.unref();',
      "process.stderr.write('helper ' + helper.pid + '\\n');",
      "process.stdin.on('end', () => process.exit(0)).resume();",
    ].join('\n');
    const transport = nodeScript(script);
    await transport.start();
    await until(() => /helper \d+/.test(transport.stderrTail), 'the helper pid');
    const helper = Number(/helper (\d+)/.exec(transport.stderrTail)![1]);
    await transport.close();
    await until(() => !alive(helper), 'the helper to be gone');
  });

  it('SIGKILLs a server that ignores SIGTERM', { timeout: SLOW }, async () => {
    const script = "process.on('SIGTERM', () => process.stderr.write('got SIGTERM\\n')); process.stderr.write('ready\\n'); setInterval(() => {}, 1000)";
    const transport = nodeScript(script, { closeTimeoutMs: 200 });
    let stderr = '';
    transport.onstderr = (chunk) => (stderr += chunk);
    await transport.start();
    await until(() => stderr.includes('ready'), 'the SIGTERM handler');
    const pid = transport.pid!;
    await transport.close();
    expect(stderr).toContain('got SIGTERM');
    await until(() => !alive(pid), 'the server to be gone');
  });
});

describe('StdioClientTransport environment and arguments', () => {
  const secret = 'MCPKIT_STDIO_TEST_SECRET';
  const report = notifyThenWait(`{ secret: process.env.${secret} ?? null, given: process.env.MCPKIT_GIVEN ?? null, path: typeof process.env.PATH }`);

  async function childSees(options: Partial<StdioClientTransportOptions>): Promise<unknown> {
    const transport = nodeScript(report, options);
    const seen = record(transport);
    await transport.start();
    await until(() => seen.messages.length === 1, 'the report');
    await transport.close();
    return (seen.messages[0] as { params: unknown }).params;
  }

  it('passes only allow-listed variables plus env, unless told otherwise', { timeout: SLOW }, async () => {
    process.env[secret] = 'hunter2';
    try {
      expect(await childSees({ env: { MCPKIT_GIVEN: 'yes' } })).toEqual({ secret: null, given: 'yes', path: 'string' });
      expect(await childSees({ inheritEnv: true })).toEqual({ secret: 'hunter2', given: null, path: 'string' });
      expect(await childSees({ inheritEnv: [secret] })).toEqual({ secret: 'hunter2', given: null, path: 'string' });
    } finally {
      delete process.env[secret];
    }
  });

  it('passes arguments literally, with no shell in between', { timeout: SLOW }, async () => {
    const tricky = ['with space', '"double"', "'single'", 'a;b', '$(echo pwned)', '`id`', '&& exit 1', '*', '', '--not-an-option', 'tab\there', 'ünïcödé'];
    const transport = nodeScript(notifyThenWait('process.argv.slice(1)'), { scriptArgs: tricky });
    const seen = record(transport);
    await transport.start();
    await until(() => seen.messages.length === 1, 'the echoed arguments');
    expect((seen.messages[0] as { params: unknown }).params).toEqual(tricky);
  });
});
