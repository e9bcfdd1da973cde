/**
 * An abort controller that creates its AbortSignal only when someone asks for it. Most requests finish
 * without anyone reading their signal; creating one per request is a measurable cost on hot paths.
 * @module
 */

/** Like AbortController, plus callbacks that cost nothing until used. */
export class LazyAbortController {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  #callbacks: Array<(reason: unknown) => void> | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** The signal, created on first use (already aborted if the controller was). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Runs `callback` once when aborted (at once if it already was). */
  onAbort(callback: (reason: unknown) => void): void {
    if (this.#aborted) callback(this.#reason);
    else (this.#callbacks ??= []).push(callback);
  }

  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new Error('aborted');
    this.#controller?.abort(this.#reason);
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const cb of callbacks) cb(this.#reason);
  }
}
