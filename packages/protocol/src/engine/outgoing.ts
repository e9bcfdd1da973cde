/**
 * Outgoing request bookkeeping: id correlation, timeouts that reset on progress, a maximum total time.
 * @module
 */
import type { JsonObject, RequestId } from '../jsonrpc.js';
import { TimeoutError } from '../errors.js';
import type { Cancellation } from '../abort.js';

/** A `notifications/progress` payload. */
export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

export interface RequestOptions {
  /** Aborting sends `notifications/cancelled` and rejects with `CancelledError`. */
  signal?: AbortSignal | undefined;
  /** The same as `signal`, without an AbortSignal (e.g. an incoming request's `ctx.cancellation`); either or both. */
  cancellation?: Cancellation | undefined;
  /** Time without an answer (or progress) before the request fails with `TimeoutError`. Default 60 s. */
  timeoutMs?: number | undefined;
  /** Whether a progress notification restarts the timeout. Default true. */
  resetTimeoutOnProgress?: boolean | undefined;
  /** Upper bound on the whole request, progress or not. */
  maxTotalTimeoutMs?: number | undefined;
  /** Receives progress; setting it attaches a progress token to the request. */
  onProgress?: ((progress: Progress) => void) | undefined;
  /** The incoming request this one is made on behalf of (HTTP routes it on that request's stream). */
  relatedRequestId?: RequestId | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One request in flight. */
export class PendingRequest {
  readonly id: RequestId;
  readonly method: string;
  readonly resolve: (result: JsonObject) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress: ((progress: Progress) => void) | undefined;
  /** The incoming request this one was made for (its cancellation travels on that request's stream). */
  readonly relatedRequestId: RequestId | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timeoutMs: number;
  #deadline: number;
  #resetOnProgress: boolean;
  #onTimeout: (pending: PendingRequest, error: TimeoutError) => void;
  cleanup: (() => void) | undefined;

  constructor(
    id: RequestId,
    method: string,
    resolve: (result: JsonObject) => void,
    reject: (error: Error) => void,
    options: RequestOptions,
    onTimeout: (pending: PendingRequest, error: TimeoutError) => void,
  ) {
    this.id = id;
    this.method = method;
    this.resolve = resolve;
    this.reject = reject;
    this.onProgress = options.onProgress;
    this.relatedRequestId = options.relatedRequestId;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#resetOnProgress = options.resetTimeoutOnProgress ?? true;
    this.#deadline = options.maxTotalTimeoutMs === undefined ? Infinity : Date.now() + options.maxTotalTimeoutMs;
    this.#onTimeout = onTimeout;
    this.#arm();
  }

  #arm(): void {
    this.#armUntil(Date.now() + Math.min(this.#timeoutMs, this.#deadline - Date.now()));
  }

  #armUntil(due: number): void {
    if (!Number.isFinite(due)) return;
    const wait = due - Date.now();
    // setTimeout fires at once for delays past 2^31-1 ms; wait in slices instead.
    if (wait > MAX_TIMER_MS) {
      this.#timer = setTimeout(() => this.#armUntil(due), MAX_TIMER_MS);
      (this.#timer as { unref?: () => void }).unref?.();
      return;
    }
    this.#timer = setTimeout(() => {
      const total = Date.now() >= this.#deadline;
      const what = total ? 'its maximum total time' : `${this.#timeoutMs} ms without an answer`;
      this.#onTimeout(this, new TimeoutError(`Request ${this.method} (id ${String(this.id)}) timed out after ${what}`));
    }, Math.max(0, wait));
    // A pending request must not keep a Node process alive on its own.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Called on every progress notification for this request. */
  progressed(progress: Progress): void {
    if (this.#resetOnProgress) {
      this.clearTimer();
      this.#arm();
    }
    try {
      this.onProgress?.(progress);
    } catch {
      // A throwing progress callback must not break correlation; the caller owns its callback.
    }
  }

  clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
