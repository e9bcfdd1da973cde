/**
 * An incremental Server-Sent Events parser (WHATWG HTML §9.2.6 event stream interpretation), linear time, size-capped.
 * @module
 */
import { DEFAULT_MAX_MESSAGE_BYTES, MessageTooLargeError } from '@mcpkit/protocol';

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` type; `message` when the block named none. */
  event: string;
  /** The `data:` lines joined with `\n`. May be empty (a `data:` line with no value, e.g. a priming event). */
  data: string;
  /** The last event ID at dispatch; it persists across events, as in the browser's `lastEventId`. */
  id: string | undefined;
  /** The reconnection time in ms the stream has set so far with `retry:`, if any. */
  retry: number | undefined;
}

/** Options for {@link SseParser}. */
export interface SseParserOptions {
  /**
   * The largest event accepted: its data, type and id plus any unfinished line, in UTF-16 code units (never more
   * than its UTF-8 bytes). Default 32 MiB.
   */
  maxEventSize?: number;
}

const LF = 10;
const CR = 13;

/**
 * Turns chunks of an event stream into events. Each character is looked at once: an unfinished line is kept
 * as a list of pieces and joined once, when its line end arrives, so parsing stays linear however the bytes
 * are split. Accepts CRLF, LF and CR line ends (a CRLF split across chunks counts once) and drops a leading BOM.
 * @example
 * const parser = new SseParser();
 * const events = parser.feed(new TextEncoder().encode('data: hi\n\n'));
 */
export class SseParser {
  readonly maxEventSize: number;
  #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  #sawText = false;
  #afterCr = false;
  #pieces: string[] = [];
  #pendingLength = 0;
  #data: string[] = [];
  #type = '';
  #idBuffer: string | undefined;
  #eventSize = 0;
  #retry: number | undefined;
  #lastEventId: string | undefined;

  constructor(options: SseParserOptions = {}) {
    this.maxEventSize = options.maxEventSize ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** The last event ID the stream set, including by blocks that dispatched nothing (spec: the buffer persists). */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  /** The reconnection time the stream asked for with `retry:`, in ms. */
  get retry(): number | undefined {
    return this.#retry;
  }

  /**
   * Parses one chunk; returns the events it completed.
   * @throws MessageTooLargeError `MCPKIT_MESSAGE_TOO_LARGE` when an event outgrows `maxEventSize`; the parser
   *   is unusable afterwards (the stream should be dropped).
   */
  feed(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    if (text.length === 0) return out;
    if (!this.#sawText) {
      this.#sawText = true;
      // spec: the stream is UTF-8 decoded, which strips one leading BOM.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    if (this.#afterCr) {
      this.#afterCr = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    const n = text.length;
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const piece = text.slice(start, i);
      let line = piece;
      if (this.#pieces.length > 0) {
        this.#pieces.push(piece);
        line = this.#pieces.join('');
        this.#pieces = [];
      }
      this.#pendingLength = 0;
      this.#line(line, out);
      if (c === CR) {
        if (i + 1 < n) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          this.#afterCr = true;
        }
      }
      start = i + 1;
    }
    if (start < n) {
      const rest = start === 0 ? text : text.slice(start);
      this.#pendingLength += rest.length;
      this.#checkSize(this.#pendingLength);
      this.#pieces.push(rest);
    }
    return out;
  }

  /**
   * Ends the stream. An event without its closing blank line is discarded, as the spec requires.
   * @returns whether an unfinished event was discarded.
   */
  end(): boolean {
    const tail = this.#decoder.decode();
    const unfinished = tail.length > 0 || this.#pendingLength > 0 || this.#data.length > 0 || this.#type !== '';
    this.#pieces = [];
    this.#pendingLength = 0;
    this.#resetEvent();
    return unfinished;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      this.#dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // a comment (keep-alive, spec 2026-07-28 streamable-http)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#eventSize += value.length - this.#type.length;
        this.#type = value;
        break;
      case 'data':
        this.#eventSize += value.length + 1;
        this.#data.push(value);
        break;
      case 'id':
        // spec: an id containing NUL is ignored; the buffer outlives the event.
        if (!value.includes('\0')) this.#idBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        // Unknown fields are ignored (spec).
        break;
    }
    this.#checkSize(0);
  }

  #checkSize(pending: number): void {
    const size = this.#eventSize + pending + (this.#idBuffer?.length ?? 0);
    if (size > this.maxEventSize) {
      throw new MessageTooLargeError(`SSE event of more than ${this.maxEventSize} characters exceeds the limit`);
    }
  }

  #dispatch(out: SseEvent[]): void {
    // spec: the last event ID is set on every dispatch point, even one that delivers no event.
    if (this.#idBuffer !== undefined) this.#lastEventId = this.#idBuffer;
    if (this.#data.length > 0) {
      out.push({ event: this.#type === '' ? 'message' : this.#type, data: this.#data.join('\n'), id: this.#lastEventId, retry: this.#retry });
    }
    this.#resetEvent();
  }

  #resetEvent(): void {
    this.#data = [];
    this.#type = '';
    this.#eventSize = 0;
  }
}

/**
 * Reads a byte stream as events. Leaving the loop early cancels the stream. Pass a parser to read its
 * `lastEventId` and `retry` afterwards (to resume a broken stream).
 * @throws MessageTooLargeError `MCPKIT_MESSAGE_TOO_LARGE`; whatever the stream's reader throws.
 * @example
 * for await (const event of readSse(response.body!)) console.log(event.data);
 */
export async function* readSse(stream: ReadableStream<Uint8Array>, parser: SseParser = new SseParser()): AsyncGenerator<SseEvent, void, undefined> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        parser.end();
        return;
      }
      for (const event of parser.feed(value)) yield event;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
