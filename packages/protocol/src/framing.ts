/**
 * Newline-delimited JSON framing for stdio and other byte streams, in linear time with a size cap.
 * @module
 */
import { MessageTooLargeError } from './errors.js';
import type { JsonRpcMessage } from './jsonrpc.js';

/** Default cap on one message: 32 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * Splits a byte stream into lines. Each byte is looked at once: partial lines are kept as a list of
 * pieces and joined once, when their newline arrives.
 */
export class LineDecoder {
  readonly maxLength: number;
  #decoder = new TextDecoder('utf-8');
  #pieces: string[] = [];
  #pending = 0;
  #discarding = false;

  /** @param maxLength the longest line accepted, in UTF-16 code units (≈ bytes for JSON). */
  constructor(maxLength = DEFAULT_MAX_MESSAGE_BYTES) {
    this.maxLength = maxLength;
  }

  /**
   * Feeds a chunk; calls `onLine` for each complete line (without its `\n` or `\r\n`) and `onOversize` once
   * per line over the cap (that line is dropped up to its newline).
   */
  push(chunk: Uint8Array | string, onLine: (line: string) => void, onOversize: (error: MessageTooLargeError) => void): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (this.#discarding) {
        this.#discarding = false;
      } else {
        let line = this.#pieces.length === 0 ? text.slice(start, nl) : this.#pieces.join('') + text.slice(start, nl);
        this.#pieces = [];
        this.#pending = 0;
        // The CR of a CRLF ending is framing, not message: it does not count against the cap.
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line.length > this.maxLength) {
          onOversize(new MessageTooLargeError(`message of ${line.length} characters exceeds the limit of ${this.maxLength}`));
        } else if (line.trim().length > 0) {
          onLine(line);
        }
      }
      this.#pieces = [];
      this.#pending = 0;
      start = nl + 1;
    }
    if (start < text.length && !this.#discarding) {
      const rest = start === 0 ? text : text.slice(start);
      this.#pending += rest.length;
      // One extra character of slack for a CR whose LF has not arrived yet.
      if (this.#pending > this.maxLength + 1) {
        this.#pieces = [];
        this.#pending = 0;
        this.#discarding = true;
        onOversize(new MessageTooLargeError(`message exceeds the limit of ${this.maxLength} characters`));
      } else {
        this.#pieces.push(rest);
      }
    }
  }

  /** Whether a partial line is buffered (useful at end of stream). */
  get hasPartial(): boolean {
    return this.#pending > 0;
  }
}

/** Serializes one message as a line. JSON.stringify never emits raw newlines, so framing is safe. */
export function encodeLine(message: JsonRpcMessage): string {
  return `${JSON.stringify(message)}\n`;
}
