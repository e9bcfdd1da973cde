/**
 * Group commit: appends made while the event loop is busy are written together, in batches of at most
 * `maxBatch` rows per transaction, with a turn of the event loop between batches so a burst never holds it long.
 * @module
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { RowBody } from './row.js';

export interface GroupCommitOptions {
  /** Rows per transaction. Default 1,000. */
  maxBatch?: number;
  /** Appends waiting to be written before new ones are refused. Default 100,000. */
  maxPending?: number;
  /**
   * Least time in ms between the starts of two transactions: appends in between join the next one. At low rates
   * it turns one transaction (and one sync, and two thread wakeups) per request into one per interval. Default 0.
   */
  lingerMs?: number;
  /** Told about every failed write or refused append (callers rarely await `append`). */
  onError: (error: unknown) => void;
}

/**
 * Appends that will be written in one transaction. They share one promise: they commit or fail together, and a
 * busy gateway then allocates a promise per transaction rather than per request.
 */
interface Batch {
  bodies: RowBody[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The callers may drop the promise: failures reach onError, never an unhandled rejection.
  promise.catch(() => {});
  return { bodies: [], promise, resolve, reject };
}

export class GroupCommit {
  readonly #write: (bodies: RowBody[]) => Promise<unknown>;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #onError: (error: unknown) => void;
  readonly #lingerMs: number;
  #lastStart = Number.NEGATIVE_INFINITY;
  /** Batches not yet handed to the store, oldest first; only the last one still takes appends. */
  #queue: Batch[] = [];
  #pending = 0;
  #inflight: Batch | undefined;
  #scheduled = false;
  #running = false;

  constructor(write: (bodies: RowBody[]) => Promise<unknown>, options: GroupCommitOptions) {
    this.#write = write;
    this.#maxBatch = positive(options.maxBatch ?? 1000, 'maxBatch');
    this.#maxPending = positive(options.maxPending ?? 100_000, 'maxPending');
    this.#onError = options.onError;
    this.#lingerMs = options.lingerMs ?? 0;
    if (!(this.#lingerMs >= 0 && this.#lingerMs <= 1000)) throw new InvalidArgumentError(`audit log: lingerMs must be between 0 and 1000, got ${JSON.stringify(options.lingerMs)}`);
  }

  /** Queues one row; the promise settles when its transaction commits or fails. */
  push(body: RowBody): Promise<void> {
    if (this.#pending >= this.#maxPending) {
      return this.refuse(new InvalidArgumentError(`audit log: ${this.#maxPending} records are already waiting to be written (maxPending); this one was dropped`));
    }
    let batch = this.#queue[this.#queue.length - 1];
    if (batch === undefined || batch.bodies.length >= this.#maxBatch) {
      batch = newBatch();
      this.#queue.push(batch);
    }
    batch.bodies.push(body);
    this.#pending++;
    if (!this.#scheduled && !this.#running) this.#schedule();
    return batch.promise;
  }

  /** Drains at the next turn, or once `lingerMs` have passed since the last transaction began. */
  #schedule(): void {
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      void this.#drain();
    };
    const wait = this.#lastStart + this.#lingerMs - performance.now();
    // Kept referenced: a process must not exit while appends wait to be written.
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  /** A rejected promise that reports the error and cannot become an unhandled rejection. */
  refuse(error: unknown): Promise<void> {
    this.#onError(error);
    const promise = Promise.reject(error);
    promise.catch(() => {});
    return promise;
  }

  /** Settles when everything queued so far is written; rejects with the first failure among those. */
  async flush(): Promise<void> {
    const batches = this.#inflight ? [this.#inflight, ...this.#queue] : [...this.#queue];
    const results = await Promise.allSettled(batches.map((b) => b.promise));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  // While one batch is being written (on the writer thread for SQLite), appends gather in the next one: the
  // busier the gateway, the larger each transaction, the fewer syncs per record.
  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let batch = this.#queue.shift(); batch !== undefined; batch = this.#queue.shift()) {
        this.#pending -= batch.bodies.length;
        this.#inflight = batch;
        this.#lastStart = performance.now();
        try {
          await this.#write(batch.bodies);
          batch.resolve();
        } catch (error) {
          this.#onError(error);
          batch.reject(error);
        }
        this.#inflight = undefined;
        if (this.#queue.length === 0) break;
        // A full batch goes at once; a partial one waits out the linger, gathering more.
        if ((this.#queue[0] as Batch).bodies.length < this.#maxBatch && this.#lastStart + this.#lingerMs > performance.now()) {
          this.#schedule();
          break;
        }
        await nextTurn();
      }
    } finally {
      this.#running = false;
    }
  }
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`audit log: ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}
