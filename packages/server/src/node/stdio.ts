/**
 * The stdio transport for servers: newline-delimited JSON on stdin/stdout; stdout carries nothing but MCP.
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import {
  type JsonRpcMessage,
  type MessageInfo,
  type Transport,
  DEFAULT_MAX_MESSAGE_BYTES,
  LineDecoder,
  TransportStateError,
  encodeLine,
  parseJson,
} from '@mcpkit/protocol';

/** A batch this large is written at once instead of waiting for the end of the loop turn. */
const FLUSH_AT_BYTES = 256 * 1024;

export interface StdioServerTransportOptions {
  stdin?: Readable;
  stdout?: Writable;
  /** Longest accepted message. Default 32 MiB. */
  maxMessageBytes?: number;
}

/** Serves MCP over this process's stdin and stdout. */
export class StdioServerTransport implements Transport {
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  oninputend?: (() => void) | undefined;
  readonly #stdin: Readable;
  readonly #stdout: Writable;
  readonly #decoder: LineDecoder;
  #started = false;
  #closed = false;

  constructor(options: StdioServerTransportOptions = {}) {
    this.#stdin = options.stdin ?? process.stdin;
    this.#stdout = options.stdout ?? process.stdout;
    this.#decoder = new LineDecoder(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  }

  #onData = (chunk: Buffer | string): void => {
    this.#decoder.push(
      chunk,
      (line) => {
        let value: unknown;
        try {
          value = parseJson(line);
        } catch (error) {
          this.onerror?.(error as Error);
          return;
        }
        this.#count(value);
        this.onmessage?.(value);
      },
      (error) => this.onerror?.(error),
    );
  };

  #onEnd = (): void => {
    // stdin ended: answer what is in flight (the engine closes us after), or close now if nobody drains.
    if (this.oninputend) this.oninputend();
    else void this.close();
  };

  #onError = (error: Error): void => {
    this.onerror?.(error);
  };

  async start(): Promise<void> {
    if (this.#started) throw new TransportStateError('stdio transport already started');
    this.#started = true;
    this.#stdin.on('data', this.#onData);
    this.#stdin.on('end', this.#onEnd);
    this.#stdin.on('error', this.#onError);
    this.#stdout.on('error', this.#onError);
  }

  /**
   * Requests read and not yet answered (cancelled ones count as answered). When an answer leaves none open,
   * nothing else is coming this turn: it is written at once instead of after the turn (a sequential client
   * then waits for no setImmediate). Only a hint: a miscount costs one batching opportunity, never a message.
   */
  #open = 0;

  #count(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.#count(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const message = value as { method?: unknown; id?: unknown };
    if (message.method === undefined) return;
    if (message.id !== undefined) this.#open++;
    else if (message.method === 'notifications/cancelled' && this.#open > 0) this.#open--;
  }

  // Lines produced in one turn of the event loop go out in one write: pipelined clients get many answers
  // per system call. The batch is flushed in the same loop iteration (setImmediate), so latency is unchanged.
  #batch: string[] = [];
  #batchBytes = 0;
  #flushed: Promise<void> | undefined;
  #flush: (() => void) | undefined;

  send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportStateError('stdio transport is closed'));
    const line = encodeLine(message);
    const last = !('method' in message) && (this.#open === 0 || --this.#open === 0);
    if (last && this.#flushed === undefined) return this.#writeNow(line);
    this.#batch.push(line);
    this.#batchBytes += line.length;
    if (!this.#flushed) {
      this.#flushed = new Promise<void>((resolve, reject) => {
        this.#flush = () => this.#write(resolve, reject);
      });
      setImmediate(() => this.#flush?.());
    }
    const done = this.#flushed;
    if (last || this.#batchBytes >= FLUSH_AT_BYTES) this.#flush?.();
    return done;
  }

  #writeNow(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#batch.push(line);
      this.#batchBytes = line.length;
      this.#write(resolve, reject);
    });
  }

  #write(resolve: () => void, reject: (error: Error) => void): void {
    const text = this.#batch.length === 1 ? this.#batch[0]! : this.#batch.join('');
    this.#batch = [];
    this.#batchBytes = 0;
    this.#flushed = undefined;
    this.#flush = undefined;
    // Respect backpressure: resolve when the chunk is written or buffered below the high-water mark.
    const ok = this.#stdout.write(text, (error) => {
      if (error) reject(error);
    });
    if (ok) resolve();
    else this.#stdout.once('drain', resolve);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush?.();
    this.#closed = true;
    this.#stdin.off('data', this.#onData);
    this.#stdin.off('end', this.#onEnd);
    this.#stdin.off('error', this.#onError);
    this.#stdout.off('error', this.#onError);
    if (this.#stdin === process.stdin) this.#stdin.pause();
    this.onclose?.();
  }
}
