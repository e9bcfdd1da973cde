/**
 * The client end of a stdio server: spawns it (no shell), frames newline-delimited JSON in O(n), correlates
 * responses by id, and batches the writes made while one chunk of responses is being handled.
 * @module
 */
import { spawn } from 'node:child_process';
import { INITIALIZED_LINE, INITIALIZE_PARAMS, requestTemplate } from './wire.mjs';

const STDERR_TAIL = 4096;

export class StdioPeer {
  #pending = new Map();
  #nextId = 1;
  #partial = [];
  #batch = undefined;
  #stderr = '';
  #exited = undefined;

  /** Spawns `command args` with piped stdio; `options.env` replaces the environment (default: this process's). */
  constructor(command, args, options = {}) {
    this.spawnedAt = performance.now();
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: options.env ?? process.env });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => this.#onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s) => {
      this.#stderr = (this.#stderr + s).slice(-STDERR_TAIL);
    });
    this.child.stdin.on('error', () => undefined); // EPIPE after the server died: reported through exit below
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#exited = { code, signal };
        const failure = new Error(`server exited (code ${code}, signal ${signal}); stderr: ${this.#stderr.trim()}`);
        for (const cb of this.#pending.values()) cb(undefined, failure);
        this.#pending.clear();
        resolve(this.#exited);
      });
    });
  }

  get stderrTail() {
    return this.#stderr;
  }

  /** Allocates an id and registers `cb(message, error)` for its response. */
  expect(cb) {
    const id = this.#nextId++;
    this.#pending.set(id, cb);
    return id;
  }

  /** Writes one line; lines written while a chunk of responses is handled go out in one write. */
  write(line) {
    if (this.#exited) return;
    if (this.#batch !== undefined) this.#batch.push(line);
    else this.child.stdin.write(line + '\n');
  }

  /** Sends a request built from `template`; resolves with the response message. */
  request(template) {
    return new Promise((resolve, reject) => {
      const id = this.expect((msg, err) => (err ? reject(err) : resolve(msg)));
      this.write(template.line(id));
    });
  }

  /** The session-era handshake: initialize, then notifications/initialized. */
  async initialize() {
    const reply = await this.request(requestTemplate('initialize', INITIALIZE_PARAMS));
    if (reply.error) throw new Error(`initialize failed: ${JSON.stringify(reply.error)}`);
    this.write(INITIALIZED_LINE);
    return reply.result;
  }

  #onData(chunk) {
    this.#batch = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      let line = chunk.slice(start, nl);
      if (this.#partial.length > 0) {
        this.#partial.push(line);
        line = this.#partial.join('');
        this.#partial = [];
      }
      start = nl + 1;
      if (line.length > 0) this.#onLine(line);
    }
    if (start < chunk.length) this.#partial.push(chunk.slice(start));
    const batch = this.#batch;
    this.#batch = undefined;
    if (batch.length > 0 && !this.#exited) this.child.stdin.write(batch.join('\n') + '\n');
  }

  #onLine(line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not JSON-RPC (a stray log line); a correct server never writes one, and a missing answer shows as an error
    }
    if (msg.id === undefined || msg.method !== undefined) return; // notifications and server requests: none expected
    const cb = this.#pending.get(msg.id);
    if (cb === undefined) return;
    this.#pending.delete(msg.id);
    cb(msg, undefined);
  }

  /** Ends stdin and waits for exit, killing the server after `graceMs`. */
  async close(graceMs = 2000) {
    if (this.#exited) return this.#exited;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const t2 = setTimeout(() => this.child.kill('SIGTERM'), graceMs / 2);
    const result = await this.exited;
    clearTimeout(timer);
    clearTimeout(t2);
    return result;
  }
}
