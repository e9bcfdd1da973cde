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
  /** Told about every failed write or refused append (callers rarely await `append`). */
  onError: (error: unknown) => void;
}

interface Entry {
  body: RowBody;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  readonly #write: (bodies: RowBody[]) => Promise<unknown>;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #onError: (error: unknown) => void;
  #queue: Entry[] = [];
  #inflight: Entry[] = [];
  #scheduled = false;
  #running = false;

  constructor(write: (bodies: RowBody[]) => Promise<unknown>, options: GroupCommitOptions) {
    this.#write = write;
    this.#maxBatch = positive(options.maxBatch ?? 1000, 'maxBatch');
    this.#maxPending = positive(options.maxPending ?? 100_000, 'maxPending');
    this.#onError = options.onError;
  }

  /** Queues one row; the promise settles when its transaction commits or fails. */
  push(body: RowBody): Promise<void> {
    if (this.#queue.length >= this.#maxPending) {
      return this.refuse(new InvalidArgumentError(`audit log: ${this.#maxPending} records are already waiting to be written (maxPending); this one was dropped`));
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The caller may drop the promise: failures reach onError, never an unhandled rejection.
    promise.catch(() => {});
    this.#queue.push({ body, promise, resolve, reject });
    if (!this.#scheduled && !this.#running) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.#drain();
      });
    }
    return promise;
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
    const results = await Promise.allSettled([...this.#inflight, ...this.#queue].map((e) => e.promise));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
        this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
        this.#inflight = batch;
        try {
          await this.#write(batch.map((e) => e.body));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          this.#onError(error);
          for (const entry of batch) entry.reject(error);
        }
        this.#inflight = [];
        if (this.#queue.length > 0) await nextTurn();
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
