/**
 * One connection for one command: builds the transport for a target, connects (with a spinner when slow),
 * runs the command's requests, closes, and turns every failure into a message with the right exit code.
 * @module
 */
import { readFileSync } from 'node:fs';
import { Client, LegacySseClientTransport, StreamableHttpClientTransport, connectHttp } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';
import { type Transport, McpkitError, PROTOCOL_REVISIONS } from '@mcpkit/protocol';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError, ExitCode, type FailureContext, describeFailure } from './failure.js';
import { ENGINE_TIMEOUT_OFF_MS, RequestClock } from './interact/request-clock.js';
import type { ServerAsks } from './interact/server-asks.js';
import { connectTraced, traceFor } from './observe/connect-traced.js';
import { formatServerLog, stderrLines } from './observe/server-output.js';
import { type Io, note, warn } from './output/io.js';
import { startSpinner } from './output/spinner.js';
import { NOISE_HINT, NOISE_LIMIT, StdoutNoise } from './stdout-noise.js';
import { type Target, type TargetOptions, describeTarget, resolveTarget } from './target.js';

/** This package's version, for `--version` and the client's `clientInfo`. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * How long a server that stays silent on `server/discover` is given before the session-era fallback; at most
 * half of --timeout, so that the fallback still fits in it.
 */
const PROBE_TIMEOUT_MS = 10_000;

/** What every command that talks to a server is handed besides its own arguments. */
export interface CommandContext {
  io: Io;
  /** The words after `--`, when there was one. */
  stdio: string[] | undefined;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** Set by a command whose exit code is not one of {@link ExitCode}'s (`run` exits with its server's). */
  exitCode?: number | undefined;
}

export interface ConnectionOptions extends TargetOptions {
  timeout: number;
  protocol: string;
  json?: boolean;
  /** Print every JSON-RPC message on stderr (`$MCPKIT_TRACE=FILE` writes them as JSONL). */
  trace?: boolean;
  /** Show the server's log messages and a stdio server's stderr. */
  verbose?: boolean;
}

/** What a command adds to its connection beyond the options. */
export interface SessionExtras {
  /** Answers the server's elicitation, sampling and roots requests; without it the client declares none. */
  asks?: ServerAsks | undefined;
  /** A line redrawn in place on stderr (a progress bar): erased before anything else is written there. */
  status?: { clear(): void } | undefined;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ms) || ms <= 0) throw new InvalidArgumentError('expected a whole number of milliseconds, e.g. 5000');
  return ms;
}

/** Adds `--timeout`, `--protocol` and `--json`. */
export function addConnectionOptions(command: Command, { json = true } = {}): Command {
  command
    .addOption(new Option('--timeout <ms>', 'how long to wait for the connection and for each request').argParser(parseTimeout).default(DEFAULT_TIMEOUT_MS))
    .addOption(
      new Option('--protocol <revision>', 'the protocol revision: auto (2026-07-28 if the server speaks it, else the newest session-era one), or a pinned one')
        .choices(['auto', ...PROTOCOL_REVISIONS])
        .default('auto'),
    );
  if (json) command.option('--json', 'print the result as JSON and nothing else on stdout');
  return command;
}

function createTransport(target: Target): Transport & { stderrTail?: string; nonJsonLines?: { first: string } | undefined } {
  switch (target.kind) {
    case 'stdio':
      return new StdioClientTransport({
        command: target.command,
        args: target.args,
        env: target.env,
        inheritEnv: target.inheritEnv,
        stderr: 'capture',
        ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
      });
    case 'http':
      return new StreamableHttpClientTransport(target.url, { headers: target.headers, authProvider: target.auth });
    case 'sse':
      return new LegacySseClientTransport(target.url, { headers: target.headers, authProvider: target.auth });
  }
}

/** A connected client and what is needed to explain its failures. */
export interface Session {
  readonly client: Client;
  readonly target: Target;
  /**
   * Runs one of the command's requests; a failure becomes a CliError naming `what` (e.g. "tools/call echo").
   */
  request<T>(what: string, run: (signal: AbortSignal, scope: RequestScope) => Promise<T>): Promise<T>;
}

