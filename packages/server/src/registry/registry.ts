/**
 * An ordered, named collection of registrations with enable/disable/remove, that tells its owner when its
 * visible list changes so cached list results can be rebuilt once.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';

/** A handle on one registration. */
export interface Registered {
  /** Whether it is listed and callable. */
  readonly enabled: boolean;
  enable(): void;
  disable(): void;
  remove(): void;
}

export class Registry<T extends { readonly key: string; enabled: boolean }> {
  readonly kind: string;
  #items = new Map<string, T>();
  #onChange: () => void;
  #version = 0;

  constructor(kind: string, onChange: () => void) {
    this.kind = kind;
    this.#onChange = onChange;
  }

  /** Bumped on every visible change; list caches compare against it. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#items.size;
  }

  add(item: T): void {
    if (this.#items.has(item.key)) throw new InvalidArgumentError(`${this.kind} "${item.key}" is already registered`);
    this.#items.set(item.key, item);
    if (item.enabled) this.changed();
  }

  /** Replaces an item, possibly under a new key, keeping its place in the list order. */
  rekey(oldKey: string, item: T): void {
    if (!this.#items.has(oldKey)) throw new InvalidArgumentError(`${this.kind} "${oldKey}" is not registered`);
    if (oldKey === item.key) {
      this.#items.set(item.key, item);
    } else {
      if (this.#items.has(item.key)) throw new InvalidArgumentError(`${this.kind} "${item.key}" is already registered`);
      const next = new Map<string, T>();
      for (const [k, v] of this.#items) next.set(k === oldKey ? item.key : k, k === oldKey ? item : v);
      this.#items = next;
    }
    this.changed();
  }

  remove(key: string): boolean {
    const item = this.#items.get(key);
    if (!item) return false;
    this.#items.delete(key);
    if (item.enabled) this.changed();
    return true;
  }

  /** An enabled item by key. */
  get(key: string): T | undefined {
    const item = this.#items.get(key);
    return item?.enabled ? item : undefined;
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Enabled items in registration order. */
  *enabled(): IterableIterator<T> {
    for (const item of this.#items.values()) if (item.enabled) yield item;
  }

  changed(): void {
    this.#version++;
    this.#onChange();
  }
}

/**
 * A live registration: enable, disable, remove, and replace it from new state. A failed replacement leaves
 * it as it was; a removed one cannot come back through its old handle.
 */
export class Handle<T extends { readonly key: string; enabled: boolean }, S> implements Registered {
  readonly #registry: Registry<T>;
  readonly #build: (state: S) => T;
  #entry: T;
  #state: S;
  #removed = false;

  constructor(registry: Registry<T>, state: S, build: (state: S) => T) {
    this.#registry = registry;
    this.#build = build;
    this.#state = state;
    this.#entry = build(state);
    registry.add(this.#entry);
  }

  get enabled(): boolean {
    return !this.#removed && this.#entry.enabled;
  }

  /** The state the registration was last built from. */
  get state(): S {
    return this.#state;
  }

  enable(): void {
    this.#toggle(true);
  }

  disable(): void {
    this.#toggle(false);
  }

  #toggle(on: boolean): void {
    if (this.#removed || this.#entry.enabled === on) return;
    this.#entry.enabled = on;
    this.#registry.changed();
  }

  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#registry.remove(this.#entry.key);
  }

  /**
   * Rebuilds the registration from `next`.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` when it was removed, or `next` is invalid or clashes.
   */
  apply(next: S): void {
    if (this.#removed) throw new InvalidArgumentError(`${this.#registry.kind} "${this.#entry.key}" was removed; register it again`);
    const entry = this.#build(next);
    entry.enabled = this.#entry.enabled;
    this.#registry.rekey(this.#entry.key, entry);
    this.#entry = entry;
    this.#state = next;
  }
}
