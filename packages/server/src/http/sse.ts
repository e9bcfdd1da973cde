/**
 * Server-Sent Events over a web ReadableStream.
 * @module
 */
import type { JsonRpcMessage } from '@mcpkit/protocol';

const encoder = new TextEncoder();

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** One SSE response body. Writes after close are ignored. */
export class SseStream {
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #closed = false;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Called once when the client goes away or the stream is closed. */
  onclose: (() => void) | undefined;

  constructor(keepAliveMs?: number) {
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => this.#finish(),
    });
    if (keepAliveMs !== undefined && keepAliveMs > 0) {
      this.#keepAlive = setInterval(() => this.comment('keepalive'), keepAliveMs);
      (this.#keepAlive as { unref?: () => void }).unref?.();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  #enqueue(text: string): void {
    if (this.#closed) return;
    try {
      this.#controller.enqueue(encoder.encode(text));
    } catch {
      this.#finish();
    }
  }

  /** Sends one JSON-RPC message as a `message` event. */
  send(message: JsonRpcMessage, id?: string): void {
    this.#enqueue(`${id === undefined ? '' : `id: ${id}\n`}event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** An event with an id and empty data: primes the client's Last-Event-ID (spec 2025-11-25 SSE polling). */
  prime(id: string, retryMs?: number): void {
    this.#enqueue(`id: ${id}\n${retryMs === undefined ? '' : `retry: ${retryMs}\n`}data: \n\n`);
  }

  comment(text: string): void {
    this.#enqueue(`: ${text}\n\n`);
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#controller.close();
    } catch {
      // already errored by the consumer
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.onclose?.();
  }

  response(headers: Record<string, string> = {}): Response {
    return new Response(this.readable, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
  }
}
