/**
 * `mcpkit dev`'s loop: start the server, connect to it and print what it offers, then wait for a change
 * (restart), a crash (report it and wait for a change) or Ctrl-C (stop everything).
 * @module
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { McpkitError, type ProcessExitedError } from '@mcpkit/protocol';
import { describeFailure } from '../failure.js';
import type { Io } from '../output/io.js';
import { type CommandContext, withTargetSession } from '../session.js';
import type { Target } from '../target.js';
import type { ChangeQueue } from './changes.js';
import { prefixedLines } from './output-lines.js';
import { type ServerFile, connectHint, nodeArguments } from './server-file.js';
import { ServerProcess, describeExit, lastLines } from './server-process.js';
import { fetchCatalogue, renderCatalogue } from './summary.js';

const CRASH_LINES = 10;

export interface DevLoopOptions {
  server: ServerFile;
  /** The port given to `--http`, when the server serves HTTP; undefined for stdio. */
  httpPort: number | undefined;
  timeout: number;
  protocol: string;
  changes: ChangeQueue;
}

/** How one run of the server ended. */
type Round = { next: 'restart'; files: string[] } | { next: 'wait' } | { next: 'stop' };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The crash report: how it exited, the end of its stderr, and what happens next. */
export function crashReport(io: Io, how: string, elapsedMs: number, stderrTail: string): string {
  const c = io.errColor;
  const lines = lastLines(stderrTail, CRASH_LINES);
  const tail = lines.length ? `${c.dim('  the last lines of its stderr:')}\n${lines.map((l) => `    ${l}`).join('\n')}\n` : '';
  return `${c.red('✗')} the server ${how} after ${seconds(elapsedMs)}\n${tail}${c.dim('  waiting for a change to restart it (Ctrl-C to stop)')}\n`;
}

/** A connection failure, as `mcpkit list` would explain it, and what happens next. */
function connectionReport(io: Io, error: unknown): string {
  const failure = describeFailure(error);
  const c = io.errColor;
  return `${c.red('✗')} ${failure.message}\n${failure.hint ? `  ${c.dim('hint:')} ${failure.hint}\n` : ''}${c.dim('  waiting for a change to restart it (Ctrl-C to stop)')}\n`;
}

function restartLine(io: Io, root: string, changed: string[]): string {
  // An editor's or sed's temporary file comes and goes within the burst: name what is still there.
  const present = changed.filter((f) => existsSync(join(root, f)));
  const files = present.length ? present : changed;
  const shown = files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
  return `${io.color.cyan('↻')} ${shown} changed: restarting\n`;
}

/** Runs the loop until Ctrl-C. */
export async function devLoop(ctx: CommandContext, options: DevLoopOptions): Promise<void> {
  const { io } = ctx;
  for (;;) {
    const round = options.httpPort === undefined ? await stdioRound(ctx, options) : await httpRound(ctx, options);
    let next = round;
    if (next.next === 'wait') {
      const files = await options.changes.next(ctx.signal);
      next = files ? { next: 'restart', files } : { next: 'stop' };
    }
    if (next.next === 'stop') return;
    io.out(restartLine(io, options.server.dir, next.files));
  }
}

/** A stdio server: started by the client's stdio transport, which shows its stderr and reports its exit. */
async function stdioRound(ctx: CommandContext, options: DevLoopOptions): Promise<Round> {
  const { io } = ctx;
  const target: Target = { kind: 'stdio', command: process.execPath, args: nodeArguments(options.server), env: {}, inheritEnv: true };
  const started = Date.now();
  options.changes.clear();
  try {
    return await withTargetSession<Round>(ctx, target, { timeout: options.timeout, protocol: options.protocol, verbose: true }, async (session) => {
      let crashed!: (error: ProcessExitedError) => void;
      const crash = new Promise<ProcessExitedError>((resolve) => (crashed = resolve));
      session.client.on('error', (error) => {
        if (error instanceof McpkitError && error.code === 'MCPKIT_PROCESS_EXITED') crashed(error as ProcessExitedError);
      });
      io.out(renderCatalogue(await fetchCatalogue(session), io, Date.now() - started));
      const outcome = await Promise.race([options.changes.next(ctx.signal), crash]);
      if (outcome === undefined) return { next: 'stop' };
      if (Array.isArray(outcome)) return { next: 'restart', files: outcome };
      io.err(crashReport(io, exitOf(outcome), Date.now() - started, outcome.stderrTail));
      return { next: 'wait' };
    });
  } catch (error) {
    if (ctx.signal.aborted) return { next: 'stop' };
    // Exited while starting (a syntax error, a throw at load): its stderr was shown as it came; the exit code
    // and the last lines say the rest.
    const exited = (error as { cause?: unknown }).cause;
    if (exited instanceof McpkitError && exited.code === 'MCPKIT_PROCESS_EXITED') {
      io.err(crashReport(io, exitOf(exited as ProcessExitedError), Date.now() - started, (exited as ProcessExitedError).stderrTail));
    } else {
      io.err(connectionReport(io, error));
    }
    return { next: 'wait' };
  }
}

