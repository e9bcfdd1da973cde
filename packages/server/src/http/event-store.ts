/**
 * Storage for SSE events so a session-era client can resume a broken stream with `Last-Event-ID`
 * (spec 2025-11-25 basic/transports/streamable-http#resumability-and-redelivery).
 * @module
 */
import type { JsonRpcMessage } from '@mcpkit/protocol';

/** Persists events per stream and replays those after a given event id. */
export interface EventStore {
  /** Stores a message sent on `streamId`; returns its event id (globally unique, encodes the stream). */
  storeEvent(streamId: string, message: JsonRpcMessage): Promise<string> | string;
  /** The stream an event id belongs to, or undefined if unknown. */
  streamIdOf(eventId: string): Promise<string | undefined> | string | undefined;
  /** Replays, in order, the events of the same stream stored after `lastEventId`. */
  replayAfter(lastEventId: string, send: (eventId: string, message: JsonRpcMessage) => void): Promise<void> | void;
}

interface StoredEvent {
  id: string;
  message: JsonRpcMessage;
}

/**
 * An in-memory EventStore, bounded per stream and in the number of streams (oldest dropped first).
 * @example
 * const handler = createHttpHandler(server, { eventStore: new InMemoryEventStore() });
 */
export class InMemoryEventStore implements EventStore {
  readonly #streams = new Map<string, { events: StoredEvent[]; seq: number }>();
  readonly #maxPerStream: number;
  readonly #maxStreams: number;

  constructor(options: { maxEventsPerStream?: number; maxStreams?: number } = {}) {
    this.#maxPerStream = options.maxEventsPerStream ?? 1000;
    this.#maxStreams = options.maxStreams ?? 10_000;
  }

  storeEvent(streamId: string, message: JsonRpcMessage): string {
    let stream = this.#streams.get(streamId);
    if (!stream) {
      if (this.#streams.size >= this.#maxStreams) {
        const oldest = this.#streams.keys().next().value;
        if (oldest !== undefined) this.#streams.delete(oldest);
      }
      stream = { events: [], seq: 0 };
      this.#streams.set(streamId, stream);
    }
    const id = `${streamId}_${++stream.seq}`;
    stream.events.push({ id, message });
    if (stream.events.length > this.#maxPerStream) stream.events.shift();
    return id;
  }

  streamIdOf(eventId: string): string | undefined {
    const cut = eventId.lastIndexOf('_');
    // A client's Last-Event-ID: `<stream>_<sequence number>` or nothing.
    if (cut <= 0 || !/^\d{1,15}$/.test(eventId.slice(cut + 1))) return undefined;
    const streamId = eventId.slice(0, cut);
    return this.#streams.has(streamId) ? streamId : undefined;
  }

  replayAfter(lastEventId: string, send: (eventId: string, message: JsonRpcMessage) => void): void {
    const streamId = this.streamIdOf(lastEventId);
    if (streamId === undefined) return;
    const events = this.#streams.get(streamId)!.events;
    const seq = Number(lastEventId.slice(streamId.length + 1));
    for (const e of events) if (Number(e.id.slice(streamId.length + 1)) > seq) send(e.id, e.message);
  }

  /** Forgets a stream (e.g. when its session ends). */
  dropStream(streamId: string): void {
    this.#streams.delete(streamId);
  }
}
