/**
 * A newline-delimited JSON-RPC client for tests: over a spawned process's stdio or over any pair of
 * streams (an in-process server on PassThroughs). It keeps every line it read, so a test can check that
 * the channel carried nothing but JSON-RPC.
 * @module
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Json } from './http.js';

interface Waiter {
  match: (m: Json) => boolean;
  resolve: (m: Json) => void;
  reject: (e: Error) => void;
}

export class LineClient {
  /** Every line read, in order, exactly as received. */
  readonly lines: string[] = [];
  /** Parsed messages not yet claimed by a waiter. */
  readonly #inbox: Json[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #input: Writable;
  #partial = '';
  #ended = false;

  constructor(input: Writable, output: Readable) {
    this.#input = input;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.#onData(chunk));
    output.on('end', () => {
      this.#ended = true;
      for (const w of this.#waiters) w.reject(new Error('the output stream ended'));
      this.#waiters.clear();
    });
  }

  #onData(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // kept in `lines`; the purity check reports it
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const message = value as Json;
      const waiter = [...this.#waiters].find((w) => w.match(message));
      if (waiter) {
        this.#waiters.delete(waiter);
        waiter.resolve(message);
      } else {
        this.#inbox.push(message);
      }
    }
  }

  /** Writes one raw line (a newline is added). */
  writeLine(line: string): void {
    this.#input.write(`${line}\n`);
  }

  send(message: Json): void {
    this.writeLine(JSON.stringify(message));
  }

  /** The next message matching `match`, already received or still to come. */
  waitFor(match: (m: Json) => boolean): Promise<Json> {
    const i = this.#inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#inbox.splice(i, 1)[0]!);
    if (this.#ended) return Promise.reject(new Error('the output stream ended'));
    return new Promise((resolve, reject) => this.#waiters.add({ match, resolve, reject }));
  }

  /** The response with this id. */
  response(id: number | string): Promise<Json> {
    return this.waitFor((m) => m.id === id && !('method' in m));
  }

  /**
   * The next error response about a message whose id could not be read. MCP's schema (2025-11-25 on) leaves
   * `id` out there; plain JSON-RPC 2.0 sends `id: null`. Either is accepted.
   */
  unidentifiedError(): Promise<Json> {
    return this.waitFor((m) => !('method' in m) && 'error' in m && (m.id === undefined || m.id === null));
  }

  /** Sends a request and resolves with its response. */
  request(id: number | string, method: string, params?: Json): Promise<Json> {
    const answer = this.response(id);
    this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return answer;
  }

  /** Ends the input stream (stdin EOF). */
  endInput(): void {
    this.#input.end();
  }

  /** Lines that are not a JSON-RPC 2.0 object (should stay empty). */
  impureLines(): string[] {
    return this.lines.filter((line) => {
      try {
        const v = JSON.parse(line) as unknown;
        return typeof v !== 'object' || v === null || Array.isArray(v) || (v as Json).jsonrpc !== '2.0';
      } catch {
        return true;
      }
    });
  }
}

/** A spawned stdio server with a LineClient on its stdin/stdout. */
export class StdioProcess extends LineClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(command: string, args: readonly string[]) {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
    super(child.stdin, child.stdout);
    this.child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      this.stderr += c;
    });
    // Writes after the child exits fail with EPIPE; the test's assertions say what went wrong.
    child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the process if it is still running and waits for it to go. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
