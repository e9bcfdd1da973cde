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

  send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportStateError('stdio transport is closed'));
    return new Promise((resolve, reject) => {
      // Respect backpressure: resolve when the chunk is flushed or buffered below the high-water mark.
      const ok = this.#stdout.write(encodeLine(message), (error) => {
        if (error) reject(error);
      });
      if (ok) resolve();
      else this.#stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stdin.off('data', this.#onData);
    this.#stdin.off('end', this.#onEnd);
    this.#stdin.off('error', this.#onError);
    this.#stdout.off('error', this.#onError);
    if (this.#stdin === process.stdin) this.#stdin.pause();
    this.onclose?.();
  }
}
