/**
 * The --timeout clock of a request during which the user may be asked something: it restarts on progress, as
 * the engine's does, and also stops while a question waits on the terminal. In the session era the server's
 * elicitation or sampling request arrives while the tool call is in flight, and the person typing the answer
 * must not run out the call's time (in the stateless era the questions come between requests anyway).
 * @module
 */
import { TimeoutError } from '@mcpkit/protocol';

/** Longer than any --timeout: the engine's own clock, which cannot stop, is set this far off. */
export const ENGINE_TIMEOUT_OFF_MS = 2_147_483_647;

export class RequestClock {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  readonly #what: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #paused = 0;
  #stopped = false;

  constructor(timeoutMs: number, what: string) {
    this.#timeoutMs = timeoutMs;
    this.#what = what;
    this.#arm();
  }

  /** Aborts (with a TimeoutError reason) after --timeout without an answer, progress or question. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  /** The failure to report once {@link expired}: the same kind as the engine's own timeout. */
  get error(): TimeoutError {
    return new TimeoutError(`Request ${this.#what} timed out after ${this.#timeoutMs} ms without an answer`);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#stopped || this.#paused > 0) return;
    this.#timer = setTimeout(() => this.#controller.abort(this.error), this.#timeoutMs);
    this.#timer.unref();
  }

  /** Progress: the full --timeout again. */
  restart(): void {
    if (!this.expired) this.#arm();
  }

  /** A question is on the terminal: no time runs out until {@link resume}. */
  pause(): void {
    this.#paused++;
    clearTimeout(this.#timer);
  }

  resume(): void {
    this.#paused = Math.max(0, this.#paused - 1);
    this.restart();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
