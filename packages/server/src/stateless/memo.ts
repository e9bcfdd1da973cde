/**
 * `ctx.once()`: values a handler computes once per request. In the 2026-07-28 era a handler runs again on
 * every round of a multi round-trip request, so the values travel in the signed `requestState` and a later
 * round reads them instead of running the function again (spec 2026-07-28 basic/patterns/mrtr).
 * @module
 */

/** A remembered value: `[]` for `undefined`, `[value]` otherwise (JSON has no undefined). */
export type MemoEntry = [] | [unknown];

/** The values one request has remembered, and the functions still computing one. */
export class RequestMemo {
  /** Everything remembered so far (earlier rounds and this one): what the next round's state carries. */
  readonly values: Record<string, MemoEntry>;
  readonly #running = new Map<string, Promise<unknown>>();

  constructor(values: Record<string, MemoEntry> | undefined = undefined) {
    this.values = values ? { ...values } : {};
  }

  get size(): number {
    return Object.keys(this.values).length;
  }

  /**
   * The remembered value for `key`, or `fn`'s result, remembered as JSON. A failure is not remembered.
   * @throws TypeError when `fn` returns something JSON cannot hold (a function, a bigint, a cycle).
   */
  once<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    if (typeof key !== 'string' || key.length === 0) return Promise.reject(new TypeError('ctx.once() needs a non-empty string key'));
    if (Object.hasOwn(this.values, key)) {
      const entry = this.values[key]!;
      return Promise.resolve((entry.length === 0 ? undefined : entry[0]) as T);
    }
    const running = this.#running.get(key);
    if (running) return running as Promise<T>;
    const run = (async () => {
      const value = await fn();
      if (value === undefined) {
        this.values[key] = [];
        return value;
      }
      const text = JSON.stringify(value);
      if (text === undefined) throw new TypeError(`ctx.once("${key}"): the function must return a JSON value or undefined`);
      // The same value in every round: what later rounds will read back from the state.
      const json = JSON.parse(text) as T;
      this.values[key] = [json];
      return json;
    })();
    this.#running.set(key, run);
    const done = () => this.#running.delete(key);
    run.then(done, done);
    return run;
  }

  /** Resolves once no function is running, so a value being computed when the attempt ends is not lost. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()]);
  }
}
