/**
 * A map for what a connection has in flight: nearly always nothing or one entry.
 * @module
 */

/**
 * Like a Map, for a long-lived owner whose entries come and go with every request (a connection's requests in
 * flight). The first entry lives in fields; more go to a Map made on demand. Not for lookup speed: a Map
 * emptied and refilled for every request allocates a new backing table at each emptying, and V8 (11.x) links
 * each obsolete table, with its old entries, to its successor. On an owner in the old generation every table
 * since the last full collection then survived young-generation collections, and with them each request's
 * objects (node's req and res included): measured at c=16 over HTTP, a third of the bytes promoted to the old
 * generation. Iteration order is not insertion order.
 */
export class SlotMap<K, V> {
  #has = false;
  #key: K | undefined;
  #value: V | undefined;
  #more: Map<K, V> | undefined;

  get size(): number {
    return (this.#has ? 1 : 0) + (this.#more === undefined ? 0 : this.#more.size);
  }

  get(key: K): V | undefined {
    if (this.#has && this.#key === key) return this.#value;
    return this.#more?.get(key);
  }

  has(key: K): boolean {
    return (this.#has && this.#key === key) || (this.#more !== undefined && this.#more.has(key));
  }

  set(key: K, value: V): this {
    if (this.#has && this.#key === key) {
      this.#value = value;
    } else if (!this.#has && (this.#more === undefined || !this.#more.has(key))) {
      this.#has = true;
      this.#key = key;
      this.#value = value;
    } else {
      (this.#more ??= new Map()).set(key, value);
    }
    return this;
  }

  delete(key: K): boolean {
    if (this.#has && this.#key === key) {
      this.#has = false;
      this.#key = undefined;
      this.#value = undefined;
      return true;
    }
    return this.#more !== undefined && this.#more.delete(key);
  }

  clear(): void {
    this.#has = false;
    this.#key = undefined;
    this.#value = undefined;
    this.#more?.clear();
  }

  *entries(): IterableIterator<[K, V]> {
    if (this.#has) yield [this.#key as K, this.#value as V];
    if (this.#more !== undefined) yield* this.#more.entries();
  }

  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
