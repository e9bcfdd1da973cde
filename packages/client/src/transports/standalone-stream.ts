/**
 * The session era's standalone GET stream of a Streamable HTTP client transport: opened once the session is
 * initialized, kept open (reconnected) by `runStandaloneStream`, dropped when the session expires or the transport
 * closes. The first request waits, once, for the stream's first answer (see {@link StandaloneStream.firstAnswer}).
 * @module
 */
import { childController } from './http-support.js';
import { type SseHost, runStandaloneStream } from './sse-streams.js';

/** How long the first request waits for the stream's first answer at most. */
const FIRST_ANSWER_WAIT_MS = 2000;

export class StandaloneStream {
  readonly #host: SseHost;
  readonly #closing: AbortSignal;
  readonly #report: (error: Error) => void;
  #controller: AbortController | undefined;
  /**
   * Pending until the stream's first GET has an answer (capped at 2 s). Requests wait for it once, so the stream
   * is open before the first request: a server that answers on "a" GET stream (SSE polling, SEP-1699) then never
   * mistakes a late first GET for a resumption.
   */
  #answered: Promise<void> | undefined;
  #settle: (() => void) | undefined;

  /** `closing`: the transport's; aborting it ends the stream. */
  constructor(host: SseHost, closing: AbortSignal, report: (error: Error) => void) {
    this.#host = host;
    this.#closing = closing;
    this.#report = report;
  }

  /** Opens the stream unless it is open. */
  open(): void {
    if (this.#controller || this.#closing.aborted) return;
    const { controller, dispose } = childController(this.#closing);
    this.#controller = controller;
    this.#answered = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_ANSWER_WAIT_MS);
      (timer as { unref?: () => void }).unref?.();
      this.#settle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    runStandaloneStream(this.#host, controller.signal)
      .catch((error: unknown) => this.#report(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        dispose();
        if (this.#controller === controller) this.#controller = undefined;
      });
  }

  /** What a request must wait for before it goes, the first time it is asked after open(); undefined after. */
  firstAnswer(): Promise<void> | undefined {
    const answered = this.#answered;
    this.#answered = undefined;
    return answered;
  }

  /** Told of every GET the stream makes: the first one's answer (or failure) ends the wait. */
  sent(answer: Promise<Response>): void {
    const settle = this.#settle;
    if (!settle) return;
    this.#settle = undefined;
    answer.then(settle, settle);
  }

  /** Ends the stream (the session is gone); a later open() starts a new one. */
  abort(reason: string): void {
    this.#controller?.abort(reason);
    this.#controller = undefined;
  }
}
