/**
 * The inspector's event log: every event the UI shows (JSON-RPC history, stderr, logs, progress, asks, state),
 * numbered, kept in a bounded ring so a reloaded page catches up, and pushed to each open event stream.
 * @module
 */
import type { InspectorEvent } from './events.js';

/** A numbered event as it goes over the stream. */
export interface StampedEvent {
  seq: number;
  /** Milliseconds since the inspector started. */
  t: number;
  event: InspectorEvent;
}

type Subscriber = (event: StampedEvent) => void;

/** Keeps the last `limit` events and fans new ones out to subscribers. */
export class EventHub {
  readonly #limit: number;
  readonly #start = performance.now();
  #seq = 0;
  #ring: StampedEvent[] = [];
  #subscribers = new Set<Subscriber>();

  constructor(limit = 5000) {
    this.#limit = limit;
  }

  /** Milliseconds since the hub was made. */
  now(): number {
    return Math.round((performance.now() - this.#start) * 10) / 10;
  }

  publish(event: InspectorEvent): void {
    const stamped: StampedEvent = { seq: ++this.#seq, t: this.now(), event };
    this.#ring.push(stamped);
    if (this.#ring.length > this.#limit) this.#ring.splice(0, this.#ring.length - this.#limit);
    for (const s of this.#subscribers) s(stamped);
  }

  /** The kept events after `afterSeq`, then each new one; returns the unsubscribe function. */
  subscribe(subscriber: Subscriber, afterSeq = 0): () => void {
    for (const e of this.#ring) if (e.seq > afterSeq) subscriber(e);
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }
}