/** `exited with code 1` or `was killed by SIGKILL`, from the transport's exit error. */
function exitOf(error: ProcessExitedError): string {
  if (error.exitCode !== null) return `exited with code ${error.exitCode}`;
  return /was killed by \w+/.exec(error.message)?.[0] ?? 'was killed';
}

/** An HTTP server: run as a child process; its URL is the first one it prints, or 127.0.0.1:PORT/mcp. */
async function httpRound(ctx: CommandContext, options: DevLoopOptions): Promise<Round> {
  const { io } = ctx;
  const started = Date.now();
  options.changes.clear();
  const stderr = prefixedLines(io, 'stderr');
  const stdout = prefixedLines(io, 'stdout');
  let printed = '';
  let urlSeen!: (url: string) => void;
  const urlPrinted = new Promise<string>((resolve) => (urlSeen = resolve));
  const watchForUrl = (chunk: string): void => {
    printed = (printed + chunk).slice(-4096);
    const url = /https?:\/\/[^\s"'<>]+/.exec(printed)?.[0]?.replace(/[.,;)\]]+$/, '');
    if (url) urlSeen(url);
  };
  const proc = new ServerProcess({
    args: nodeArguments(options.server),
    stdio: 'pipe',
    onStderr: (chunk) => (stderr.write(chunk), watchForUrl(chunk)),
    onStdout: (chunk) => (stdout.write(chunk), watchForUrl(chunk)),
  });
  const stopped = new AbortController();
  const listening = options.httpPort ? portOpen(options.httpPort, stopped.signal).then((ok) => (ok ? `http://127.0.0.1:${options.httpPort}/mcp` : undefined)) : new Promise<undefined>(() => undefined);
  const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), options.timeout).unref());
  const aborted = new Promise<'abort'>((resolve) => ctx.signal.addEventListener('abort', () => resolve('abort'), { once: true }));
  const crashed = async (): Promise<Round> => {
    const exit = await proc.exited;
    stderr.flush();
    stdout.flush();
    const how = proc.startError ? `could not start (${proc.startError.message})` : describeExit(exit);
    io.err(crashReport(io, how, Date.now() - started, proc.stderrTail));
    return { next: 'wait' };
  };
  try {
    let first = await Promise.race([urlPrinted, listening, proc.exited, timedOut, aborted]);
    // The port opened: the URL the server prints about now says more (its path) than the port alone.
    if (typeof first === 'string' && first.startsWith('http://127.0.0.1:') && !printed.includes(first)) {
      first = await Promise.race([urlPrinted, new Promise<string>((resolve) => setTimeout(() => resolve(first as string), 300))]);
    }
    if (first === 'abort') return { next: 'stop' };
    if (typeof first === 'object') return await crashed();
    if (first === 'timeout' || first === undefined) {
      io.err(connectionReport(io, new Error(`the server printed no URL${options.httpPort ? ` and nothing listens on port ${options.httpPort}` : ''} within ${options.timeout} ms (--timeout)`)));
    } else {
      io.out(connectHint(options.server, first));
      await summarise(ctx, options, first, started);
    }
    const outcome = await Promise.race([options.changes.next(ctx.signal), proc.exited]);
    if (outcome !== undefined && !Array.isArray(outcome)) return await crashed();
    return outcome ? { next: 'restart', files: outcome } : { next: 'stop' };
  } finally {
    stopped.abort();
    await proc.stop();
    stderr.flush();
    stdout.flush();
  }
}

/** Connects to the HTTP server once, prints its catalogue (or why the connection failed), and disconnects. */
async function summarise(ctx: CommandContext, options: DevLoopOptions, url: string, started: number): Promise<void> {
  const { io } = ctx;
  try {
    await withTargetSession(ctx, { kind: 'http', url, headers: {} }, { timeout: options.timeout, protocol: options.protocol }, async (session) => {
      io.out(renderCatalogue(await fetchCatalogue(session), io, Date.now() - started));
    });
  } catch (error) {
    if (!ctx.signal.aborted) io.err(connectionReport(io, error).replace(/\n.*waiting for a change.*\n$/, '\n'));
  }
}

/** Polls until something accepts connections on 127.0.0.1:port; false when `signal` fires first. */
async function portOpen(port: number, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