/**
 * What the request that may ask the user something passes to the client: when a question can come (stdin is a
 * terminal), --timeout is kept by a {@link RequestClock} that stops while the user answers, and the engine's
 * own timeout is set out of the way.
 */
export interface RequestScope {
  /** The client's call options: the signal and, with a terminal, the engine's timeout set aside. */
  options: { signal: AbortSignal; timeoutMs?: number };
  /** Call on each progress notification: it restarts the clock. */
  progressed(): void;
}

const DISCONNECTED = new Set(['MCPKIT_CONNECTION_CLOSED', 'MCPKIT_TRANSPORT_STATE', 'MCPKIT_SEND_FAILED']);

/**
 * Connects to the target the options name, runs `body`, and closes the connection whatever happens.
 * @throws CliError with the exit code for the failure (see {@link describeFailure}).
 */
export async function withSession<T>(ctx: CommandContext, options: ConnectionOptions, body: (session: Session) => Promise<T>, extras: SessionExtras = {}): Promise<T> {
  return withTargetSession(ctx, await resolveTarget(options, ctx.stdio), options, body, extras);
}

/**
 * {@link withSession} for a target already resolved (e.g. one server of many in a config file).
 * @throws CliError with the exit code for the failure (see {@link describeFailure}).
 */
export async function withTargetSession<T>(
  ctx: CommandContext,
  target: Target,
  options: Pick<ConnectionOptions, 'timeout' | 'protocol' | 'trace' | 'verbose'>,
  body: (session: Session) => Promise<T>,
  extras: SessionExtras = {},
): Promise<T> {
  const label = describeTarget(target);
  const transport = createTransport(target);
  const { asks, status } = extras;
  // Everything but the status line itself erases it first, so that no line is written into the middle of it.
  const outer = ctx.io;
  const io: Io = status ? { ...outer, err: (text) => (status.clear(), outer.err(text)) } : outer;
  ctx = { ...ctx, io };
  const trace = traceFor(io, target, options.trace === true);
  const client = new Client(
    { name: 'mcpkit', version: VERSION },
    {
      protocolVersion: options.protocol,
      requestTimeoutMs: options.timeout,
      probeTimeoutMs: Math.min(PROBE_TIMEOUT_MS, Math.ceil(options.timeout / 2)),
      ...(asks ? { handlers: asks.handlers, urlElicitation: true } : {}),
    },
  );
  if (options.verbose) {
    client.on('log', (log) => io.err(formatServerLog(io, log)));
    if (transport instanceof StdioClientTransport) {
      const lines = stderrLines(io);
      transport.onstderr = (chunk: string) => lines.write(chunk);
      client.on('close', () => lines.flush());
    }
  }
  // The transport says why a stdio server went away (its exit code and stderr) through the client's error
  // event; the request that was waiting only learns that the connection closed.
  let exited: McpkitError | undefined;
  // A stdio server that logs to stdout: counted, reported once (not once a line), and given up on while
  // connecting when that is all it writes.
  const noise = target.kind === 'stdio' ? new StdoutNoise(() => transport.nonJsonLines?.first) : undefined;
  const tooNoisy = new AbortController();
  let connecting = true;
  client.on('error', (error) => {
    if (error instanceof McpkitError && error.code === 'MCPKIT_PROCESS_EXITED') exited ??= error;
    else if (noise?.record(error)) {
      if (connecting && noise.count >= NOISE_LIMIT) tooNoisy.abort();
    }
    // A closing connection echoes as failed sends (e.g. of a cancellation); the failure itself is reported.
    else if (!(error instanceof McpkitError && DISCONNECTED.has(error.code))) warn(ctx.io, error.message);
  });
  let noiseTold = false;
  const tellNoise = () => {
    if (noise?.count && !noiseTold) warn(ctx.io, noise.describe(', which mcpkit ignored'));
    noiseTold = true;
  };
  const fail = (error: unknown, extra: FailureContext): CliError | unknown => {
    const cause = exited && error instanceof McpkitError && DISCONNECTED.has(error.code) ? exited : error;
    const failure = describeFailure(cause, { target: label, timeoutMs: options.timeout, stderrTail: transport.stderrTail, ...extra });
    if (failure.stack !== undefined) return error;
    return new CliError(failure.exitCode, failure.message, failure.hint, { cause });
  };
  /** The diagnosis of a server that wrote noise and no answer to the handshake; undefined for other failures. */
  const noisyFailure = (error: unknown): CliError | undefined => {
    if (!noise?.count) return undefined;
    let why: string;
    if (tooNoisy.signal.aborted) why = noise.describe(' and no answer to the MCP handshake');
    else if (error instanceof McpkitError && error.code === 'MCPKIT_TIMEOUT') why = `no answer to the MCP handshake in ${options.timeout} ms (--timeout ${options.timeout}), and ${noise.describe()}`;
    else return undefined;
    noiseTold = true;
    return new CliError(ExitCode.Connect, `cannot connect to ${label}: ${why}`, NOISE_HINT, { cause: error });
  };
  const stopSpinner = startSpinner(ctx.io, `connecting to ${label}`);
  try {
    const connectOptions = { timeoutMs: options.timeout, signal: AbortSignal.any([ctx.signal, tooNoisy.signal]) };
    // A plain URL may be an old HTTP+SSE server: connectHttp falls back to that transport when needed.
    const negotiated = trace
      ? await connectTraced(client, target, transport, trace, connectOptions)
      : target.kind === 'http'
        ? (await connectHttp(client, target.url, { headers: target.headers, authProvider: target.auth, ...connectOptions })).negotiated
        : await client.connect(transport, connectOptions);
    // The client takes whichever session-era revision the server answers initialize with; a pinned one is a demand.
    if (options.protocol !== 'auto' && negotiated.protocolVersion !== options.protocol) {
      await client.close().catch(() => undefined);
      throw new CliError(ExitCode.Protocol, `${label} answered with protocol ${negotiated.protocolVersion}, not the pinned ${options.protocol}`, 'pin a revision the server speaks, or use --protocol auto');
    }
    if (options.verbose) {
      note(io, `connected to ${label}: ${negotiated.serverInfo ? `${negotiated.serverInfo.name} ${negotiated.serverInfo.version}, ` : ''}protocol ${negotiated.protocolVersion} (${negotiated.era} era)`);
      // Session era: one logging/setLevel, for a server that offers logging; stateless: the level rides in each request's _meta.
      if (negotiated.era === 'stateless' || negotiated.capabilities.logging !== undefined) {
        await client.setLogLevel('debug').catch((error: unknown) => warn(io, `could not ask the server for its debug logs: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  } catch (error) {
    const noisy = error instanceof CliError ? undefined : noisyFailure(error);
    if (noisy) throw noisy;
    tellNoise();
    throw error instanceof CliError ? error : fail(error, { connecting: true });
  } finally {
    stopSpinner();
    connecting = false;
  }
  const session: Session = {
    client,
    target,
    request: async (what, run) => {
      const clock = asks && io.stdinIsTty ? asks.track(new RequestClock(options.timeout, what)) : undefined;
      const signal = clock ? AbortSignal.any([ctx.signal, clock.signal]) : ctx.signal;
      try {
        // No timeoutMs key without a clock: the client's own default (--timeout) must stay in force.
        const callOptions = clock ? { signal, timeoutMs: ENGINE_TIMEOUT_OFF_MS } : { signal };
        return await run(signal, { options: callOptions, progressed: () => clock?.restart() });
      } catch (error) {
        // Refused input fails the command the same way in both eras (stateless: the request itself ends here).
        if (asks?.refusal) throw asks.refusal;
        throw fail(clock?.expired && !ctx.signal.aborted ? clock.error : error, { request: what });
      } finally {
        if (clock) asks?.untrack(clock);
      }
    },
  };
  try {
    return await body(session);
  } finally {
    await client.close().catch((error: unknown) => warn(ctx.io, `closing the connection failed: ${error instanceof Error ? error.message : String(error)}`));
    tellNoise();
  }
}
