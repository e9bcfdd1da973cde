/**
 * The terminal of an interactive `mcpkit chat`: one readline for the chat prompt and every question, and the
 * spinner, made before the servers connect so that a pinned tool that drifted can be asked about then.
 * @module
 */
import { createInterface, type Interface } from 'node:readline';
import type { Io } from '../output/io.js';
import { ToolSpinner } from './chat-spinner.js';

/**
 * Lines from the terminal, so the chat prompt and every question share one readline. A question asked while another
 * waits is asked after it, rather than taking its answer.
 */
export class Lines {
  readonly rl: Interface;
  readonly #queue: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #closed = false;
  /** The question on screen, or the last one queued: the next waits for it. */
  #turn: Promise<unknown> = Promise.resolve();
  onInterrupt: () => void = () => this.rl.close();

  constructor() {
    this.rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    this.rl.on('line', (line) => (this.#waiter ? this.#take(line) : this.#queue.push(line)));
    this.rl.on('close', () => {
      this.#closed = true;
      this.#take(undefined);
    });
    this.rl.on('SIGINT', () => this.onInterrupt());
  }

  #take(line: string | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(line);
  }

  /** The next line after showing `prompt`, once earlier questions are answered; undefined once the input ended. */
  next(prompt: string): Promise<string | undefined> {
    const asked = this.#turn.then(() => this.#next(prompt));
    this.#turn = asked;
    return asked;
  }

  #next(prompt: string): Promise<string | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(undefined);
    this.rl.setPrompt(prompt);
    this.rl.prompt();
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Ends the question on screen as if the input had ended (Ctrl-C during an approval). */
  cancelQuestion(): void {
    this.#take(undefined);
  }
}

/**
 * The chat's readline and spinner. Everything that asks the user runs as one {@link converse} exchange (what it
 * prints, then its questions by {@link ask}), so exchanges that start at once never interleave.
 */
export class ChatTerminal {
  readonly lines = new Lines();
  readonly spinner: ToolSpinner;
  /** One line from the user, with the spinner away. */
  readonly ask = (prompt: string): Promise<string | undefined> => this.spinner.question(() => this.lines.next(prompt));
  #exchange: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** Runs `exchange` (an approval, a form) once the exchanges before it are over, with the spinner away. */
  readonly converse = <T>(exchange: () => Promise<T>): Promise<T> => {
    const run = this.#exchange.then(() => this.spinner.question(exchange));
    this.#exchange = run.catch(() => undefined);
    return run;
  };

  constructor(io: Io) {
    this.spinner = new ToolSpinner(io);
  }

  /** Ends the readline and lets stdin go, so the process can exit. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.spinner.clear();
    this.lines.rl.close();
    process.stdin.pause();
  }
}
