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

/**
 * An AbortSignal as a {@link Cancellation}. A class rather than an object literal with getters: V8 gives each
 * literal with its own getters a hidden class of its own, which keeps the closures alive past young-generation
 * collections.
 */
class SignalCancellation implements Cancellation {
  readonly #signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
  }

  get aborted(): boolean {
    return this.#signal.aborted;
  }

  get reason(): unknown {
    return this.#signal.reason;
  }

  onAbort(callback: (reason: unknown) => void): () => void {
    const signal = this.#signal;
    if (signal.aborted) {
      callback(signal.reason);
      return () => undefined;
    }
    const listener = () => callback(signal.reason);
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }
}

/** An AbortSignal as a {@link Cancellation}. */
export function signalCancellation(signal: AbortSignal): Cancellation {
  return new SignalCancellation(signal);
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
