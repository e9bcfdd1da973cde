/**
 * Lines sent in one turn of the event loop, written to a stream in one write (as the server's stdio transport
 * does): concurrent requests then cost the child one wakeup and one read, not one each.
 * @module
 */

/** Flush at once past this many UTF-16 units, so a burst never builds an unbounded string. */
const FLUSH_AT_CHARS = 256 * 1024;

export class LineBatch {
  readonly #write: (text: string, done: (error: Error | null | undefined) => void) => void;
  #lines: string[] = [];
  #chars = 0;
  #done: Promise<void> | undefined;
  #flush: (() => void) | undefined;

  /** `write` hands one chunk to the stream and calls `done` when the stream has taken it (or failed). */
  constructor(write: (text: string, done: (error: Error | null | undefined) => void) => void) {
    this.#write = write;
  }

  /**
   * Queues a line; the write goes out later in this loop iteration (setImmediate), so latency is unchanged.
   * Every line of one write shares its promise: it resolves when the stream took the chunk, or rejects with
   * what `toError` makes of its failure.
   */
  push(line: string, toError: (error: Error) => Promise<never> | Error): Promise<void> {
    this.#lines.push(line);
    this.#chars += line.length;
    if (!this.#done) {
      this.#done = new Promise<void>((resolve, reject) => {
        this.#flush = () => this.#send(resolve, (error) => {
          const mapped = toError(error);
          if (mapped instanceof Error) reject(mapped);
          else mapped.catch(reject);
        });
      });
      setImmediate(() => this.#flush?.());
    }
    const done = this.#done;
    if (this.#chars >= FLUSH_AT_CHARS) this.#flush?.();
    return done;
  }

  /** Writes what is queued now (before the stream is ended). */
  flush(): void {
    this.#flush?.();
  }

  #send(resolve: () => void, reject: (error: Error) => void): void {
    const text = this.#lines.length === 1 ? (this.#lines[0] as string) : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    this.#done = undefined;
    this.#flush = undefined;
    this.#write(text, (error) => {
      if (error) reject(error);
      else resolve();
    });
  }
}
