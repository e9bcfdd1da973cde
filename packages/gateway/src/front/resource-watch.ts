/**
 * The gateway's own resource subscriptions to its upstreams, driven by who is subscribed on this replica.
 * @module
 */
import type { McpServer } from '@mcpkit/server';

/**
 * One upstream subscription per (upstream, URI) while at least one client of any front on this replica is
 * subscribed to that URI: session-era `resources/subscribe` (including a subscription made through another
 * replica, which reaches this one with the session's shared state) and 2026-07-28 `subscriptions/listen`. A
 * count, because a client unsubscribing must not end the upstream subscription another client still relies on;
 * and per replica, because each replica holds its own upstream connections and hears only what it subscribed to,
 * while only the replica holding a client's GET stream tells that client (see the server's shared session state).
 */
export class UpstreamSubscriptions {
  readonly #counts = new Map<string, Map<string, number>>();
  readonly #subscribe: (upstream: string, uri: string, on: boolean) => void;

  /** `subscribe` asks the upstream to start or stop (failures are its to report). */
  constructor(subscribe: (upstream: string, uri: string, on: boolean) => void) {
    this.#subscribe = subscribe;
  }

  /**
   * Follows a front's watch events. `upstreamOf` names the upstream serving a URI, or undefined (nothing to
   * subscribe to); the name is remembered so the matching unwatch reaches the same upstream even if the
   * catalogue changed in between.
   */
  follow(server: McpServer, upstreamOf: (uri: string) => string | undefined): () => void {
    const resolved = new Map<string, string>();
    return server.onResourceWatch((uri, watched) => {
      if (watched) {
        const upstream = upstreamOf(uri);
        if (upstream === undefined) return;
        resolved.set(uri, upstream);
        this.#change(upstream, uri, 1);
      } else {
        const upstream = resolved.get(uri);
        if (upstream === undefined) return;
        resolved.delete(uri);
        this.#change(upstream, uri, -1);
      }
    });
  }

  /** The URIs this replica keeps subscribed at `upstream` (subscribed again when it reconnects). */
  urisOf(upstream: string): string[] {
    return [...(this.#counts.get(upstream)?.keys() ?? [])];
  }

  #change(upstream: string, uri: string, delta: 1 | -1): void {
    let uris = this.#counts.get(upstream);
    if (uris === undefined) this.#counts.set(upstream, (uris = new Map()));
    const before = uris.get(uri) ?? 0;
    const after = Math.max(0, before + delta);
    if (after === 0) uris.delete(uri);
    else uris.set(uri, after);
    if (uris.size === 0) this.#counts.delete(upstream);
    if (before === 0 && after > 0) this.#subscribe(upstream, uri, true);
    else if (before > 0 && after === 0) this.#subscribe(upstream, uri, false);
  }
}
