/**
 * The server side of the database process: one operation at a time, each with a time limit. A statement that
 * overruns it, or whose request is cancelled, ends with the process (SIGKILL), the only way to stop a
 * synchronous SQLite call from outside; the next operation starts a fresh one.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunnerFailureKind, RunnerOp, RunnerReply, RunnerRequest } from './runner-protocol.js';
import type { ResultCaps } from './values.js';

const RUNNER_PATH = fileURLToPath(new URL('./runner.js', import.meta.url));

/** An operation that did not succeed; `kind` says whether its message is for the client. */
export class RunnerError extends Error {
  override readonly name = 'RunnerError';
  readonly kind: RunnerFailureKind;

  constructor(kind: RunnerFailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Where the database is and how operations on it are bounded. */
export interface QueryRunnerOptions {
  path: string;
  caps: ResultCaps;
  /** Longest an operation may run before its process is killed. */
  timeoutMs: number;
  /** Whether a killed operation may have been writing, so the next start must roll back a hot journal. */
  write: boolean;
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${String(code)}`;
}

function cancelled(): RunnerError {
  return new RunnerError('cancelled', 'The request was cancelled before its statement ran.');
}

/**
 * `task`, or a `cancelled` rejection as soon as `signal` aborts: a caller waiting in the queue or for the
 * database process to start hears of its cancellation at once. The task itself sees the abort at its next step.
 */
function unlessAborted<T>(task: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return task;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    task.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Runs database operations in a child process, serially, each with a time limit. */
export class QueryRunner {
  readonly #options: QueryRunnerOptions;
  #child: Promise<ChildProcess> | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #closed = false;
  /** Set when an operation was killed: a write may have left a hot journal that read-only opens cannot undo. */
  #needsRecovery = false;

  constructor(options: QueryRunnerOptions) {
    this.#options = options;
  }

  /**
   * Runs one operation after those already queued.
   * @throws RunnerError `refused`/`sqlite` (message for the client), `timeout`, `cancelled` or `internal`.
   */
  run<T>(op: RunnerOp, signal?: AbortSignal): Promise<T> {
    const task = this.#tail.then(() => this.#runNow(op, signal)) as Promise<T>;
    this.#tail = task.catch(() => undefined);
    return unlessAborted(task, signal);
  }

  /** Stops the database process; later operations fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    this.#child = undefined;
    if (child) (await child.catch(() => undefined))?.kill('SIGKILL');
  }

  #spawn(): Promise<ChildProcess> {
    // stdout of the child is our stderr: in stdio mode nothing but MCP may reach our stdout. Our pid tells
    // the child whose death to watch for, even if we are gone before it starts (see runner.ts).
    const child = fork(RUNNER_PATH, [String(process.pid)], { stdio: ['ignore', 2, 2, 'ipc'], serialization: 'json' });
    // An idle database process must not keep the server alive once its transport has ended; a busy one
    // must, or a request still in flight when stdin ends would never be answered (see #runNow).
    child.unref();
    return new Promise((resolve, reject) => {
      const done = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const onMessage = (m: unknown) => {
        if ((m as { ready?: unknown } | null)?.ready !== true) return;
        done();
        resolve(child);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(new RunnerError('internal', `the database process exited before it was ready (${exitText(code, signal)})`));
      };
      const onError = (error: Error) => {
        done();
        reject(new RunnerError('internal', `the database process could not start: ${error.message}`));
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
    });
  }

  #childProcess(): Promise<ChildProcess> {
    if (!this.#child) {
      const started = this.#spawn();
      this.#child = started;
      started.catch(() => {
        if (this.#child === started) this.#child = undefined;
      });
    }
    return this.#child;
  }

  /** Throws when the operation must not go on: after every await, a cancel or a close may have come. */
  #check(signal: AbortSignal | undefined): void {
    if (this.#closed) throw new RunnerError('internal', 'the database process was closed');
    if (signal?.aborted) throw cancelled();
  }

  async #runNow(op: RunnerOp, signal: AbortSignal | undefined): Promise<unknown> {
    this.#check(signal);
    // Nothing else keeps the event loop alive while the child starts or works: hold it until the answer.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      if (this.#needsRecovery) {
        // Not cancellable: whoever comes next needs the journal rolled back.
        await this.#send({ kind: 'recover' }, undefined);
        this.#needsRecovery = false;
        this.#check(signal);
      }
      return await this.#send(op, signal);
    } finally {
      clearInterval(keepAlive);
    }
  }

  async #send(op: RunnerOp, signal: AbortSignal | undefined): Promise<unknown> {
    // Starting the process takes a while (long on a busy machine); a cancel that came meanwhile is honoured
    // before anything is sent, and the process is kept for the next operation.
    const child = await this.#childProcess();
    this.#check(signal);
    child.channel?.unref();
    const id = this.#nextId++;
    const { timeoutMs } = this.#options;
    return new Promise((resolve, reject) => {
      const finish = (error: RunnerError | undefined, value?: unknown, kill = false) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (kill) this.#kill(child);
        if (error) reject(error);
        else resolve(value);
      };
      const onMessage = (reply: RunnerReply) => {
        if (reply.id !== id) return;
        if (reply.ok) finish(undefined, reply.value);
        else finish(new RunnerError(reply.kind, reply.message));
      };
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
        this.#child = undefined;
        console.error(`mcpkit-sqlite: the database process exited during an operation (${exitText(code, exitSignal)})`);
        finish(new RunnerError('internal', 'The database process ended unexpectedly; the next call starts a new one.'));
      };
      const onAbort = () => finish(new RunnerError('cancelled', 'The request was cancelled and its statement stopped.'), undefined, true);
      const timer = setTimeout(
        () => finish(new RunnerError('timeout', `The statement ran longer than the ${timeoutMs} ms limit and was stopped; nothing it was doing was kept.`), undefined, true),
        timeoutMs,
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      const request: RunnerRequest = { id, path: this.#options.path, caps: this.#options.caps, op };
      const unsent = (error: Error) => {
        this.#child = undefined;
        finish(new RunnerError('internal', `The database process could not take the request (${error.message}); the next call starts a new one.`), undefined, true);
      };
      try {
        child.send(request, (error) => {
          if (error) unsent(error);
        });
      } catch (error) {
        unsent(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  #kill(child: ChildProcess): void {
    this.#child = undefined;
    child.kill('SIGKILL');
    // A write cut short leaves a hot journal; SQLite rolls it back on the next read-write open.
    if (this.#options.write) this.#needsRecovery = true;
  }
}
