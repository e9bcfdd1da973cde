/**
 * Session state a client changes after `initialize` (its log level, its resource subscriptions), shared by the
 * replicas serving a sealed session so it follows the session to every replica.
 * @module
 */
import type { LoggingLevel } from '@mcpkit/protocol';

/** What a client changed on its session, as far as it was shared. */
export interface SessionState {
  /** Set by `logging/setLevel`; absent until the client sets one. */
  logLevel?: LoggingLevel;
  /** Resource URIs the client is subscribed to (`resources/subscribe`). */
  subscriptions: string[];
}

/** One change: what one `logging/setLevel`, `resources/subscribe` or `resources/unsubscribe` did. */
export interface SessionStatePatch {
  logLevel?: LoggingLevel;
  subscribe?: string;
  unsubscribe?: string;
}

/**
 * Where replicas keep the state of sealed sessions: written once per change by the replica that handled it,
 * read once by a replica taking a session over. Live copies on other replicas learn a change from the session bus.
 */
export interface SessionStateStore {
  /** The state written for `sessionId`, or undefined when the client changed nothing (or it expired). */
  get(sessionId: string): Promise<SessionState | undefined>;
  /** Applies `patch`; the state may be forgotten after `untilMs` (when the sealed id expires anyway). */
  update(sessionId: string, patch: SessionStatePatch, untilMs: number): Promise<void>;
}

/** Applies `patch` to `state` (last writer wins per level and per URI). */
export function applyStatePatch(state: SessionState, patch: SessionStatePatch): void {
  if (patch.logLevel !== undefined) state.logLevel = patch.logLevel;
  if (patch.subscribe !== undefined && !state.subscriptions.includes(patch.subscribe)) state.subscriptions.push(patch.subscribe);
  if (patch.unsubscribe !== undefined) state.subscriptions = state.subscriptions.filter((uri) => uri !== patch.unsubscribe);
}

/** Session state in this process (one replica, replicas in one process, tests); each entry kept until its `untilMs`. */
export class MemorySessionStateStore implements SessionStateStore {
  readonly #states = new Map<string, { state: SessionState; untilMs: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async get(sessionId: string): Promise<SessionState | undefined> {
    const entry = this.#states.get(sessionId);
    if (entry === undefined || entry.untilMs <= this.#now()) return undefined;
    return { ...entry.state, subscriptions: [...entry.state.subscriptions] };
  }

  async update(sessionId: string, patch: SessionStatePatch, untilMs: number): Promise<void> {
    const now = this.#now();
    let entry = this.#states.get(sessionId);
    if (entry === undefined || entry.untilMs <= now) {
      // Forget what has expired whenever a session is added: bounded by the sessions changed within one max age.
      for (const [id, old] of this.#states) if (old.untilMs <= now) this.#states.delete(id);
      entry = { state: { subscriptions: [] }, untilMs };
      this.#states.set(sessionId, entry);
    }
    entry.untilMs = Math.max(entry.untilMs, untilMs);
    applyStatePatch(entry.state, patch);
  }
}
