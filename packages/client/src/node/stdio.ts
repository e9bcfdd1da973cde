/**
 * The stdio transport for clients: spawns an MCP server and speaks newline-delimited JSON over its stdin/stdout.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  type JsonRpcMessage,
  type MessageInfo,
  type Transport,
  DEFAULT_MAX_MESSAGE_BYTES,
  InvalidArgumentError,
  LineDecoder,
  type ProcessExitedError,
  ProtocolError,
  ProtocolViolationError,
  SendError,
  TransportStateError,
  encodeLine,
  parseJson,
} from '@mcpkit/protocol';
import { childEnvironment } from './child-env.js';
import { LineBatch } from './line-batch.js';
import { exitedError, isPipeClosed, pipeClosedError, startFailedError } from './process-errors.js';
import { groupAlive, signalGroup, signalTree, usesProcessGroups, waitForGroupExit } from './process-group.js';
import type { StdioClientTransportOptions } from './stdio-options.js';

export type { StdioClientTransportOptions } from './stdio-options.js';

const DEFAULT_CLOSE_TIMEOUT_MS = 2000;
/** Between SIGTERM and SIGKILL. */
const TERM_GRACE_MS = 1000;
/** After SIGKILL; only a process stuck in the kernel outlives it, and close() must not hang on one. */
const KILL_WAIT_MS = 5000;
/** After an unexpected exit, how long stdout and stderr may take to reach their end (a descendant can hold them). */
const DRAIN_GRACE_MS = 250;
/**
 * How long a write that found the pipe closed waits for the process exit, whose code and stderr say far more
 * than EPIPE. A process that exits closes its pipes first, so the exit follows at once; only one that closed
 * stdin and lives on makes the wait run out.
 */
const EXIT_AFTER_CLOSED_PIPE_MS = 2000;
const STDERR_TAIL_CHARS = 8192;
const NON_JSON_EXCERPT_CHARS = 200;

type State = 'new' | 'starting' | 'open' | 'closed';

/**
 * Runs an MCP server as a child process and talks to it over stdio (spec basic/transports#stdio). The server
 * is spawned without a shell, with an explicit environment (see `inheritEnv`), and on POSIX as the leader of its
 * own process group, so that `close()` ends everything it started.
 * @example
 * const transport = new StdioClientTransport({ command: 'node', args: ['server.js'], env: { API_KEY: 'k' } });
 * const peer = new Peer(transport);
 * await peer.start();
 */
export class StdioClientTransport implements Transport {
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  /** Called with each chunk the server writes to stderr (with `stderr: 'capture'`). */
  onstderr?: ((chunk: string) => void) | undefined;

  readonly #options: StdioClientTransportOptions;
  readonly #closeTimeoutMs: number;
  readonly #decoder: LineDecoder;
  #state: State = 'new';
  #child: ChildProcess | undefined;
  #spawned = false;
  #startPromise: Promise<void> | undefined;
  #closePromise: Promise<void> | undefined;
  #closeRequested = false;
  #closeEmitted = false;
  #stderrTail = '';
  #nonJson: { count: number; first: string } | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #markExited!: () => void;
  readonly #exited = new Promise<void>((resolve) => (this.#markExited = resolve));
  /** The exit, as reported through onerror once the pipes were read to their end. */
  #exitError: ProcessExitedError | undefined;
  #markEnded!: () => void;
  /** Settles when the exit was reported, or close() was asked for: nothing more is coming. */
  readonly #ended = new Promise<void>((resolve) => (this.#markEnded = resolve));
  #drainTimer: ReturnType<typeof setTimeout> | undefined;

