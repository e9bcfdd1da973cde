/**
 * A map for what a connection has in flight.
 * @module
 */

/**
 * Like a Map keyed by JSON-RPC ids, for a long-lived owner whose entries come and go with every request (a
 * peer's requests in flight, a transport's streams). Why not a Map: a Map with steady churn rehashes into a new
 * backing table every few dozen operations, and V8 (11.x, Node 20) keeps each obsolete table, with the entries it
 * held, linked to its successor. On an owner in the old generation those dead tables act as roots for every
 * young-generation collection until the next full one, so every request they ever pointed at (its context, its
 * reply, node's req and res) was promoted. Measured: a Map holding a window of 16 entries promoted ~3 MB per
 * scavenge and forced a mark-compact every ~30 ms; this table, nothing. It is open addressing over two arrays
 * that are reused in place (linear probing, deletion by backward shift, so no tombstones and no rehash except to
 * grow, after which the old arrays are cleared). Iteration works on a snapshot, in no particular order.
 */
export class InflightMap<K extends string | number, V> {
  #keys: Array<K | undefined>;
  #values: Array<V | undefined>;
  #mask: number;
  #size = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity * 2) cap *= 2;
    this.#keys = new Array<K | undefined>(cap).fill(undefined);
    this.#values = new Array<V | undefined>(cap).fill(undefined);
    this.#mask = cap - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The home slot of a key: integers by a multiplicative hash, anything else by FNV-1a over its string. */
  #home(key: K): number {
    if (typeof key === 'number' && Number.isInteger(key)) return Math.imul(key | 0, 0x9e3779b1) >>> 7 & this.#mask;
    const s = typeof key === 'string' ? key : String(key);
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return (h >>> 0) & this.#mask;
  }

  /** The slot holding `key`, or -1. */
  #find(key: K): number {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = this.#home(key); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (k === key) return i;
    }
  }

  get(key: K): V | undefined {
    const i = this.#find(key);
    return i < 0 ? undefined : this.#values[i];
  }

  has(key: K): boolean {
    return this.#find(key) >= 0;
  }

  set(key: K, value: V): this {
    const keys = this.#keys;
    const mask = this.#mask;
    let i = this.#home(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) break;
      if (k === key) {
        this.#values[i] = value;
        return this;
      }
    }
    keys[i] = key;
    this.#values[i] = value;
    // At most half full: probes stay short.
    if (++this.#size * 2 > keys.length) this.#grow();
    return this;
  }

  delete(key: K): boolean {
    let i = this.#find(key);
    if (i < 0) return false;
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    keys[i] = undefined;
    values[i] = undefined;
    this.#size--;
    // Backward shift: pull later entries of the run into the hole when their home allows it.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j];
      if (k === undefined) return true;
      const home = this.#home(k);
      // k may move to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      keys[i] = k;
      values[i] = values[j];
      keys[j] = undefined;
      values[j] = undefined;
      i = j;
    }
  }

  clear(): void {
    this.#keys.fill(undefined);
    this.#values.fill(undefined);
    this.#size = 0;
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldValues = this.#values;
    const cap = oldKeys.length * 2;
    this.#keys = new Array<K | undefined>(cap).fill(undefined);
    this.#values = new Array<V | undefined>(cap).fill(undefined);
    this.#mask = cap - 1;
    this.#size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k !== undefined) this.set(k, oldValues[i] as V);
    }
    // The old arrays may sit in the old generation: emptied, they keep nothing alive until they are collected.
    oldKeys.fill(undefined);
    oldValues.fill(undefined);
  }

  /** A snapshot of the entries: deleting while iterating is safe. */
  entries(): IterableIterator<[K, V]> {
    const out: Array<[K, V]> = [];
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) out.push([k, this.#values[i] as V]);
    }
    return out[Symbol.iterator]();
  }

  keys(): IterableIterator<K> {
    return Array.from(this.entries(), ([k]) => k)[Symbol.iterator]();
  }

  values(): IterableIterator<V> {
    return Array.from(this.entries(), ([, v]) => v)[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
