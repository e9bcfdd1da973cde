/**
 * The inspector's event log: every event the UI shows (JSON-RPC history, stderr, logs, progress, asks, state),
 * numbered, serialized once, kept in a ring bounded by count and bytes so a reloaded page catches up, and pushed to
 * each open event stream.
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

/** One kept event: its number and its JSON (a {@link StampedEvent}). */
export interface SerializedEvent {
  seq: number;
  json: string;
}

type Subscriber = (event: SerializedEvent) => void;

export interface EventHubLimits {
  /** Most events kept. Default 5000. */
  events?: number;
  /** Most bytes of JSON kept (a few huge results must not hold the memory). Default 32 MB. */
  bytes?: number;
}

/** Keeps the latest events and fans new ones out to subscribers. */
export class EventHub {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #start = performance.now();
  #seq = 0;
  #ring: SerializedEvent[] = [];
  #bytes = 0;
  #subscribers = new Set<Subscriber>();

  constructor(limits: EventHubLimits = {}) {
    this.#maxEvents = limits.events ?? 5000;
    this.#maxBytes = limits.bytes ?? 32 * 1024 * 1024;
  }

  /** Milliseconds since the hub was made. */
  now(): number {
    return Math.round((performance.now() - this.#start) * 10) / 10;
  }

  publish(event: InspectorEvent): void {
    const stamped: StampedEvent = { seq: ++this.#seq, t: this.now(), event };
    const kept: SerializedEvent = { seq: stamped.seq, json: JSON.stringify(stamped) };
    this.#ring.push(kept);
    this.#bytes += kept.json.length;
    let drop = 0;
    while (this.#ring.length - drop > 1 && (this.#ring.length - drop > this.#maxEvents || this.#bytes > this.#maxBytes)) this.#bytes -= this.#ring[drop++]!.json.length;
    if (drop) this.#ring.splice(0, drop);
    for (const s of this.#subscribers) s(kept);
  }

  /** The kept events after `afterSeq`, then each new one; returns the unsubscribe function. */
  subscribe(subscriber: Subscriber, afterSeq = 0): () => void {
    for (const e of this.#ring) if (e.seq > afterSeq) subscriber(e);
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }
}
