/**
 * The spinner of `mcpkit chat` while tool calls run: drawn on a terminal once they take a moment, erased before any
 * other output, and away while a question (an approval, a form, a sampling request) waits for the user.
 * @module
 */
import type { Io } from '../output/io.js';
import { startSpinner } from '../output/spinner.js';

export class ToolSpinner {
  readonly #io: Io;
  /** Calls the model asked for and that have no result yet: id → name. */
  readonly #running = new Map<string, string>();
  #asking = 0;
  #stop: (() => void) | undefined;

  constructor(io: Io) {
    this.#io = io;
  }

  /** A tool call was asked for. */
  called(id: string, name: string): void {
    this.#running.set(id, name);
    this.#restart();
  }

  /** A tool call has its result (or was refused). */
  finished(id: string): void {
    this.#running.delete(id);
    this.#restart();
  }

  /** Erases the spinner before other output; {@link show} brings it back. */
  hide(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** Shows the spinner if calls are running and no question is waiting. */
  show(): void {
    if (this.#stop || this.#asking > 0 || this.#running.size === 0) return;
    const names = [...new Set(this.#running.values())];
    this.#stop = startSpinner(this.#io, `running ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`);
  }

  /** Runs a question with the spinner away. */
  async question<T>(ask: () => Promise<T>): Promise<T> {
    this.#asking++;
    this.hide();
    try {
      return await ask();
    } finally {
      this.#asking--;
      this.show();
    }
  }

  /** The turn ended (answered, failed or cancelled): nothing is running any more. */
  clear(): void {
    this.#running.clear();
    this.hide();
  }

  #restart(): void {
    this.hide();
    this.show();
  }
}
