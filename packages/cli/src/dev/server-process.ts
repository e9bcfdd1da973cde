/**
 * A server file running as a child process for `mcpkit run` and `mcpkit dev --http`: spawned without a shell,
 * on POSIX as the leader of its own process group so that stopping it stops whatever it started, its stderr
 * shown and its tail kept for the crash report. Stopping is SIGTERM to the group, then SIGKILL.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Windows has no process groups; there only the child itself is signalled. */
const GROUPS = process.platform !== 'win32';
const TAIL_CHARS = 8192;
/** How long a stopped server gets to finish after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 3000;

/** How a process ended: its exit code, or the signal that killed it. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** `node`'s arguments: the loader, the file, the server's own arguments. */
  args: string[];
  /**
   * `relay`: this process's stdin goes to the server and the server's stdout comes out on this one's (the server
   * is the stdio server, as for a host running `mcpkit run`); `pipe`: its stdout is handed to `onStdout`.
   */
  stdio: 'relay' | 'pipe';
  onStderr(chunk: string): void;
  onStdout?: ((chunk: string) => void) | undefined;
}

/** The code a shell reports for an exit: the code, or 128 + the signal's number. */
export function exitStatus(exit: ServerExit): number {
  if (exit.code !== null) return exit.code;
  return 128 + (exit.signal ? (constants.signals[exit.signal] ?? 0) : 0);
}

/** `exited with code 1`, `was killed by SIGKILL`. */
export function describeExit(exit: ServerExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
}

/** One running server. */
export class ServerProcess {
  readonly child: ChildProcess;
  /** Settles when the process has exited (or could not start: code null, and `startError` says why). */
  readonly exited: Promise<ServerExit>;
  startError: Error | undefined;
  #tail = '';
  #exit: ServerExit | undefined;
  readonly #killOnExit = (): void => this.#signal('SIGKILL');

  constructor(options: ServerProcessOptions) {
    const relay = options.stdio === 'relay';
    this.child = spawn(process.execPath, options.args, {
      shell: false,
      windowsHide: true,
      detached: GROUPS,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // If mcpkit itself is made to exit (a second Ctrl-C), the server must not be left behind.
    process.on('exit', this.#killOnExit);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.startError = error;
        if (this.child.pid === undefined) this.#ended({ code: null, signal: null }, resolve);
      });
      this.child.once('exit', (code, signal) => this.#ended({ code, signal }, resolve));
    });
    const { stdin, stdout, stderr } = this.child;
    stderr!.setEncoding('utf8');
    stderr!.on('data', (chunk: string) => {
      this.#tail = (this.#tail + chunk).slice(-TAIL_CHARS);
      options.onStderr(chunk);
    });
    // A server that exits before reading all its input closes the pipe; that is its exit's story, not ours.
    stdin!.on('error', () => undefined);
    if (relay) {
      process.stdin.pipe(stdin!);
      stdout!.pipe(process.stdout, { end: false });
    } else {
      stdout!.setEncoding('utf8');
      stdout!.on('data', (chunk: string) => options.onStdout?.(chunk));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last ~8 KB the server wrote to stderr. */
  get stderrTail(): string {
    return this.#tail;
  }

  #ended(exit: ServerExit, resolve: (exit: ServerExit) => void): void {
    if (this.#exit) return;
    this.#exit = exit;
    process.off('exit', this.#killOnExit);
    process.stdin.unpipe(this.child.stdin!);
    // Helpers the server started and left behind go with it.
    this.#signal('SIGTERM');
    resolve(exit);
  }

  /** Sends a signal to the server and everything in its process group. */
  #signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (GROUPS) process.kill(-pid, signal);
      else this.child.kill(signal);
    } catch {
      // ESRCH: the group is empty already.
    }
  }

  /** Passes a signal on to the server (Ctrl-C, SIGTERM, SIGHUP reaching mcpkit). */
  forward(signal: NodeJS.Signals): void {
    if (!this.#exit) this.#signal(signal);
  }

  /** Stops the server: SIGTERM to its group, SIGKILL after `graceMs`; resolves with how it ended. */
  async stop(graceMs = STOP_GRACE_MS): Promise<ServerExit> {
    if (this.#exit) return this.#exit;
    this.#signal('SIGTERM');
    const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    this.#signal('SIGKILL');
    return exit;
  }
}

/** The last `count` lines of a stderr tail. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.trimEnd().split('\n');
  return text.trim() === '' ? [] : lines.slice(-count);
}
