/**
 * Changes one replica makes that every other replica must hear about at once: the {@link ChangeBus} interface,
 * its messages and their wire form, and the in-process {@link MemoryChangeBus}.
 * @module
 */
import { randomBytes } from 'node:crypto';

/**
 * A change notice. `key-revoked`: drop the cached key. `trust-approved`: read the lockfile again. `config-reloaded`:
 * read the configuration again. `resync`: the bus was cut off and may have missed notices; drop every cache.
 */
export type ChangeMessage =
  | { type: 'key-revoked'; id: string }
  | { type: 'trust-approved'; server: string; item?: string }
  | { type: 'config-reloaded'; digest: string }
  | { type: 'resync' };

export type ChangeListener = (message: ChangeMessage) => void;

/**
 * Publish/subscribe between replicas. A bus does not hand a replica its own notices back (it acted already);
 * delivery is at most once, so a bus that loses its connection delivers `resync` once it is back.
 */
export interface ChangeBus {
  /** Sends to every other replica; resolves once the backend accepted the notice. */
  publish(message: ChangeMessage): Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

const TYPES = new Set(['key-revoked', 'trust-approved', 'config-reloaded', 'resync']);
// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a notice is a few names, so far less is plenty.
export const MAX_CHANGE_BYTES = 4000;

/** A random id naming one bus instance, so it can tell its own notices from others'. */
export function newOrigin(): string {
  return randomBytes(9).toString('base64url');
}

/** The wire form: JSON with the sender's origin. */
export function encodeChange(message: ChangeMessage, origin: string): string {
  const text = JSON.stringify({ ...message, origin });
  if (Buffer.byteLength(text) > MAX_CHANGE_BYTES) throw new RangeError(`a change notice must be at most ${MAX_CHANGE_BYTES} bytes`);
  return text;
}

/** The notice and its origin, or undefined for text that is not one (logged by the caller, never thrown). */
export function decodeChange(text: string): { message: ChangeMessage; origin: string } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const { origin, ...message } = data as { origin?: unknown; type?: unknown };
  if (typeof origin !== 'string' || typeof message.type !== 'string' || !TYPES.has(message.type)) return undefined;
  return { message: message as ChangeMessage, origin };
}

/** Calls every listener, so that one that throws cannot stop the others or the bus. */
export class ChangeListeners {
  readonly #listeners = new Set<ChangeListener>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  add(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  emit(message: ChangeMessage): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/**
 * Buses in one process that hear each other: one per simulated replica in tests, or a single one (which then
 * hears nothing) for a gateway with no shared storage.
 * @example
 * const hub = new MemoryChangeHub();
 * const a = hub.bus(), b = hub.bus();
 * b.subscribe((m) => console.log(m)); await a.publish({ type: 'key-revoked', id: 'ci' });
 */
export class MemoryChangeHub {
  readonly #buses = new Set<MemoryChangeBus>();

  /** A new bus on this hub. */
  bus(options: { onError?: (error: unknown) => void } = {}): MemoryChangeBus {
    const bus = new MemoryChangeBus(this.#buses, options);
    this.#buses.add(bus);
    return bus;
  }
}

/** One replica's end of a {@link MemoryChangeHub}; alone, a bus that reaches nobody. */
export class MemoryChangeBus implements ChangeBus {
  readonly #peers: Set<MemoryChangeBus>;
  readonly #listeners: ChangeListeners;

  /** `onError` hears of a listener that threw (default: stderr). */
  constructor(peers: Set<MemoryChangeBus> = new Set(), options: { onError?: (error: unknown) => void } = {}) {
    this.#peers = peers;
    this.#listeners = new ChangeListeners(options.onError ?? ((error) => console.error('[mcpkit] a change listener failed:', error)));
  }

  async publish(message: ChangeMessage): Promise<void> {
    const copy = decodeChange(encodeChange(message, ''))!.message;
    for (const peer of this.#peers) if (peer !== this) queueMicrotask(() => peer.#listeners.emit(copy));
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#peers.delete(this);
  }
}
