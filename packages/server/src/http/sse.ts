/**
 * Server-Sent Events, written to whatever sink the runtime adapter attaches: a web ReadableStream or a
 * node:http response. Writes before a sink is attached are buffered; writes after close are ignored.
 * @module
 */
import type { JsonRpcMessage } from '@mcpkit/protocol';

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** Where SSE text goes. `end` finishes the response; the adapter calls `SseStream.clientGone()` if the peer leaves. */
export interface SseSink {
  write(text: string): void;
  end(): void;
}

const encoder = new TextEncoder();

export class SseStream {
  #sink: SseSink | undefined;
  #buffer: string[] = [];
  #closed = false;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Called once when the client goes away or the stream is closed. */
  onclose: (() => void) | undefined;

  constructor(keepAliveMs?: number) {
    if (keepAliveMs !== undefined && keepAliveMs > 0) {
      this.#keepAlive = setInterval(() => this.comment('keepalive'), keepAliveMs);
      (this.#keepAlive as { unref?: () => void }).unref?.();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Connects the output; buffered text is flushed, and an already closed stream ends at once. */
  attach(sink: SseSink): void {
    this.#sink = sink;
    if (this.#buffer.length) sink.write(this.#buffer.join(''));
    this.#buffer = [];
    if (this.#closed) sink.end();
  }

  #write(text: string): void {
    if (this.#closed) return;
    if (this.#sink) this.#sink.write(text);
    else this.#buffer.push(text);
  }

  /** Sends one JSON-RPC message as a `message` event. */
  send(message: JsonRpcMessage, id?: string): void {
    this.#write(`${id === undefined ? '' : `id: ${id}\n`}event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** A named event with one line of data (the legacy transport's `endpoint` event). */
  event(type: string, data: string): void {
    this.#write(`event: ${type}\ndata: ${data.replace(/[\r\n]/g, '')}\n\n`);
  }

  /** An event with an id and empty data: primes the client's Last-Event-ID (spec 2025-11-25 SSE polling). */
  prime(id: string, retryMs?: number): void {
    this.#write(`id: ${id}\n${retryMs === undefined ? '' : `retry: ${retryMs}\n`}data: \n\n`);
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  /** Ends the stream from the server side. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink?.end();
    this.#finish();
  }

  /** The adapter saw the client disconnect. */
  clientGone(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#finish();
  }

  #finish(): void {
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    this.onclose?.();
  }

  /** A web ReadableStream carrying this stream (for the web-standard adapter). */
  toReadable(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.attach({
          write: (text) => {
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              this.clientGone();
            }
          },
          end: () => {
            try {
              controller.close();
            } catch {
              // already cancelled by the consumer
            }
          },
        });
      },
      cancel: () => this.clientGone(),
    });
  }
}

/**
 * A stream resumed with `Last-Event-ID`: live events wait while the stored ones are replayed, and an event that
 * arrives both ways (stored, then relayed or sent live) goes out once.
 */
export class ResumedSseStream extends SseStream {
  #held: Array<[JsonRpcMessage, string | undefined]> | undefined = [];
  readonly #replayed = new Set<string>();

  override send(message: JsonRpcMessage, id?: string): void {
    if (id !== undefined && this.#replayed.has(id)) return;
    if (this.#held !== undefined) this.#held.push([message, id]);
    else super.send(message, id);
  }

  /** Sends a stored event (during the replay). */
  replay(id: string, message: JsonRpcMessage): void {
    this.#replayed.add(id);
    super.send(message, id);
  }

  /** The replay is over: what arrived meanwhile goes out, and later events go out as they come. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const [message, id] of held) this.send(message, id);
  }
}
