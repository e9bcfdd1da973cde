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

  /** Replaces an item under a possibly new key, keeping its place in the order when the key is unchanged. */
  rekey(oldKey: string, item: T): void {
    if (oldKey === item.key) {
      this.#items.set(item.key, item);
    } else {
      if (this.#items.has(item.key)) throw new InvalidArgumentError(`${this.kind} "${item.key}" is already registered`);
      this.#items.delete(oldKey);
      this.#items.set(item.key, item);
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

/** Builds the enable/disable/remove half of a handle. */
export function handleFor<T extends { readonly key: string; enabled: boolean }>(registry: Registry<T>, current: () => T): Registered {
  return {
    get enabled() {
      return current().enabled;
    },
    enable() {
      const item = current();
      if (!item.enabled) {
        item.enabled = true;
        registry.changed();
      }
    },
    disable() {
      const item = current();
      if (item.enabled) {
        item.enabled = false;
        registry.changed();
      }
    },
    remove() {
      registry.remove(current().key);
    },
  };
}
