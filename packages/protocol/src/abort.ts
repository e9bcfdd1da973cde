/**
 * An abort controller that creates its AbortSignal only when someone asks for it. Most requests finish
 * without anyone reading their signal; creating one per request is a measurable cost on hot paths.
 * @module
 */

/**
 * Cancellation without an AbortSignal: what a request needs to follow its caller's (an AbortSignal costs
 * microseconds to make and to listen to; a proxy passes its incoming request's cancellation on per call).
 */
export interface Cancellation {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Runs `callback` once when cancelled (at once if it already was); returns what forgets it. */
  onAbort(callback: (reason: unknown) => void): () => void;
}

/** An AbortSignal as a {@link Cancellation}. */
export function signalCancellation(signal: AbortSignal): Cancellation {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason;
    },
    onAbort(callback) {
      if (signal.aborted) {
        callback(signal.reason);
        return () => undefined;
      }
      const listener = () => callback(signal.reason);
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}

/** Like AbortController, plus callbacks that cost nothing until used. */
export class LazyAbortController implements Cancellation {
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

  /** Runs `callback` once when aborted (at once if it already was); returns what forgets it. */
  onAbort(callback: (reason: unknown) => void): () => void {
    if (this.#aborted) {
      callback(this.#reason);
      return () => undefined;
    }
    (this.#callbacks ??= []).push(callback);
    return () => {
      const i = this.#callbacks?.indexOf(callback) ?? -1;
      if (i >= 0) this.#callbacks!.splice(i, 1);
    };
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
