/**
 * The changes `mcpkit dev` has seen and not yet acted on: a change that arrives while the server is starting
 * is kept, so the next wait returns at once and no edit is lost.
 * @module
 */

export class ChangeQueue {
  #files = new Set<string>();
  #waiter: ((files: string[]) => void) | undefined;

  /** Records a burst of changed files. */
  push(files: string[]): void {
    for (const f of files) this.#files.add(f);
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(this.#take());
    }
  }

  /** Forgets what changed so far (a restart is about to pick it up anyway). */
  clear(): void {
    this.#files.clear();
  }

  /** The files changed since the last call, as soon as there are any; undefined when `signal` fires first. */
  next(signal: AbortSignal): Promise<string[] | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.#files.size > 0) return Promise.resolve(this.#take());
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiter = undefined;
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = (files) => {
        signal.removeEventListener('abort', onAbort);
        resolve(files);
      };
    });
  }

  #take(): string[] {
    const files = [...this.#files].sort();
    this.#files.clear();
    return files;
  }
}
