/**
 * Caches list results: for `ttlMs` where the server gives cache hints (2026-07-28, spec
 * server/utilities/caching), or until a `list_changed` notification where the server promises one.
 * @module
 */
import type { CacheScope, JsonObject } from '@mcpkit/protocol';

interface Entry {
  value: JsonObject;
  /** Epoch ms after which the entry is stale; Infinity = until invalidated. */
  expires: number;
  scope: CacheScope;
}

export type ListKind = 'tools' | 'prompts' | 'resources' | 'resourceTemplates';

export class ListCache {
  #entries = new Map<string, Entry>();
  #generations = new Map<ListKind, number>();
  enabled = true;

  /** Bumped by every invalidation of a kind, so a fetch that raced a change can tell. */
  generation(kind: ListKind): number {
    return this.#generations.get(kind) ?? 0;
  }

  static key(kind: ListKind, cursor: string | undefined): string {
    return `${kind}\u0000${cursor ?? ''}`;
  }

  get(kind: ListKind, cursor: string | undefined): JsonObject | undefined {
    if (!this.enabled) return undefined;
    const key = ListCache.key(kind, cursor);
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (Date.now() >= e.expires) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /**
   * Stores a page. `ttlMs` from the result wins (negative treated as 0); without it, `untilChanged` keeps the
   * page until invalidated (the server sends list_changed), else it is not kept.
   */
  put(kind: ListKind, cursor: string | undefined, value: JsonObject, untilChanged: boolean): void {
    if (!this.enabled) return;
    const ttl = value.ttlMs;
    let expires: number;
    if (typeof ttl === 'number' && Number.isFinite(ttl)) expires = Date.now() + Math.max(0, ttl);
    else if (untilChanged) expires = Infinity;
    else return;
    if (expires <= Date.now()) return;
    // A result without a scope (older servers) is treated as private: never shared across auth contexts.
    const scope: CacheScope = value.cacheScope === 'public' ? 'public' : 'private';
    this.#entries.set(ListCache.key(kind, cursor), { value, expires, scope });
  }

  /** Drops every page of a kind (a list_changed notification arrived). */
  invalidate(kind: ListKind): void {
    this.#generations.set(kind, this.generation(kind) + 1);
    const prefix = `${kind}\u0000`;
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
