/**
 * Questions on the terminal, one at a time: the prompt on stderr (stdout carries results), the answer from
 * stdin. Used only when stdin is a terminal.
 * @module
 */
import { type Interface, createInterface } from 'node:readline';

/** What came back: a line, the end of input (Ctrl-D), or an interrupt (Ctrl-C). */
export type Answer = { line: string } | { end: 'eof' | 'interrupt' };

/** A readline session on stdin/stderr for the questions of one server ask. */
export class TerminalSession {
  readonly #rl: Interface;
  #ended: 'eof' | 'interrupt' | undefined;
  /** Lines typed ahead of their question (or pasted at once) wait here, so none is lost. */
  readonly #lines: string[] = [];
  #pending: ((answer: Answer) => void) | undefined;

  constructor() {
    this.#rl = createInterface({ input: process.stdin, output: process.stderr });
    this.#rl.on('line', (line) => {
      const pending = this.#pending;
      this.#pending = undefined;
      if (pending) pending({ line });
      else this.#lines.push(line);
    });
    this.#rl.on('close', () => this.#end('eof'));
    // Without a listener readline would only pause on Ctrl-C; here it ends this ask (the command goes on).
    this.#rl.on('SIGINT', () => {
      process.stderr.write('\n');
      this.#end('interrupt');
    });
  }

  #end(how: 'eof' | 'interrupt'): void {
    this.#ended ??= how;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.({ end: this.#ended });
  }

  /** Asks one question; after Ctrl-D or Ctrl-C every question answers with that end. */
  ask(query: string): Promise<Answer> {
    this.#rl.setPrompt(query);
    const typed = this.#lines.shift();
    if (typed !== undefined) {
      process.stderr.write(`${query}${typed}\n`);
      return Promise.resolve({ line: typed });
    }
    if (this.#ended) return Promise.resolve({ end: this.#ended });
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#rl.prompt();
    });
  }

  close(): void {
    this.#rl.close();
    // readline leaves stdin flowing; paused, it no longer holds the process open.
    process.stdin.pause();
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `body` with a terminal session once every earlier one has finished: asks never interleave. */
export function withTerminal<T>(body: (terminal: TerminalSession) => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const terminal = new TerminalSession();
    try {
      return await body(terminal);
    } finally {
      terminal.close();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