  /** @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` when `command` is empty. */
  constructor(options: StdioClientTransportOptions) {
    if (typeof options?.command !== 'string' || options.command.length === 0) {
      throw new InvalidArgumentError('StdioClientTransport: `command` must be a non-empty string');
    }
    this.#options = options;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.#decoder = new LineDecoder(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** The server's exit (code or signal, stderr tail) once it was reported; what requests still outstanding are told. */
  get closeError(): Error | undefined {
    return this.#exitError;
  }

  /** The server's process id, once spawned. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The last ~8 KB the server wrote to stderr (with `stderr: 'capture'`). */
  get stderrTail(): string {
    return this.#stderrTail;
  }

  /**
   * The lines the server wrote to stdout that were not JSON (each also reported through `onerror`): how many,
   * and the first, cut to 200 characters. A server that logs to stdout is the usual cause.
   */
  get nonJsonLines(): { readonly count: number; readonly first: string } | undefined {
    return this.#nonJson && { ...this.#nonJson };
  }

  /**
   * Spawns the server; resolves once the process runs.
   * @throws ProcessExitedError `MCPKIT_PROCESS_EXITED` when it cannot be started (e.g. command not found);
   *   TransportStateError `MCPKIT_TRANSPORT_STATE` when already started or closed.
   */
  start(): Promise<void> {
    if (this.#state !== 'new' || this.#closeRequested) {
      const why = this.#state === 'closed' || this.#closeRequested ? 'is closed' : 'was already started';
      return Promise.reject(new TransportStateError(`stdio transport ${why}`));
    }
    this.#state = 'starting';
    const { command, args = [], cwd, stderr = 'capture' } = this.#options;
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd,
        env: childEnvironment(this.#options),
        // No shell: arguments reach the server exactly as given, and nothing in them can run a command.
        shell: false,
        windowsHide: true,
        detached: usesProcessGroups,
        stdio: ['pipe', 'pipe', stderr === 'capture' ? 'pipe' : stderr],
      });
    } catch (error) {
      // Synchronous failures: invalid arguments (a NUL byte), or EINVAL for a .cmd/.bat file on Windows.
      this.#state = 'closed';
      this.#markExited();
      return Promise.reject(startFailedError(command, cwd, error));
    }
    this.#child = child;
    this.#startPromise = new Promise<void>((resolve, reject) => {
      const onStartError = (error: Error): void => {
        this.#state = 'closed';
        this.#markExited();
        this.#releaseStreams();
        reject(startFailedError(command, cwd, error));
      };
      child.once('error', onStartError);
      child.once('spawn', () => {
        child.off('error', onStartError);
        this.#spawned = true;
        if (this.#closeRequested) {
          reject(new TransportStateError('stdio transport was closed while starting'));
          return;
        }
        this.#state = 'open';
        resolve();
      });
    });
    this.#listen(child);
    return this.#startPromise;
  }

  #listen(child: ChildProcess): void {
    child.on('error', (error) => {
      // Before 'spawn' this is the start failure, handled in start().
      if (this.#spawned) this.#report(error);
    });
    child.on('exit', this.#onExit);
    child.on('close', this.#onStreamsDone);
    child.stdin?.on('error', (error) => {
      // A dead or deaf child: the exit is reported by #onExit and the failed write rejects its send().
      if (!isPipeClosed(error)) this.#report(error);
    });
    child.stdout?.on('data', this.#onStdout);
    child.stdout?.on('end', () => {
      if (this.#decoder.hasPartial && !this.#closeRequested) {
        this.#report(new ProtocolViolationError(`\`${this.#options.command}\` closed stdout in the middle of a message`));
      }
    });
    child.stdout?.on('error', (error) => this.#report(error));
    if (child.stderr) {
      child.stderr.setEncoding('utf8');
      // Always consumed, even with nobody listening: a full stderr pipe would block the server.
      child.stderr.on('data', this.#onStderr);
      child.stderr.on('error', (error) => this.#report(error));
    }
  }

  #onStdout = (chunk: Buffer): void => {
    this.#decoder.push(chunk, this.#onLine, (error) => this.#report(error));
  };

  #onLine = (line: string): void => {
    if (this.#closeEmitted) return;
    let value: unknown;
    try {
      value = parseJson(line);
    } catch (error) {
      // A server that logs to stdout is the usual cause; quoting the line makes that obvious. Reading goes on.
      if (this.#nonJson) this.#nonJson.count++;
      else this.#nonJson = { count: 1, first: line.length > NON_JSON_EXCERPT_CHARS ? `${line.slice(0, NON_JSON_EXCERPT_CHARS)}…` : line };
      const wire = error as ProtocolError;
      const excerpt = JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
      this.#report(new ProtocolError(wire.code, `${wire.message} in stdout line ${excerpt}`, undefined, { cause: error }));
      return;
    }
    try {
      this.onmessage?.(value);
    } catch (error) {
      // Thrown inside a stream event it would crash the process; the owner hears of it through onerror.
      this.#report(error);
    }
  };

  #onStderr = (chunk: string): void => {
    const tail = this.#stderrTail + chunk;
    this.#stderrTail = tail.length > STDERR_TAIL_CHARS ? tail.slice(-STDERR_TAIL_CHARS) : tail;
    try {
      this.onstderr?.(chunk);
    } catch (error) {
      this.#report(error);
    }
  };

  #onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.#exit = { code, signal };
    this.#markExited();
    if (this.#closeRequested) return; // close() takes it from here
    // Let stdout and stderr be read to their end ('close'), so the last messages and the stderr tail are
    // complete; bounded, because a descendant may hold the pipes open.
    this.#drainTimer = setTimeout(this.#onStreamsDone, DRAIN_GRACE_MS);
  };

  /** The process exited and its pipes ended (or the drain grace ran out). */
  #onStreamsDone = (): void => {
    if (this.#exit === undefined || this.#closeRequested || this.#state === 'closed') return;
    clearTimeout(this.#drainTimer);
    this.#state = 'closed';
    this.#releaseStreams();
    const { code, signal } = this.#exit;
    this.#exitError = exitedError(this.#options.command, code, signal, this.#stderrTail);
    this.#report(this.#exitError);
    this.#markEnded();
    const pid = this.#child?.pid;
    // Helpers the server left behind are orphans now; ask them to go. close() would SIGKILL stragglers.
    if (pid !== undefined && groupAlive(pid)) signalGroup(pid, 'SIGTERM');
    this.#emitClose();
  };

  /**
   * Writes one message to the server's stdin; resolves once it is handed to the OS, so awaiting callers
   * respect the pipe's backpressure.
   * @throws TransportStateError `MCPKIT_TRANSPORT_STATE` when not started, closing or closed;
   *   ProcessExitedError `MCPKIT_PROCESS_EXITED` (its code or signal and stderr tail) when the server exited;
   *   ConnectionClosedError `MCPKIT_CONNECTION_CLOSED` when it closed its stdin and lives on;
   *   SendError `MCPKIT_SEND_FAILED` when the message cannot be serialized or written.
   */
  send(message: JsonRpcMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (this.#exitError && !this.#closeRequested) return Promise.reject(this.#exitError);
    if (this.#state !== 'open' || this.#closeRequested || !stdin) {
      const why = this.#state === 'closed' ? 'is closed' : this.#closeRequested ? 'is closing' : 'is not started';
      return Promise.reject(new TransportStateError(`stdio transport ${why}`));
    }
    if (this.#exit !== undefined || !stdin.writable) return this.#closedPipe();
    let line: string;
    try {
      line = encodeLine(message);
    } catch (error) {
      return Promise.reject(new SendError('message could not be serialized as JSON', { cause: error }));
    }
    this.#lines ??= new LineBatch((text, done) => stdin.write(text, done)); // one child per transport
    return this.#lines.push(line, this.#writeError);
  }

  /** Lines of one event-loop turn go out in one write (line-batch.ts). */
  #lines: LineBatch | undefined;

  readonly #writeError = (error: Error): Promise<never> | Error =>
    isPipeClosed(error) ? this.#closedPipe(error) : new SendError(`could not write to \`${this.#options.command}\`: ${error.message}`, { cause: error });

  /**
   * Fails a send that found the server's stdin closed. Which of "the write failed" and "the process exited"
   * is seen first is a race; the exit, reported first and rejected with here, wins it every time.
   */
  async #closedPipe(cause?: unknown): Promise<never> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_AFTER_CLOSED_PIPE_MS)))]);
    clearTimeout(timer);
    throw this.#exitError ?? pipeClosedError(this.#options.command, cause);
  }

  /**
   * Ends the server: closes its stdin, waits up to `closeTimeoutMs` for it to exit, then sends SIGTERM and,
   * a second later, SIGKILL to its process group (spec basic/lifecycle#shutdown, stdio). Resolves when the
   * server is gone; helpers left in its group are signalled too. Idempotent; `onclose` fires once.
   */
  close(): Promise<void> {
    this.#lines?.flush(); // what was sent before close() reaches the server before its stdin ends
    this.#closePromise ??= this.#shutdown();
    return this.#closePromise;
  }

  async #shutdown(): Promise<void> {
    this.#closeRequested = true;
    this.#markEnded();
    clearTimeout(this.#drainTimer);
    await this.#startPromise?.catch(() => undefined);
    const child = this.#child;
    const pid = child?.pid;
    if (child && pid !== undefined && this.#spawned) {
      let forced = false;
      if (this.#exit === undefined) {
        // A well-behaved stdio server exits when its input ends.
        child.stdin?.end();
        if (!(await this.#waitForExit(this.#closeTimeoutMs))) {
          forced = true;
          signalTree(child, 'SIGTERM');
          if (!(await this.#waitForExit(TERM_GRACE_MS))) {
            signalTree(child, 'SIGKILL');
            if (!(await this.#waitForExit(KILL_WAIT_MS))) {
              this.#report(new TransportStateError(`\`${this.#options.command}\` (pid ${pid}) did not exit after SIGKILL`));
            }
          }
        }
      }
      // The leader is gone; what remains in its group (children it started) follows it.
      if (groupAlive(pid)) {
        if (!forced) {
          signalGroup(pid, 'SIGTERM');
          await waitForGroupExit(pid, TERM_GRACE_MS);
        }
        // Zombies awaiting their reaper also answer "alive"; SIGKILL is certain, so there is no need to wait.
        signalGroup(pid, 'SIGKILL');
      }
    }
    this.#state = 'closed';
    this.#releaseStreams();
    this.#emitClose();
  }

  #waitForExit(ms: number): Promise<boolean> {
    if (this.#exit !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.#exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops reading and writing; a descendant holding the pipes must not keep this process busy. */
  #releaseStreams(): void {
    const child = this.#child;
    if (!child) return;
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
  }

  #emitClose(): void {
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    this.onclose?.();
  }

  #report(error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    try {
      this.onerror?.(e);
    } catch {
      // An error reporter that throws has nowhere left to report to.
    }
  }
}
